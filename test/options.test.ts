import Fastify from 'fastify'
import { test } from 'tap'
import plugin from '../plugin/index.ts'
import type { FastifyTemporaryResponseOptions } from '../plugin/index.ts'
import { defaultRouteOptions, normalizeOptions, resolveRouteOptions } from '../plugin/options.ts'

const INVALID_OPTION = 'FST_TEMP_RESPONSE_INVALID_OPTION'
const ALREADY_REGISTERED = 'FST_TEMP_RESPONSE_ALREADY_REGISTERED'

function bad (options: unknown): FastifyTemporaryResponseOptions {
  return options as FastifyTemporaryResponseOptions
}

async function registerError (options: FastifyTemporaryResponseOptions): Promise<unknown> {
  const app = Fastify()
  try {
    await app.register(plugin, options)
  } catch (err) {
    return err
  } finally {
    await app.close().catch(() => {})
  }
  return null
}

const invalidPluginOptions: Array<[string, unknown, string]> = [
  ["exposeHeaders 'all'", { exposeHeaders: 'all' }, "Option options.exposeHeaders must be 'staged', 'declared' or false, instead got \"all\""],
  ['exposeHeaders true', { exposeHeaders: true }, "Option options.exposeHeaders must be 'staged', 'declared' or false, instead got true"],
  ["keepOnError 'x'", { keepOnError: 'x' }, 'Option options.keepOnError must be a boolean or an array of header names, instead got "x"'],
  ['keepOnError [1]', { keepOnError: [1] }, 'Option options.keepOnError must be a boolean or an array of header names, instead got an array'],
  ["keepOnError ['x-a', null]", { keepOnError: ['x-a', null] }, 'Option options.keepOnError must be a boolean or an array of header names, instead got an array'],
  ["validateResponse 'yes'", { validateResponse: 'yes' }, 'Option options.validateResponse must be a boolean, instead got "yes"'],
  ['validateResponse 1', { validateResponse: 1 }, 'Option options.validateResponse must be a boolean, instead got 1'],
  ['cors true', { cors: true }, 'Option options.cors must be @fastify/cors options (an object) or false, instead got true'],
  ['cors 1', { cors: 1 }, 'Option options.cors must be @fastify/cors options (an object) or false, instead got 1'],
  ["cors 'x'", { cors: 'x' }, 'Option options.cors must be @fastify/cors options (an object) or false, instead got "x"']
]

for (const [label, options, message] of invalidPluginOptions) {
  test(`register rejects ${label}`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await t.rejects(async () => app.register(plugin, bad(options)), { code: INVALID_OPTION, message })
    t.ok(await registerError(bad(options)) instanceof TypeError, 'a TypeError')
  })
}

test('an invalid option fails register with a TypeError carrying the code', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.register(plugin, bad({ exposeHeaders: 'all' }))
  await t.rejects(async () => app.ready(), { code: INVALID_OPTION, name: 'FastifyError' })
})

test('valid plugin options are accepted and the plugin serves routes', async (t) => {
  const valid: FastifyTemporaryResponseOptions[] = [
    {},
    { exposeHeaders: 'staged' },
    { exposeHeaders: 'declared' },
    { exposeHeaders: false },
    { keepOnError: true },
    { keepOnError: false },
    { keepOnError: [] },
    { keepOnError: ['X-Request-Id', 'Set-Cookie'] },
    { validateResponse: false },
    { validateResponse: true },
    { cors: false },
    { cors: undefined },
    { exposeHeaders: 'declared', keepOnError: ['x-a'], validateResponse: false, cors: false }
  ]
  for (const options of valid) {
    const app = Fastify()
    await app.register(plugin, options)
    app.get('/', async (request) => {
      request.response.headers.set('x-a', '1')
      return 'ok'
    })
    const res = await app.inject({ method: 'GET', url: '/' })
    t.equal(res.statusCode, 200, JSON.stringify(options))
    t.equal(res.headers['x-a'], '1')
    await app.close()
  }
})

