import { gunzipSync } from 'node:zlib'
import { test } from 'tap'
import type { Test } from 'tap'
import Fastify from 'fastify'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import compress from '@fastify/compress'
import cookie from '@fastify/cookie'
import cors from '@fastify/cors'
import type { FastifyCorsOptions } from '@fastify/cors'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import Type1 from 'typebox'
import { TypeBoxValidatorCompiler as TypeBoxValidatorCompiler6 } from '@fastify/type-provider-typebox'
import type { TypeBoxTypeProvider as TypeBoxTypeProvider6 } from '@fastify/type-provider-typebox'
import { TypeBoxValidatorCompiler as TypeBoxValidatorCompiler5 } from 'tp5'
import type { TypeBoxTypeProvider as TypeBoxTypeProvider5 } from 'tp5'
import { dialects } from './helpers/dialects.ts'
import plugin from '../plugin/index.ts'
import type { FastifyTemporaryResponseOptions } from '../plugin/index.ts'

// The plugin next to the Fastify plugins an application is likely to have. Each one is
// registered before and after this plugin, since both add hooks (several through onRoute)
// and the order of registration is the order those hooks run in.

type Order = 'before' | 'after'
const orders: Order[] = ['before', 'after']

/** A fresh Fastify with `other` registered before or after the plugin, closed when the test ends. */
async function build (
  t: Test,
  order: Order,
  other: (app: FastifyInstance) => PromiseLike<unknown>,
  options: FastifyTemporaryResponseOptions = {}
): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  if (order === 'before') await other(app)
  await app.register(plugin, options)
  if (order === 'after') await other(app)
  return app
}

/** The elements of a comma-separated header, as a client splits them. */
function list (value: unknown): string[] {
  return typeof value === 'string' && value !== '' ? value.split(/\s*,\s*/) : []
}

/** The part of an OpenAPI 3 response object these tests read. */
interface DocumentedResponse {
  headers: Record<string, { description?: string, schema: { type?: string } }>
  content: Record<string, { schema: { headers?: unknown, properties: Record<string, unknown> } }>
}

function lowerSorted (names: string[]): string[] {
  return names.map(name => name.toLowerCase()).sort()
}

