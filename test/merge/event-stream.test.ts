import Fastify from 'fastify'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { test } from 'tap'
import { Type } from '@sinclair/typebox'
import plugin from '../../plugin/index.ts'
import type { FastifyTemporaryResponseOptions } from '../../plugin/index.ts'
import { build, list } from '../helpers/app.ts'

// Server-sent events over real HTTP, with both SSE plugins. They declare `reply.sse` with types
// that clash (a context object and a method), so they are loaded untyped.
const require = createRequire(import.meta.url)
const fastifySse = require('@fastify/sse') as Parameters<FastifyInstance['register']>[0]
const { FastifySSEPlugin: fastifySseV2 } = require('fastify-sse-v2') as { FastifySSEPlugin: Parameters<FastifyInstance['register']>[0] }

interface SseContext { send: (message: unknown) => Promise<void>, sendHeaders: (statusCode?: number) => void }
interface SseReply { sse: SseContext }
type SseV2Reply = FastifyReply & { sse: (source: unknown) => void }

const origin = 'https://app.example'
const sseRoute = { sse: true } as object

async function withSse (t: Parameters<typeof build>[0], which: 'sse' | 'v2', options: FastifyTemporaryResponseOptions = {}): Promise<FastifyInstance> {
  const app = await build(t, { cors: { origin, credentials: true }, ...options })
  if (which === 'sse') await app.register(fastifySse, { heartbeatInterval: 0 })
  else await app.register(fastifySseV2, { retryDelay: false })
  app.addHook('onRequest', async (request) => {
    request.response.headers.set('X-Request-Id', 'req-1')
  })
  return app
}

async function get (app: FastifyInstance, path: string, headers: Record<string, string> = {}): Promise<{ res: Response, body: string }> {
  const address = app.server.listening ? `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` : await app.listen({ port: 0, host: '127.0.0.1' })
  const res = await fetch(`${address}${path}`, { headers: { origin, accept: 'text/event-stream', ...headers } })
  return { res, body: await res.text() }
}

/** One event, then the end of the stream (fastify-sse-v2 ends reply.raw with its source). */
async function * oneEvent (): AsyncGenerator<{ data: string }> {
  yield { data: 'hello' }
}

test('@fastify/sse: staged headers, cookies, status and their CORS exposure reach the event stream', async (t) => {
  const app = await withSse(t, 'sse')
  app.get('/events', {
    ...sseRoute,
    preHandler: async (request) => { request.response.headers.set('X-Trace', 'pre') }
  }, async (request, reply) => {
    request.response.setCookie('sid', 'abc')
    request.response.statusCode = 201
    await (reply as unknown as SseReply).sse.send({ data: 'hello' })
  })
  const { res, body } = await get(app, '/events')
  t.equal(res.status, 201)
  t.equal(res.headers.get('content-type'), 'text/event-stream')
  t.equal(res.headers.get('x-request-id'), 'req-1')
  t.equal(res.headers.get('x-trace'), 'pre')
  t.same(res.headers.getSetCookie(), ['sid=abc; Path=/; SameSite=Lax'])
  t.equal(res.headers.get('access-control-allow-origin'), origin)
  t.same(list(res.headers.get('access-control-expose-headers')), ['x-request-id', 'x-trace'])
  t.equal(body, 'data: "hello"\n\n')
})

test('fastify-sse-v2: staged headers, cookies, status and their CORS exposure reach the event stream', async (t) => {
  const app = await withSse(t, 'v2')
  app.get('/events', {
    preHandler: async (request) => { request.response.headers.set('X-Trace', 'pre') }
  }, async (request, reply) => {
    request.response.setCookie('sid', 'abc')
    request.response.statusCode = 201
    ;(reply as SseV2Reply).sse(oneEvent())
  })
  const { res, body } = await get(app, '/events')
  t.equal(res.status, 201, 'the staged status wins over the 200 the plugin writes')
  t.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8')
  t.equal(res.headers.get('x-request-id'), 'req-1')
  t.equal(res.headers.get('x-trace'), 'pre')
  t.same(res.headers.getSetCookie(), ['sid=abc; Path=/; SameSite=Lax'])
  t.same(list(res.headers.get('access-control-expose-headers')), ['x-request-id', 'x-trace'])
  t.equal(body, 'data: hello\n\n')
})

test('fastify-sse-v2 with its retry line: the head written by the first write is merged too', async (t) => {
  const app = await build(t)
  await app.register(fastifySseV2)
  app.get('/events', async (request, reply) => {
    request.response.headers.set('X-Request-Id', 'req-2')
    ;(reply as SseV2Reply).sse(oneEvent())
  })
  const { res, body } = await get(app, '/events')
  t.equal(res.headers.get('x-request-id'), 'req-2')
  t.equal(res.headers.get('access-control-expose-headers'), null, 'no CORS, no exposure')
  t.equal(body, 'retry: 3000\n\ndata: hello\n\n')
})

