import { test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { build } from '../helpers/app.ts'

// Merge rule 3: on an error response the staged status is ignored, and staged
// headers and cookies are dropped except those kept by keepOnError.

function stage (request: { response: import('../../plugin/index.ts').TemporaryResponse }): void {
  request.response.statusCode = 418
  request.response.headers.set('X-Request-Id', 'r-1')
  request.response.headers.set('X-Cat-Dog', 'alone in the world')
  request.response.setCookie('session', 'abc')
}

/**
 * Appends, through an onRoute hook registered after the plugin, an onSend hook that runs
 * after the merge and fails every successful response: an error that overtakes the merge.
 */
function failLateOnSuccess (app: FastifyInstance): void {
  app.addHook('onRoute', routeOptions => {
    const hooks = [routeOptions.onSend ?? []].flat()
    routeOptions.onSend = [...hooks, async (_request: unknown, reply: { statusCode: number }, payload: unknown) => {
      if (reply.statusCode < 400) throw new Error('late failure')
      return payload
    }]
  })
}

const failures: Record<string, (app: FastifyInstance) => void> = {
  'an error thrown in onRequest': app => {
    app.addHook('onRequest', async request => {
      stage(request)
      throw new Error('boom')
    })
    app.get('/', async () => 'never')
  },
  'an error rejected in preHandler': app => {
    app.get('/', {
      preHandler: (request, _reply, done) => {
        stage(request)
        done(new Error('boom'))
      }
    }, async () => 'never')
  },
  'an error thrown in the handler': app => {
    app.get('/', async request => {
      stage(request)
      throw new Error('boom')
    })
  },
  'reply.send(error)': app => {
    app.get('/', (request, reply) => {
      stage(request)
      reply.send(new Error('boom'))
    })
  },
  'a request validation failure': app => {
    app.addHook('onRequest', async request => stage(request))
    app.get('/', { schema: { querystring: Type.Object({ n: Type.Integer() }) } }, async () => 'never')
  },
  'a response validation failure': app => {
    app.get('/', { schema: { response: { 200: Type.Object({ n: Type.Integer() }) } } }, async request => {
      stage(request)
      request.response.statusCode = undefined
      return { n: 'not a number' }
    })
  },
  'an error thrown in an onSend hook': app => {
    app.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode >= 400) return payload
      stage(request)
      throw new Error('boom')
    })
    app.get('/', async () => 'never sent')
  },
  'a route that is not found': app => {
    app.addHook('onRequest', async request => stage(request))
    app.get('/exists', async () => 'ok')
  }
}

for (const [name, setup] of Object.entries(failures)) {
  test(`${name} drops staged headers, cookies and status`, async t => {
    const app = await build(t)
    setup(app)
    const res = await app.inject('/')
    t.ok(res.statusCode >= 400 && res.statusCode !== 418, `status ${res.statusCode} is the error's own`)
    t.equal(res.headers['x-request-id'], undefined)
    t.equal(res.headers['x-cat-dog'], undefined)
    t.equal(res.headers['set-cookie'], undefined)
  })

  test(`${name} keeps every staged header with keepOnError: true`, async t => {
    const app = await build(t, { keepOnError: true })
    setup(app)
    const res = await app.inject('/')
    t.not(res.statusCode, 418)
    t.equal(res.headers['x-request-id'], 'r-1')
    t.equal(res.headers['x-cat-dog'], 'alone in the world')
    t.same(res.headers['set-cookie'], ['session=abc; Path=/; SameSite=Lax'])
  })

  test(`${name} keeps the named headers with keepOnError: [names]`, async t => {
    const app = await build(t, { keepOnError: ['x-REQUEST-id', 'Set-Cookie'] })
    setup(app)
    const res = await app.inject('/')
    t.equal(res.headers['x-request-id'], 'r-1')
    t.equal(res.headers['x-cat-dog'], undefined)
    t.same(res.headers['set-cookie'], ['session=abc; Path=/; SameSite=Lax'])
  })
}

