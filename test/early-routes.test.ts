import { test } from 'tap'
import Fastify from 'fastify'
import type { FastifyReply } from 'fastify'
import T from 'typebox'
import { Type as S } from '@sinclair/typebox'
import plugin from '../plugin/index.ts'

// Routes added before the plugin finished loading (`fastify.register(plugin); fastify.get(...)`
// without await) get the same response model, codecs included, through the plugin's
// application-level hooks: Fastify runs no later onRoute hook for them.

const mismatch = { statusCode: 500, code: 'FST_TEMP_RESPONSE_INVALID_RESPONSE' }

function early (t: { teardown: (fn: () => unknown) => void }, logs: string[] = []) {
  const app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => logs.push(JSON.parse(line).msg) } } })
  t.teardown(() => app.close())
  app.register(plugin)
  return app
}

const redact = (card: string) => `**** ${card.slice(-4)}`

test('a redacting codec runs on a route added before the plugin loaded, in both TypeBox lines', async t => {
  const app = early(t)
  const card1 = T.Object({ card: T.Codec(T.String()).Decode(value => value).Encode(redact) })
  const card0 = S.Object({ card: S.Transform(S.String()).Decode(value => value).Encode(redact) })
  app.get('/v1', { schema: { response: { 200: card1 } } }, async () => ({ card: '4111-1111-1111-1111', cvv: '123' }))
  app.get('/v0', { schema: { response: { 200: card0 } } }, async () => ({ card: '4111-1111-1111-1111', cvv: '123' }))
  for (const url of ['/v1', '/v0']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 200, url)
    t.equal(res.body, '{"card":"**** 1111"}', url)
  }
})

test('an early route gets the model: mismatches, strings, undeclared statuses and HEAD', async t => {
  const logs: string[] = []
  const app = early(t, logs)
  app.get('/:case', { schema: { response: { 200: T.Object({ id: T.Integer() }) } } }, async (request, reply) => {
    const which = (request.params as { case: string }).case
    if (which === 'string') return 'secret-token-123'
    if (which === 'json') return reply.type('application/json').send('{"id":1,"password":"hunter2"}')
    if (which === 'bad') return { id: 'x' }
    if (which === 'staged') request.response.statusCode = 410
    if (which === 'code') (reply as FastifyReply).code(201)
    return { id: 1, ssn: '078-05-1120' }
  })
  t.equal((await app.inject('/ok')).body, '{"id":1}')
  t.equal((await app.inject('/json')).body, '{"id":1}')
  for (const url of ['/string', '/bad', '/staged', '/code']) {
    const res = await app.inject(url)
    t.has(res.json(), mismatch, url)
    t.notOk(/secret|078-05/.test(res.body), url)
  }
  t.equal((await app.inject({ method: 'HEAD', url: '/string' })).statusCode, 500, 'HEAD is checked before Fastify empties it')
  t.same(logs.filter(msg => msg.startsWith('fastify-temporary-response')), [
    'fastify-temporary-response: GET /:case was added before the plugin loaded; it gets its response model at its first request, and an unusable response schema fails its requests instead of ready(). Await the registration, or add routes in a plugin registered after it',
    'fastify-temporary-response: HEAD /:case was added before the plugin loaded; it gets its response model at its first request, and an unusable response schema fails its requests instead of ready(). Await the registration, or add routes in a plugin registered after it'
  ], 'warned once per route')
})

test('an early route whose schema cannot be checked fails its requests with the coded error, staged headers kept only by keepOnError', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.register(plugin, { keepOnError: ['x-kept'] })
  app.get('/', { schema: { response: { 200: { type: 'string', format: 'no-such-format' } } } }, async request => {
    request.response.headers.set('X-Kept', 'yes')
    request.response.headers.set('X-Dropped', 'yes')
    return 'text'
  })
  for (let i = 0; i < 2; i++) {
    const res = await app.inject('/')
    t.equal(res.statusCode, 500)
    t.equal(res.json().code, 'FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA')
    t.equal(res.headers['x-kept'], 'yes')
    t.equal(res.headers['x-dropped'], undefined)
  }
})

test('an early route without response schemas merges, and the 404 handler still keeps only keepOnError', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.register(plugin, { keepOnError: ['x-kept'] })
  app.addHook('onRequest', async request => {
    request.response.headers.set('X-Kept', 'yes')
    request.response.headers.set('X-Dropped', 'yes')
  })
  app.get('/', async request => {
    request.response.statusCode = 201
    return 'plain'
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 201)
  t.equal(res.body, 'plain')
  t.equal(res.headers['x-dropped'], 'yes')
  const missing = await app.inject('/missing')
  t.equal(missing.statusCode, 404)
  t.equal(missing.headers['x-kept'], 'yes')
  t.equal(missing.headers['x-dropped'], undefined)
})

test('routes added after the plugin loaded are not served by the application-level hooks twice', async t => {
  const app = early(t)
  app.get('/early', async () => 'early')
  await app.after()
  app.get('/', { schema: { response: { 200: T.Object({ card: T.Codec(T.String()).Decode(value => value).Encode(redact) }) } } }, async request => {
    request.response.headers.set('X-A', '1')
    return { card: '4111-1111-1111-1111' }
  })
  const res = await app.inject('/')
  t.equal(res.body, '{"card":"**** 1111"}', 'encoded once')
  t.equal(res.headers['x-a'], '1')
  t.equal((await app.inject('/early')).body, 'early')
})