for (const which of ['sse', 'v2'] as const) {
  test(`${which}: the SSE plugin's own headers and the reply's win over staged ones; token lists merge`, async (t) => {
    const app = await withSse(t, which)
    app.get('/events', sseRoute, async (request, reply) => {
      request.response.headers.set('Content-Type', 'text/plain')
      request.response.headers.set('Cache-Control', 'max-age=60')
      request.response.headers.set('X-Own', 'staged')
      request.response.headers.set('Vary', 'Accept')
      reply.header('X-Own', 'explicit')
      reply.header('Vary', 'Origin')
      reply.header('Set-Cookie', 'own=1; Path=/')
      request.response.setCookie('sid', 'abc')
      if (which === 'sse') await (reply as unknown as SseReply).sse.send({ data: 'x' })
      else (reply as SseV2Reply).sse(oneEvent())
    })
    const { res } = await get(app, '/events')
    t.equal(res.status, 200)
    t.match(res.headers.get('content-type'), /^text\/event-stream/)
    t.not(res.headers.get('cache-control'), 'max-age=60')
    t.equal(res.headers.get('x-own'), 'explicit')
    t.same(res.headers.getSetCookie(), ['own=1; Path=/', 'sid=abc; Path=/; SameSite=Lax'])
    t.same(list(res.headers.get('vary')), ['Origin', 'accept'])
    t.ok(list(res.headers.get('access-control-expose-headers')).includes('x-request-id'))
  })
}

test('@fastify/sse: a status set with reply.code() or sendHeaders() wins over the staged one', async (t) => {
  const app = await withSse(t, 'sse')
  app.get('/code', { ...sseRoute, onRequest: [async () => {}] }, async (request, reply) => {
    request.response.statusCode = 201
    reply.code(202)
    await (reply as unknown as SseReply).sse.send({ data: 'x' })
  })
  app.get('/send-headers', sseRoute, async (request, reply) => {
    request.response.statusCode = 201
    ;(reply as unknown as SseReply).sse.sendHeaders(203)
    await (reply as unknown as SseReply).sse.send({ data: 'x' })
  })
  t.equal((await get(app, '/code')).res.status, 202)
  t.equal((await get(app, '/send-headers')).res.status, 203)
})

for (const which of ['sse', 'v2'] as const) {
  test(`${which}: a staged 204 makes the event stream an empty response without Content-Type`, async (t) => {
    const app = await withSse(t, which)
    app.get('/events', sseRoute, async (request, reply) => {
      request.response.statusCode = 204
      if (which === 'sse') await (reply as unknown as SseReply).sse.send({ data: 'x' })
      else (reply as SseV2Reply).sse(oneEvent())
    })
    const { res, body } = await get(app, '/events')
    t.equal(res.status, 204)
    t.equal(res.headers.get('content-type'), null)
    t.equal(res.headers.get('x-request-id'), 'req-1')
    t.equal(body, '')
  })
}

test('@fastify/sse: an error before the stream starts drops the staged headers, keepOnError aside', async (t) => {
  const app = await withSse(t, 'sse', { keepOnError: ['x-request-id'] })
  app.get('/events', sseRoute, async (request) => {
    request.response.headers.set('X-Dropped', 'yes')
    throw new Error('boom')
  })
  const { res } = await get(app, '/events')
  t.equal(res.status, 500)
  t.equal(res.headers.get('x-dropped'), null)
  t.equal(res.headers.get('x-request-id'), 'req-1')
})

test('a write after the event stream started throws: the head is on the wire', async (t) => {
  const app = await withSse(t, 'sse')
  let late: unknown = null
  app.get('/events', sseRoute, async (request, reply) => {
    await (reply as unknown as SseReply).sse.send({ data: 'x' })
    try {
      request.response.headers.set('X-Late', '1')
    } catch (err) {
      late = err
    }
  })
  const { res } = await get(app, '/events')
  t.equal(res.headers.get('x-late'), null)
  t.equal((late as { code?: string } | null)?.code, 'FST_TEMP_RESPONSE_ALREADY_SENT')
})

test('an SSE route that answers without streaming is merged once, by onSend', async (t) => {
  const app = await withSse(t, 'v2')
  app.get('/json', async (request) => {
    request.response.setCookie('sid', 'abc')
    return { ok: true }
  })
  const { res, body } = await get(app, '/json', { accept: 'application/json' })
  t.equal(res.headers.get('x-request-id'), 'req-1')
  t.same(res.headers.getSetCookie(), ['sid=abc; Path=/; SameSite=Lax'])
  t.same(JSON.parse(body), { ok: true })
})

