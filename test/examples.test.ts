import { test } from 'tap'
import { buildExampleApp } from '../examples/fastapi-tutorial.ts'
import { buildDemoApi, buildDemoPage, buildStartApi } from '../examples/demo.ts'
import { list } from './helpers/app.ts'

// The FastAPI tutorial cases, replayed: what FastAPI sends, plus what it drops.

test('(a) a handler stages X-Cat-Dog and returns plain data; a hook stages a header too', async t => {
  const app = await buildExampleApp()
  t.teardown(() => app.close())
  const res = await app.inject('/headers-and-object/')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-cat-dog'], 'alone in the world')
  t.equal(res.headers['x-request-id'], 'req-1')
  t.same(res.json(), { message: 'Hello World' })
})

test('(a) a handler stages a cookie', async t => {
  const app = await buildExampleApp()
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'POST', url: '/cookie-and-object/' })
  t.same(res.cookies, [{ name: 'fakesession', value: 'fake-cookie-session-value', path: '/', sameSite: 'Lax' }])
  t.same(res.json(), { message: 'Come to the dark side, we have cookies' })
})

test('(a) a staged 201 when the task is created, 200 when it exists, filtered by the schema', async t => {
  const app = await buildExampleApp()
  t.teardown(() => app.close())
  const existing = await app.inject({ method: 'PUT', url: '/get-or-create-task/foo' })
  t.equal(existing.statusCode, 200)
  t.same(existing.json(), { task: 'Listen to the Bardo Thodol' })
  const created = await app.inject({ method: 'PUT', url: '/get-or-create-task/bar' })
  t.equal(created.statusCode, 201)
  t.same(created.json(), { task: "This didn't exist before" })
})

test('(b) reply.headers() wins over a staged header of the same name; other staged ones are kept', async t => {
  const app = await buildExampleApp()
  t.teardown(() => app.close())
  const res = await app.inject('/direct/headers/')
  t.equal(res.headers['x-cat-dog'], 'alone in the world')
  t.equal(res.headers['content-language'], 'en-US', 'explicit beats the hook\'s de-DE')
  t.equal(res.headers['x-request-id'], 'req-1', 'FastAPI would drop this; we keep it')
  t.same(res.json(), { message: 'Hello World' })
})

test('(b) a returned Web Response keeps its headers and cookie; staged ones are added', async t => {
  const app = await buildExampleApp()
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'POST', url: '/direct/cookie/' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-language'], 'en-US')
  t.equal(res.headers['x-request-id'], 'req-1')
  t.same(res.cookies.map(cookie => cookie.name), ['fakesession'])
  t.same(res.json(), { message: 'Come to the dark side, we have cookies' })
})

test('the demo API exposes staged and declared headers to the page origin only on /cats', async t => {
  const pageOrigin = 'http://localhost:3001'
  const api = await buildDemoApi(pageOrigin)
  t.teardown(() => api.close())
  const exposed = await api.inject({ url: '/cats', headers: { origin: pageOrigin } })
  t.equal(exposed.headers['access-control-allow-origin'], pageOrigin)
  t.same(list(exposed.headers['access-control-expose-headers']), ['x-request-id', 'x-cat-dog', 'x-rate-remaining'])
  t.same(exposed.json(), { message: 'Hello World' })
  const unexposed = await api.inject({ url: '/cats-unexposed', headers: { origin: pageOrigin } })
  t.equal(unexposed.headers['x-cat-dog'], 'alone in the world')
  t.equal(unexposed.headers['access-control-expose-headers'], undefined)
})

test('the demo page calls the API on the other origin', async t => {
  const page = buildDemoPage('http://127.0.0.1:3000')
  t.teardown(() => page.close())
  const res = await page.inject('/')
  t.equal(res.headers['content-type'], 'text/html; charset=utf-8')
  t.ok(res.body.includes('fetch("http://127.0.0.1:3000" + path, { credentials: \'include\' })'))
})

test('GET / on the API that npm start serves lists the example routes and the page\'s address', async t => {
  const api = await buildStartApi('http://localhost:3001')
  t.teardown(() => api.close())
  const res = await api.inject({ url: '/', headers: { host: '127.0.0.1:3000' } })
  t.equal(res.statusCode, 200)
  const body = res.json() as { message: string, page: string, routes: Array<{ method: string, url: string }> }
  t.equal(body.page, 'http://localhost:3001/')
  t.same(body.routes, [
    { method: 'GET', url: 'http://127.0.0.1:3000/cats' },
    { method: 'GET', url: 'http://127.0.0.1:3000/cats-unexposed' },
    { method: 'GET', url: 'http://127.0.0.1:3000/tutorial/headers-and-object/' },
    { method: 'POST', url: 'http://127.0.0.1:3000/tutorial/cookie-and-object/' },
    { method: 'PUT', url: 'http://127.0.0.1:3000/tutorial/get-or-create-task/:taskId' },
    { method: 'GET', url: 'http://127.0.0.1:3000/direct/headers/' },
    { method: 'POST', url: 'http://127.0.0.1:3000/direct/cookie/' }
  ])
  for (const { method, url } of body.routes) {
    const path = new URL(url).pathname.replace(':taskId', 'foo')
    const answer = await api.inject({ method: method as 'GET', url: path })
    t.equal(answer.statusCode < 400, true, `${method} ${path} answers ${answer.statusCode}`)
  }
})