for (const order of orders) {
  test(`@fastify/cookie registered ${order}: reply.setCookie and request.response.setCookie both reach the client, the reply's first`, async (t) => {
    const app = await build(t, order, app => app.register(cookie))
    app.get('/', {
      preHandler: async (request) => {
        request.response.setCookie('staged-hook', '1')
      }
    }, async (request, reply) => {
      reply.header('Set-Cookie', 'raw=0; Path=/')
      reply.setCookie('own', '1', { path: '/' })
      request.response.setCookie('staged', '2', { httpOnly: true })
      return { ok: true }
    })

    const res = await app.inject({ method: 'GET', url: '/' })
    t.equal(res.statusCode, 200)
    t.same(res.headers['set-cookie'], [
      'raw=0; Path=/',
      'own=1; Path=/; SameSite=Lax',
      'staged-hook=1; Path=/; SameSite=Lax',
      'staged=2; Path=/; HttpOnly; SameSite=Lax'
    ])
    t.same(res.cookies.map(c => c.name), ['raw', 'own', 'staged-hook', 'staged'])
    t.same(res.json(), { ok: true })
  })

  test(`@fastify/cookie registered ${order}: a route that stages nothing keeps @fastify/cookie's cookies alone`, async (t) => {
    const app = await build(t, order, app => app.register(cookie))
    app.get('/', async (_request, reply) => {
      reply.setCookie('own', '1', { path: '/' })
      return 'ok'
    })

    const res = await app.inject({ method: 'GET', url: '/' })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['set-cookie'], 'own=1; Path=/; SameSite=Lax')
  })

  test(`@fastify/helmet registered ${order}: its headers and the staged ones are sent, its own win a conflict`, async (t) => {
    const app = await build(t, order, app => app.register(helmet))
    app.get('/', async (request) => {
      request.response.headers.set('X-Staged', 'yes')
      // helmet set this on the reply in onRequest: explicit, so it wins (contract, merge rule 2)
      request.response.headers.set('X-Frame-Options', 'DENY')
      return { ok: true }
    })

    const res = await app.inject({ method: 'GET', url: '/' })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['x-staged'], 'yes')
    t.equal(res.headers['x-frame-options'], 'SAMEORIGIN')
    t.equal(res.headers['x-content-type-options'], 'nosniff')
    t.type(res.headers['content-security-policy'], 'string')
    t.type(res.headers['strict-transport-security'], 'string')
    t.same(res.json(), { ok: true })
  })

  test(`@fastify/compress registered ${order}: a compressed body carries the staged headers and one merged Vary`, async (t) => {
    const app = await build(t, order, app => app.register(compress, { global: true }))
    const data = 'temporary response '.repeat(200) // well above the 1024-byte threshold
    app.get('/', async (request) => {
      request.response.headers.set('X-Staged', 'yes')
      request.response.headers.set('Vary', 'Accept-Language')
      return { data }
    })

    const res = await app.inject({ method: 'GET', url: '/', headers: { 'accept-encoding': 'gzip' } })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-encoding'], 'gzip')
    t.equal(res.headers['x-staged'], 'yes')
    t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
    t.same(lowerSorted(list(res.headers.vary)), ['accept-encoding', 'accept-language'])
    t.same(JSON.parse(gunzipSync(res.rawPayload).toString()), { data })
  })

  test(`@fastify/compress registered ${order}: a staged Vary that already names Accept-Encoding is not repeated`, async (t) => {
    const app = await build(t, order, app => app.register(compress, { global: true }))
    const data = 'temporary response '.repeat(200)
    app.get('/', async (request) => {
      request.response.headers.set('Vary', 'Accept-Encoding, Accept-Language')
      return { data }
    })

    const res = await app.inject({ method: 'GET', url: '/', headers: { 'accept-encoding': 'gzip' } })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-encoding'], 'gzip')
    // Registered after, compress's onSend runs after the merge and looks for 'accept-encoding'
    // case-sensitively; the merge lower-cases staged Vary tokens so it finds it.
    t.same(lowerSorted(list(res.headers.vary)), ['accept-encoding', 'accept-language'], 'Vary')
  })

  for (const { name, T } of dialects.slice(0, 3)) {
    test(`@fastify/swagger registered ${order}, ${name}: a declared response header is documented, the body schema is untouched`, async (t) => {
      const app = await build(t, order, app => app.register(swagger, {
        openapi: { openapi: '3.0.3', info: { title: 'test', version: '1.0.0' } }
      }))
      app.get('/rate', {
        schema: {
          response: {
            200: T.Object({ ok: T.Boolean() }, {
              headers: { 'x-rate': T.Integer({ description: 'calls left' }) }
            })
          }
        }
      }, async (request) => {
        request.response.headers.set('X-Rate', '3')
        return { ok: true, secret: 'never sent' }
      })
      await app.ready()

      const document = app.swagger() as unknown as { paths: Record<string, Record<string, { responses: Record<string, DocumentedResponse> }>> }
      const response = document.paths['/rate'].get.responses['200']
      t.equal(response.headers['x-rate'].schema.type, 'integer')
      t.equal(response.headers['x-rate'].description, 'calls left')
      const body = response.content['application/json'].schema
      t.equal(body.headers, undefined, 'no headers keyword in the body schema')
      t.same(Object.keys(body.properties), ['ok'], 'no headers property in the body schema')

      const res = await app.inject({ method: 'GET', url: '/rate' })
      t.equal(res.statusCode, 200)
      t.equal(res.headers['x-rate'], '3')
      t.same(res.json(), { ok: true })
    })
  }

  test(`@fastify/rate-limit registered ${order}: the 429 carries its headers, staged ones are dropped but those kept`, async (t) => {
    const app = await build(t, order, app => app.register(rateLimit, {
      max: 1,
      timeWindow: 60_000,
      keyGenerator: (request: FastifyRequest) => request.url
    }))
    app.addHook('onRequest', async (request) => {
      request.response.headers.set('X-Staged', 'yes')
      request.response.headers.set('X-Kept', 'kept')
      request.response.setCookie('session', 'abc')
    })
    app.get('/kept', { config: { temporaryResponse: { keepOnError: ['X-Kept'] } } }, async () => ({ ok: true }))
    app.get('/plain', async () => ({ ok: true }))

    for (const url of ['/kept', '/plain']) {
      const first = await app.inject({ method: 'GET', url })
      t.equal(first.statusCode, 200, `${url} first`)
      t.equal(first.headers['x-ratelimit-limit'], '1')
      t.equal(first.headers['x-ratelimit-remaining'], '0')
      t.equal(first.headers['x-staged'], 'yes')
      t.equal(first.headers['x-kept'], 'kept')
      t.same(first.headers['set-cookie'], ['session=abc; Path=/; SameSite=Lax'])
    }

    const kept = await app.inject({ method: 'GET', url: '/kept' })
    t.equal(kept.statusCode, 429)
    t.equal(kept.headers['x-ratelimit-limit'], '1')
    t.equal(kept.headers['x-ratelimit-remaining'], '0')
    t.type(kept.headers['x-ratelimit-reset'], 'string')
    t.type(kept.headers['retry-after'], 'string')
    t.equal(kept.headers['x-staged'], undefined)
    t.equal(kept.headers['x-kept'], 'kept')
    t.equal(kept.headers['set-cookie'], undefined)
    t.equal(kept.json().statusCode, 429)

    const plain = await app.inject({ method: 'GET', url: '/plain' })
    t.equal(plain.statusCode, 429)
    t.equal(plain.headers['x-ratelimit-limit'], '1')
    t.type(plain.headers['retry-after'], 'string')
    t.equal(plain.headers['x-staged'], undefined)
    t.equal(plain.headers['x-kept'], undefined)
    t.equal(plain.headers['set-cookie'], undefined)
  })

  // @fastify/cors 11 accepts onRequest, preParsing, preValidation, preHandler and preSerialization
  for (const hook of ['onRequest', 'preHandler', 'preSerialization'] as const) {
    test(`@fastify/cors registered ${order} (hook ${hook}): staged names join its exposedHeaders, without duplicates`, async (t) => {
      const corsOptions: FastifyCorsOptions = {
        origin: 'https://app.example',
        credentials: true,
        exposedHeaders: ['X-Cors-Own', 'X-Staged'],
        hook
      }
      const app = await build(t, order, app => app.register(cors, corsOptions))
      app.get('/', {
        preHandler: async (request) => {
          request.response.headers.set('x-staged', 'hook')
          request.response.headers.set('X-Other', 'hook')
        }
      }, async (request) => {
        request.response.headers.set('X-Handler', 'handler')
        request.response.headers.set('Cache-Control', 'no-store') // safelisted: never listed
        request.response.setCookie('session', 'abc')
        return { ok: true }
      })

      const res = await app.inject({ method: 'GET', url: '/', headers: { origin: 'https://app.example' } })
      t.equal(res.statusCode, 200)
      t.equal(res.headers['access-control-allow-origin'], 'https://app.example')
      t.equal(res.headers['access-control-allow-credentials'], 'true')
      const exposed = list(res.headers['access-control-expose-headers'])
      t.same(exposed.slice(0, 2), ['X-Cors-Own', 'X-Staged'], "@fastify/cors's own names first, as it wrote them")
      t.same(lowerSorted(exposed), ['x-cors-own', 'x-handler', 'x-other', 'x-staged'])
      t.equal(res.headers['x-staged'], 'hook')
      t.equal(res.headers['x-other'], 'hook')
      t.equal(res.headers['x-handler'], 'handler')
      t.equal(res.headers['cache-control'], 'no-store')
      t.same(res.json(), { ok: true })
    })
  }
}

