import { test } from 'tap'
import Fastify from 'fastify'
import { Type } from '@sinclair/typebox'
import temporaryResponse from '../plugin/index.ts'
import { launchChromium } from './browser/chromium.ts'
import { fetchFromPage, startPageServer } from './browser/page.ts'

// The contract's proof of CORS exposure: a page on one origin (http://localhost:PORT) fetches,
// with credentials, from the API on another (http://127.0.0.1:PORT2) in a real Chromium, and
// reads exactly the headers that were staged or declared.

// what the page reads with res.headers.get(); set-cookie is never readable by page script
const readNames = ['x-cat-dog', 'x-staged-hook', 'x-declared', 'x-not-exposed', 'set-cookie']

interface ServedResponse {
  statusCode: number
  headers: Record<string, unknown>
}

// An origin given as a string is sent as Access-Control-Allow-Origin on every response, whatever
// the request's Origin; an array is matched per request, and a miss sends no CORS headers at all.
// The disallowed cases use an array, so the response carries no Access-Control-Allow-Origin.
async function startApi (corsOrigin: string | string[]) {
  const app = Fastify()
  await app.register(temporaryResponse, { cors: { origin: corsOrigin, credentials: true } })

  // what the server really sent, to tell "the browser withheld it" from "it never arrived"
  const served: ServedResponse[] = []
  app.addHook('onResponse', async (_request, reply) => {
    served.push({ statusCode: reply.statusCode, headers: reply.getHeaders() })
  })

  app.get('/data', {
    schema: {
      response: {
        200: Type.Object({ ok: Type.Boolean() }, { headers: { 'x-declared': Type.String() } })
      }
    },
    preHandler: async (request) => {
      request.response.headers.set('X-Staged-Hook', 'from-hook')
    }
  }, async (request, reply) => {
    request.response.headers.set('X-Cat-Dog', 'alone in the world')
    request.response.headers.set('x-declared', 'yes')
    request.response.setCookie('session', 'abc', { httpOnly: true })
    reply.header('X-Not-Exposed', 'secret')
    return { ok: true }
  })

  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return { origin: `http://127.0.0.1:${port}`, served, close: () => app.close() }
}

function splitList (value: string | null): string[] {
  if (value === null) return []
  return value.split(/\s*,\s*/).filter(Boolean).map((name) => name.toLowerCase()).sort()
}

// Plain HTTP first: if the browser cases fail, these show what the server sent
test('the API lists staged and declared headers in Access-Control-Expose-Headers', async (t) => {
  const origin = 'http://localhost:3000'
  const api = await startApi(origin)
  t.teardown(api.close)

  const res = await fetch(`${api.origin}/data`, { headers: { origin } })
  t.equal(res.status, 200)
  t.equal(res.headers.get('access-control-allow-origin'), origin)
  t.equal(res.headers.get('access-control-allow-credentials'), 'true')
  t.same(splitList(res.headers.get('access-control-expose-headers')),
    ['x-cat-dog', 'x-declared', 'x-staged-hook'])
  t.equal(res.headers.get('x-cat-dog'), 'alone in the world')
  t.equal(res.headers.get('x-staged-hook'), 'from-hook')
  t.equal(res.headers.get('x-declared'), 'yes')
  t.equal(res.headers.get('x-not-exposed'), 'secret')
  const cookies = res.headers.getSetCookie()
  t.equal(cookies.length, 1)
  t.equal(cookies[0].split(/;\s*/)[0], 'session=abc')
  t.ok(cookies[0].split(/;\s*/).some((part) => part.toLowerCase() === 'httponly'), 'HttpOnly')
  t.same(await res.json(), { ok: true })
})

test('the API exposes nothing to an origin that CORS does not allow', async (t) => {
  const api = await startApi(['http://allowed.invalid'])
  t.teardown(api.close)

  const res = await fetch(`${api.origin}/data`, { headers: { origin: 'http://localhost:3000' } })
  t.equal(res.status, 200)
  t.equal(res.headers.get('access-control-allow-origin'), null)
  t.equal(res.headers.get('access-control-expose-headers'), null)
  t.equal(res.headers.get('x-cat-dog'), 'alone in the world', 'staged headers are still sent')
})

test('a page on another origin reads the staged and declared headers, with credentials', async (t) => {
  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const page = await startPageServer()
  t.teardown(page.close)
  const api = await startApi(page.origin)
  t.teardown(api.close)

  const result = await fetchFromPage(browser, page.origin, `${api.origin}/data`, readNames)
  t.equal(result.error, undefined, 'fetch() resolved')
  t.equal(result.status, 200)
  t.strictSame(result.headers, {
    'x-cat-dog': 'alone in the world',
    'x-staged-hook': 'from-hook',
    'x-declared': 'yes',
    'x-not-exposed': null,
    'set-cookie': null
  })
  t.notOk(result.visible?.includes('x-not-exposed'), 'x-not-exposed is not among the readable names')
  t.strictSame(result.body, { ok: true })
  t.equal(api.served.length, 1, 'one request, no preflight')
})

test('a page on an origin that CORS does not allow gets nothing', async (t) => {
  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const page = await startPageServer()
  t.teardown(page.close)
  const api = await startApi(['http://allowed.invalid'])
  t.teardown(api.close)

  const result = await fetchFromPage(browser, page.origin, `${api.origin}/data`, readNames)
  t.strictSame(result, { error: { name: 'TypeError', message: 'Failed to fetch' } })
  t.equal(api.served.length, 1, 'the API answered; the browser withheld the response')
  t.equal(api.served[0].statusCode, 200)
  t.equal(api.served[0].headers['access-control-allow-origin'], undefined)
  t.equal(api.served[0].headers['access-control-expose-headers'], undefined)
})
