import { test } from 'tap'
import { Readable } from 'node:stream'
import { build, list } from './helpers/app.ts'

// What inject cannot show: the bytes Node really sends, read by a real client.

test('over real HTTP: several Set-Cookie lines, the staged status and the CORS headers', async t => {
  const origin = 'http://localhost:1234'
  const app = await build(t, { cors: { origin, credentials: true } })
  app.get('/', async (request, reply) => {
    reply.header('Set-Cookie', 'own=1; Path=/')
    request.response.setCookie('a', '1').setCookie('b', 'two words', { httpOnly: true })
    request.response.headers.set('X-Cat-Dog', 'alone in the world')
    request.response.statusCode = 201
    return { ok: true }
  })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const res = await fetch(address, { headers: { origin } })
  t.equal(res.status, 201)
  t.same(res.headers.getSetCookie(), [
    'own=1; Path=/',
    'a=1; Path=/; SameSite=Lax',
    'b=two%20words; Path=/; HttpOnly; SameSite=Lax'
  ])
  t.equal(res.headers.get('x-cat-dog'), 'alone in the world')
  t.equal(res.headers.get('access-control-allow-origin'), origin)
  t.same(list(res.headers.get('access-control-expose-headers')), ['x-cat-dog'])
  t.same(await res.json(), { ok: true })
})

test('over real HTTP: a staged 204 on a stream sends no body and keeps the connection usable', async t => {
  const app = await build(t)
  app.get('/empty', async request => {
    request.response.statusCode = 204
    return Readable.from(['never sent'])
  })
  app.get('/next', async () => 'next')
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const empty = await fetch(`${address}/empty`)
  t.equal(empty.status, 204)
  t.equal(empty.headers.get('content-length'), null)
  t.equal(await empty.text(), '')
  const next = await fetch(`${address}/next`)
  t.equal(await next.text(), 'next')
})

test('over real HTTP: HEAD to a GET route that returns a Web Response', async t => {
  const app = await build(t)
  app.get('/', async request => {
    request.response.headers.set('X-Staged', 'yes')
    return new Response('body', { headers: { 'x-response': 'yes' } })
  })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const res = await fetch(address, { method: 'HEAD' })
  t.equal(res.status, 200)
  t.equal(res.headers.get('x-staged'), 'yes')
  t.equal(res.headers.get('x-response'), 'yes')
})