const typeProviders = [
  { name: '6.x with typebox 1.x', T: Type1, compiler: TypeBoxValidatorCompiler6, app: () => Fastify().withTypeProvider<TypeBoxTypeProvider6>() },
  { name: '5.x with @sinclair/typebox 0.34', T: Type, compiler: TypeBoxValidatorCompiler5, app: () => Fastify().withTypeProvider<TypeBoxTypeProvider5>() }
] as const

for (const provider of typeProviders) {
  test(`@fastify/type-provider-typebox ${provider.name}: a withTypeProvider() route stages status 201 and is serialized by its 201 schema`, async (t) => {
    const app = provider.app()
    const T = provider.T as typeof Type
    t.teardown(() => app.close())
    app.setValidatorCompiler(provider.compiler)
    await app.register(plugin)
    app.post('/items', {
      schema: {
        body: T.Object({ name: T.String() }),
        response: {
          200: T.Object({ unused: T.Boolean() }),
          201: T.Object({ id: T.Integer(), name: T.String() })
        }
      }
    }, async (request) => {
      request.response.statusCode = 201
      request.response.headers.set('Location', '/items/1')
      const { name } = request.body as { name: string }
      return { id: name === 'dog' ? 'x' : 1, name, secret: 'never sent' } as never
    })

    const res = await app.inject({ method: 'POST', url: '/items', payload: { name: 'cat' } })
    t.equal(res.statusCode, 201)
    t.equal(res.headers.location, '/items/1')
    t.same(res.json(), { id: 1, name: 'cat' })

    const invalid = await app.inject({ method: 'POST', url: '/items', payload: { name: 1 } })
    t.equal(invalid.statusCode, 400, 'the TypeBox validator compiler still validates the body')
    t.equal(invalid.headers.location, undefined)

    const mismatch = await app.inject({ method: 'POST', url: '/items', payload: { name: 'dog' } })
    t.equal(mismatch.json().code, 'FST_TEMP_RESPONSE_INVALID_RESPONSE', 'the response model checks the 201 schema')
  })
}