test('cors options register @fastify/cors', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin, { cors: { origin: 'https://app.example', credentials: true } })
  app.get('/', async (request) => {
    request.response.headers.set('X-Cat-Dog', 'alone in the world')
    return 'ok'
  })
  const res = await app.inject({ method: 'GET', url: '/', headers: { origin: 'https://app.example' } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['access-control-allow-origin'], 'https://app.example')
  t.equal(res.headers['access-control-allow-credentials'], 'true')
  t.equal(res.headers['x-cat-dog'], 'alone in the world')
  t.equal(res.headers['access-control-expose-headers'], 'x-cat-dog')
})

test('an invalid route config throws at route registration', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin)
  const config = { temporaryResponse: { exposeHeaders: 'nope' } } as never
  await t.rejects(async () => {
    app.get('/x', { config }, async () => 'ok')
    await app.ready()
  }, {
    code: INVALID_OPTION,
    message: "Option config.temporaryResponse of GET /x.exposeHeaders must be 'staged', 'declared' or false, instead got \"nope\""
  })
})

const invalidRouteConfigs: Array<[string, unknown]> = [
  ['exposeHeaders true', { exposeHeaders: true }],
  ['keepOnError 1', { keepOnError: 1 }],
  ['keepOnError [false]', { keepOnError: [false] }],
  ["validateResponse 'no'", { validateResponse: 'no' }],
  ["temporaryResponse 'x'", 'x'],
  ['temporaryResponse null', null],
  ['temporaryResponse true', true]
]

for (const [label, temporaryResponse] of invalidRouteConfigs) {
  test(`route config rejects ${label}`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await app.register(plugin)
    await t.rejects(async () => {
      app.route({ method: 'POST', url: '/r', config: { temporaryResponse } as never, handler: async () => 'ok' })
      await app.ready()
    }, { code: INVALID_OPTION })
  })
}

test('a non-object route config names the route in the message', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin)
  await t.rejects(async () => {
    app.put('/y', { config: { temporaryResponse: 'x' } as never }, async () => 'ok')
    await app.ready()
  }, { message: 'Option config.temporaryResponse of PUT /y must be an object, instead got "x"' })
})

test('valid route configs are accepted', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin)
  app.get('/a', { config: { temporaryResponse: { exposeHeaders: false, keepOnError: ['x-a'], validateResponse: false } } }, async () => 'a')
  app.get('/b', { config: { temporaryResponse: {} } }, async () => 'b')
  app.get('/c', { config: { temporaryResponse: { exposeHeaders: 'declared', keepOnError: true } } }, async () => 'c')
  await app.ready()
  t.equal((await app.inject({ method: 'GET', url: '/a' })).body, 'a')
  t.equal((await app.inject({ method: 'GET', url: '/b' })).body, 'b')
  t.equal((await app.inject({ method: 'GET', url: '/c' })).body, 'c')
})

test('resolveRouteOptions: defaults, overrides, lower-cased keepOnError names', async (t) => {
  t.same(defaultRouteOptions, { exposeStaged: true, exposeDeclared: true, keepOnError: false, validateResponse: true })
  t.same(resolveRouteOptions({}, defaultRouteOptions, 'options'), defaultRouteOptions)
  t.same(resolveRouteOptions({ exposeHeaders: 'staged' }, defaultRouteOptions, 'options'),
    { exposeStaged: true, exposeDeclared: true, keepOnError: false, validateResponse: true })
  t.same(resolveRouteOptions({ exposeHeaders: 'declared' }, defaultRouteOptions, 'options'),
    { exposeStaged: false, exposeDeclared: true, keepOnError: false, validateResponse: true })
  t.same(resolveRouteOptions({ exposeHeaders: false }, defaultRouteOptions, 'options'),
    { exposeStaged: false, exposeDeclared: false, keepOnError: false, validateResponse: true })
  t.same(resolveRouteOptions({ keepOnError: true, validateResponse: false }, defaultRouteOptions, 'options'),
    { exposeStaged: true, exposeDeclared: true, keepOnError: true, validateResponse: false })
  const keep = resolveRouteOptions({ keepOnError: ['X-Request-Id', 'Set-Cookie'] }, defaultRouteOptions, 'options').keepOnError
  t.ok(keep instanceof Set)
  t.same([...(keep as Set<string>)], ['x-request-id', 'set-cookie'])
})