test('an untouched request and a hijacked reply that is no event stream are left alone', async (t) => {
  const app = await build(t)
  await app.register(fastifySseV2, { retryDelay: false })
  app.get('/untouched', async (_request, reply) => {
    (reply as SseV2Reply).sse(oneEvent())
  })
  app.get('/hijacked', { onRequest: [async () => {}] }, async (request, reply) => {
    request.response.headers.set('X-Staged', 'yes')
    reply.hijack()
    reply.raw.writeHead(200)
    reply.raw.end('raw')
  })
  app.get('/typed', { onRequest: async () => {} }, async (request, reply) => {
    request.response.headers.set('X-Staged', 'yes')
    reply.hijack()
    reply.raw.writeHead(200, { 'content-type': 'text/plain' })
    reply.raw.end('raw')
  })
  const untouched = await get(app, '/untouched')
  t.equal(untouched.res.headers.get('content-type'), 'text/event-stream; charset=utf-8')
  t.equal(untouched.body, 'data: hello\n\n')
  for (const path of ['/hijacked', '/typed']) {
    const { res, body } = await get(app, path)
    t.equal(res.headers.get('x-staged'), null, path)
    t.equal(body, 'raw')
  }
})

test('a staged header that breaks its declared schema is not sent on the event stream, and is logged', async (t) => {
  const logs: Array<Record<string, any>> = []
  const app = Fastify({ logger: { level: 'error', stream: { write: (line: string) => logs.push(JSON.parse(line)) } } })
  t.teardown(() => app.close())
  await app.register(plugin)
  await app.register(fastifySse, { heartbeatInterval: 0 })
  const schema = { response: { 201: Type.Object({}, { headers: { 'x-count': Type.Integer() } }) } }
  app.get('/events', { ...sseRoute, schema }, async (request, reply) => {
    request.response.headers.set('X-Count', 'abc')
    request.response.headers.set('X-Other', 'yes')
    request.response.statusCode = 201
    await (reply as unknown as SseReply).sse.send({ data: 'x' })
  })
  const { res, body } = await get(app, '/events')
  t.equal(res.status, 200)
  t.equal(res.headers.get('x-count'), null)
  t.equal(res.headers.get('x-other'), null)
  t.equal(body, 'data: "x"\n\n')
  t.equal(logs.find(log => log.err?.code === 'FST_TEMP_RESPONSE_INVALID_RESPONSE')?.err.details[0].path, 'headers/x-count')
})

test('fastify-sse-v2 registered after the routes that call reply.sse() still gets the merge', async (t) => {
  const app = await build(t)
  app.register(fastifySseV2, { retryDelay: false })
  app.get('/events', async (request, reply) => {
    request.response.headers.set('X-Request-Id', 'late')
    ;(reply as SseV2Reply).sse(oneEvent())
  })
  const { res, body } = await get(app, '/events')
  t.equal(res.headers.get('x-request-id'), 'late')
  t.equal(body, 'data: hello\n\n')
})

test('fastify-sse-v2 registered before the plugin: its routes get the wrapping hook', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(fastifySseV2, { retryDelay: false })
  await app.register(plugin)
  app.get('/events', { onRequest: async (request) => { request.response.headers.set('X-Request-Id', 'before') } }, async (_request, reply) => {
    (reply as SseV2Reply).sse(oneEvent())
  })
  const { res, body } = await get(app, '/events')
  t.equal(res.headers.get('x-request-id'), 'before')
  t.equal(body, 'data: hello\n\n')
})

test('other reply decorators are left as they are', async (t) => {
  const app = await build(t)
  const value = { kept: true }
  app.decorateReply('sseLike', null)
  app.decorateReply('sse2', { getter: () => value })
  app.get('/', async (_request, reply) => (reply as unknown as { sse2: object }).sse2)
  t.same((await app.inject('/')).json(), { kept: true })
})

test('a route added before the plugin loaded streams without the staged headers, and says so', async (t) => {
  const logs: Array<Record<string, any>> = []
  const app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => logs.push(JSON.parse(line)) } } })
  t.teardown(() => app.close())
  app.get('/events', async (request, reply) => {
    request.response.headers.set('X-Request-Id', 'early')
    ;(reply as SseV2Reply).sse(oneEvent())
  })
  await app.register(plugin)
  await app.register(fastifySseV2, { retryDelay: false })
  const { res, body } = await get(app, '/events')
  t.equal(res.headers.get('x-request-id'), null)
  t.equal(body, 'data: hello\n\n')
  t.ok(logs.some(log => log.msg === 'fastify-temporary-response: GET /events was added before the plugin loaded, so what request.response staged cannot reach its event stream. Await the registration, or add routes in a plugin registered after it'))
})