test('a staged 4xx never leaks into an unrelated error', async t => {
  const app = await build(t)
  app.get('/', async request => {
    request.response.statusCode = 404
    throw new Error('unrelated')
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 500)
})

test('a staged status applied before serialization does not leak into a serialization error', async t => {
  const app = await build(t, { validateResponse: false })
  app.get('/', { schema: { response: { 418: Type.Object({ name: Type.String() }) } } }, async request => {
    request.response.statusCode = 418
    return {}
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 500, 'fast-json-stringify threw for the missing required property')
})

test('the error\'s own status and headers are sent, as Fastify does', async t => {
  const app = await build(t, { keepOnError: true })
  app.get('/', async request => {
    request.response.headers.set('Retry-After', '1')
    request.response.headers.set('X-Kept', 'yes')
    throw Object.assign(new Error('slow down'), { statusCode: 429, headers: { 'retry-after': '30' } })
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 429)
  t.equal(res.headers['retry-after'], '30', 'the error\'s header wins over the kept staged one')
  t.equal(res.headers['x-kept'], 'yes')
})

test('a custom error handler\'s response is an error response too', async t => {
  const app = await build(t)
  app.setErrorHandler(async (_error, _request, reply) => reply.code(503).send({ handled: true }))
  app.get('/', async request => {
    request.response.headers.set('X-Dropped', 'yes')
    request.response.statusCode = 201
    throw new Error('boom')
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 503)
  t.same(res.json(), { handled: true })
  t.equal(res.headers['x-dropped'], undefined)
})

test('keepOnError is overridable per route', async t => {
  const app = await build(t)
  app.get('/', { config: { temporaryResponse: { keepOnError: ['x-trace'] } } }, async request => {
    request.response.headers.set('X-Trace', 't-1')
    request.response.headers.set('X-Other', 'o')
    throw new Error('boom')
  })
  const res = await app.inject('/')
  t.equal(res.headers['x-trace'], 't-1')
  t.equal(res.headers['x-other'], undefined)
})

test('an error raised after the merge (an onSend hook that runs later) undoes it', async t => {
  const app = await build(t, { keepOnError: ['x-kept'] })
  // An onRoute hook registered after the plugin appends its onSend after the plugin's.
  failLateOnSuccess(app)
  app.get('/', async (request, reply) => {
    reply.header('Set-Cookie', 'own=1')
    reply.header('Vary', 'Origin')
    request.response.headers.set('Vary', 'Accept-Language')
    request.response.headers.set('X-Kept', 'k')
    request.response.headers.set('X-Dropped', 'd')
    request.response.setCookie('staged', '1')
    request.response.statusCode = 202
    return 'ok'
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 500)
  t.equal(res.headers['x-kept'], 'k')
  t.equal(res.headers['x-dropped'], undefined)
  t.equal(res.headers['set-cookie'], 'own=1', 'the reply\'s own cookie stays, the staged one is gone')
  t.equal(res.headers.vary, 'Origin')
})

test('callNotFound() from a handler drops staged headers like any 404', async t => {
  const app = await build(t)
  app.get('/', async (request, reply) => {
    request.response.headers.set('X-Dropped', 'yes')
    reply.callNotFound()
    return reply
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 404)
  t.equal(res.headers['x-dropped'], undefined)
})

test('an error after an untouched request was answered is still handled', async t => {
  const app = await build(t)
  failLateOnSuccess(app)
  app.get('/', async () => 'never touched')
  const res = await app.inject('/')
  t.equal(res.statusCode, 500)
  t.equal(res.json().message, 'late failure')
})

test('an overtaken merge of many staged headers is undone too', async t => {
  const app = await build(t)
  failLateOnSuccess(app)
  app.get('/', async request => {
    for (let i = 0; i < 35; i++) request.response.headers.set(`X-Many-${i}`, String(i))
    request.response.setCookie('staged', '1')
    return 'ok'
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 500)
  t.same(Object.keys(res.headers).filter(name => name.startsWith('x-many-')), [])
  t.equal(res.headers['set-cookie'], undefined)
})

test('a Web Response\'s headers are taken back when the merge fails', async t => {
  const app = await build(t)
  app.get('/', {
    schema: { response: { 200: Type.Any({ headers: { 'x-n': Type.Integer() } }) } }
  }, async request => {
    request.response.headers.set('X-N', 'abc')
    return new Response('x', { headers: { 'x-from-response': '1', 'set-cookie': 'r=1' } })
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 500)
  t.equal(res.json().code, 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
  t.equal(res.headers['x-from-response'], undefined)
  t.equal(res.headers['set-cookie'], undefined)
  t.equal(res.headers['x-n'], undefined)
})

test('an error that overtakes the merge takes the exposure back too', async t => {
  const app = await build(t, { cors: { origin: 'https://app.example' }, keepOnError: ['x-kept'] })
  failLateOnSuccess(app)
  app.get('/', async request => {
    request.response.headers.set('X-Kept', 'k')
    request.response.headers.set('X-Dropped', 'd')
    return 'ok'
  })
  const res = await app.inject({ url: '/', headers: { origin: 'https://app.example' } })
  t.equal(res.statusCode, 500)
  t.equal(res.headers['access-control-expose-headers'], 'x-kept')
})

test('keepOnError: true keeps every staged header, a staged Content-Type included', async t => {
  const app = await build(t, { keepOnError: true })
  app.get('/', async request => {
    request.response.headers.set('Content-Type', 'application/problem+json')
    request.response.headers.set('X-Kept', 'yes')
    throw new Error('boom')
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 500)
  t.equal(res.headers['content-type'], 'application/problem+json', 'it replaces the default type of the JSON error body')
  t.equal(res.headers['x-kept'], 'yes')
})

test('keepOnError naming Content-Type keeps it', async t => {
  const app = await build(t, { keepOnError: ['content-type'] })
  app.get('/', async request => {
    request.response.headers.set('Content-Type', 'application/problem+json')
    throw new Error('boom')
  })
  t.equal((await app.inject('/')).headers['content-type'], 'application/problem+json')
})

test('an error response merged twice (its onSend failed, the next error handler answers) sends each kept line once', async t => {
  const app = await build(t, { keepOnError: true })
  const failedOnce = new WeakSet<object>()
  app.addHook('onRoute', routeOptions => {
    const hooks = [routeOptions.onSend ?? []].flat()
    routeOptions.onSend = [...hooks, async (request: object, _reply: unknown, payload: unknown) => {
      if (!failedOnce.has(request)) {
        failedOnce.add(request)
        throw new Error('the error response failed too')
      }
      return payload
    }]
  })
  await app.register(async child => {
    child.setErrorHandler(async (_error, _request, reply) => reply.code(502).send({ child: true }))
    child.get('/', async request => {
      request.response.setCookie('kept', '1')
      request.response.headers.set('X-Kept', 'yes')
      throw new Error('boom')
    })
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 502, 'the status the child error handler set')
  t.equal(res.json().message, 'the error response failed too')
  t.same(res.headers['set-cookie'], ['kept=1; Path=/; SameSite=Lax'])
  t.equal(res.headers['x-kept'], 'yes')
})

test('keepOnError never sends a declared header value that failed its check, on the 500 it caused', async t => {
  const app = await build(t, { keepOnError: true })
  const schema = Type.Object({ ok: Type.Boolean() }, { headers: { 'x-n': Type.Integer() } })
  app.get('/', { schema: { response: { 200: schema } } }, async request => {
    request.response.headers.set('X-N', 'abc')
    request.response.headers.set('X-Other', 'kept')
    return { ok: true }
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 500)
  t.equal(res.json().code, 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
  t.equal(res.headers['x-n'], undefined)
  t.equal(res.headers['x-other'], 'kept')
})

test('keepOnError never sends a declared header value that fails its check on any other error response', async t => {
  const app = await build(t, { keepOnError: ['x-n'] })
  const schema = {
    200: Type.Object({ ok: Type.Boolean() }, { headers: { 'x-n': Type.Integer() } }),
    201: Type.Object({ ok: Type.Boolean() }, { headers: { 'x-n': Type.Integer({ maximum: 5 }) } })
  }
  app.get('/:n', { schema: { response: schema } }, async request => {
    request.response.headers.set('X-N', (request.params as { n: string }).n)
    throw new Error('boom')
  })
  t.equal((await app.inject('/3')).headers['x-n'], '3', 'a value every declaration accepts is kept')
  t.equal((await app.inject('/abc')).headers['x-n'], undefined)
  t.equal((await app.inject('/7')).headers['x-n'], undefined, 'refused by the 201 declaration')
})