test('hooks of encapsulated child plugins and prefixed routes stage into the same response', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin)
  app.addHook('onRequest', async (request) => {
    request.response.headers.set('X-Root', 'root')
  })
  app.register(async (child) => {
    child.addHook('preHandler', async (request) => {
      request.response.headers.append('X-Trail', 'child')
    })
    child.get('/child', async (request) => {
      request.response.headers.append('X-Trail', 'handler')
      return { ok: true }
    })
  })
  app.register(async (v1) => {
    v1.addHook('preHandler', async (request) => {
      request.response.headers.append('X-Trail', 'v1')
      request.response.statusCode = 202
    })
    v1.register(async (nested) => {
      nested.addHook('preHandler', async (request) => {
        request.response.headers.append('X-Trail', 'nested')
      })
      nested.get('/deep', async () => ({ ok: true }))
    }, { prefix: '/nested' })
    v1.get('/items', async () => ({ ok: true }))
  }, { prefix: '/v1' })
  app.get('/root', async () => ({ ok: true }))

  const child = await app.inject({ method: 'GET', url: '/child' })
  t.equal(child.statusCode, 200)
  t.has(child.headers, { 'x-root': 'root', 'x-trail': 'child, handler' })

  const items = await app.inject({ method: 'GET', url: '/v1/items' })
  t.equal(items.statusCode, 202)
  t.has(items.headers, { 'x-root': 'root', 'x-trail': 'v1' })

  const deep = await app.inject({ method: 'GET', url: '/v1/nested/deep' })
  t.equal(deep.statusCode, 202)
  t.has(deep.headers, { 'x-root': 'root', 'x-trail': 'v1, nested' })

  const root = await app.inject({ method: 'GET', url: '/root' })
  t.equal(root.statusCode, 200)
  t.equal(root.headers['x-root'], 'root')
  t.equal(root.headers['x-trail'], undefined, "a child's hooks do not reach a sibling")
})

test('registering the plugin twice fails with FST_TEMP_RESPONSE_ALREADY_REGISTERED', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin)
  await t.rejects(async () => app.register(plugin), {
    code: 'FST_TEMP_RESPONSE_ALREADY_REGISTERED',
    message: /already registered/
  })
})

test('registering the plugin again in a child plugin fails with FST_TEMP_RESPONSE_ALREADY_REGISTERED', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.register(plugin)
  app.register(async (child) => {
    await child.register(plugin, { keepOnError: true })
  })
  await t.rejects(async () => app.ready(), { code: 'FST_TEMP_RESPONSE_ALREADY_REGISTERED' })
})