test('resolveRouteOptions resolves over its base and does not mutate it', async (t) => {
  const base = { exposeStaged: false, exposeDeclared: true, keepOnError: true, validateResponse: false }
  const copy = { ...base }
  t.same(resolveRouteOptions({ validateResponse: true }, base, 'r'),
    { exposeStaged: false, exposeDeclared: true, keepOnError: true, validateResponse: true })
  t.same(base, copy)
  t.same(defaultRouteOptions, { exposeStaged: true, exposeDeclared: true, keepOnError: false, validateResponse: true })
})

test('normalizeOptions returns the cors options and the route defaults', async (t) => {
  t.same(normalizeOptions({}), { cors: false, route: defaultRouteOptions })
  const cors = { origin: true }
  const normalized = normalizeOptions({ cors, exposeHeaders: 'declared' })
  t.equal(normalized.cors, cors)
  t.same(normalized.route, { exposeStaged: false, exposeDeclared: true, keepOnError: false, validateResponse: true })
  t.throws(() => normalizeOptions(bad({ cors: 1 })), { code: INVALID_OPTION, message: 'Option options.cors must be @fastify/cors options (an object) or false, instead got 1' })
})

test('registering the plugin twice on the same app is refused', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin)
  await t.rejects(async () => app.register(plugin), {
    code: ALREADY_REGISTERED,
    message: 'fastify-temporary-response is already registered; register it once, at the root, before the routes it serves'
  })
})

test('registering twice before ready is refused at ready', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.register(plugin)
  app.register(plugin, { keepOnError: true })
  await t.rejects(async () => app.ready(), { code: ALREADY_REGISTERED })
})

test('registering again in a child context is refused', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin)
  app.register(async function child (instance) {
    await instance.register(plugin)
  })
  await t.rejects(async () => app.ready(), { code: ALREADY_REGISTERED })
})

test('registering at the root after a child scope is refused', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.register(async function child (instance) {
    await instance.register(plugin)
  })
  app.register(plugin)
  await t.rejects(async () => app.ready(), { code: ALREADY_REGISTERED })
})

test('registering in two sibling scopes is refused', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.register(async function first (instance) {
    await instance.register(plugin)
  })
  app.register(async function second (instance) {
    await instance.register(plugin)
  })
  await t.rejects(async () => app.ready(), { code: ALREADY_REGISTERED })
})

test('one registration per application: two applications register once each', async (t) => {
  for (let i = 0; i < 2; i++) {
    const app = Fastify()
    t.teardown(() => app.close())
    app.register(async function child (instance) {
      await instance.register(plugin)
      instance.get('/', async (request) => {
        request.response.headers.set('x-a', String(i))
        return 'ok'
      })
    })
    t.equal((await app.inject('/')).headers['x-a'], String(i))
  }
})

const unknownPluginOptions: Array<[string, object]> = [
  ['validateResponses', { validateResponses: false }],
  ['keepOnErrors', { keepOnErrors: true }],
  ['expose', { expose: 'staged' }],
  ['exposeheaders', { exposeheaders: false }],
  ['__proto__', JSON.parse('{"__proto__": {}}')]
]

for (const [key, options] of unknownPluginOptions) {
  test(`register rejects the unknown option ${key}, listing the valid ones`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await t.rejects(async () => app.register(plugin, bad(options)), {
      code: INVALID_OPTION,
      message: `Option options must be an object of cors, exposeHeaders, keepOnError and validateResponse, instead got ${JSON.stringify(key)}`
    })
  })
}

test('Fastify\'s own register options are not the plugin\'s to refuse', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin, bad({ prefix: '/p', logLevel: 'warn', logSerializers: {} }))
  app.get('/', async (request) => {
    request.response.headers.set('x-a', '1')
    return 'ok'
  })
  t.equal((await app.inject('/')).headers['x-a'], '1')
})

test('route config rejects cors and unknown keys at registration', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin)
  t.throws(() => app.get('/cors', { config: { temporaryResponse: { cors: {} } as object } }, async () => 'x'), {
    code: 'FST_TEMP_RESPONSE_INVALID_OPTION',
    message: 'Option config.temporaryResponse of GET /cors must be an object of exposeHeaders, keepOnError and validateResponse, instead got "cors"'
  })
  t.throws(() => app.get('/typo', { config: { temporaryResponse: { keepOnErorr: true } as object } }, async () => 'x'), {
    code: 'FST_TEMP_RESPONSE_INVALID_OPTION'
  })
})
