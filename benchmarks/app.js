// One benchmark server: `node benchmarks/app.js <scenario> <A|B>` (or BENCH_SCENARIO / BENCH_VARIANT).
// It listens on 127.0.0.1, port 0, prints {"port":N} on stdout and serves until it is killed.
// A is plain Fastify doing the work by hand, B does the same work through request.response.
// To add a scenario, add an entry to `scenarios` below: run.js and micro.js pick it up.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import Fastify from 'fastify'
import fastifyCors from '@fastify/cors'
import { Type } from '@sinclair/typebox'

// BENCH_PLUGIN points B at another build (for example an older release's dist/index.js).
const pluginURL = process.env.BENCH_PLUGIN
  ? pathToFileURL(resolve(process.env.BENCH_PLUGIN))
  : new URL('../dist/index.js', import.meta.url)

export const CORS_OPTIONS = { origin: 'http://localhost:3000', credentials: true }
const COOKIE_VALUE = 'opaque-session-token-0123456789'
const CAT_DOG = 'alone in the world'
const REMAINING = '99'
const EXPOSED = 'X-Request-Id, X-Cat-Dog, X-Rate-Limit-Remaining'

// The 201 model drops `secret`, so both sides pay for the same filtering serializer.
const itemSchema = {
  response: {
    201: Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      tags: Type.Array(Type.String())
    })
  }
}

function createItem () {
  return { id: 42, name: 'cat-dog', tags: ['cat', 'dog'], secret: 'never on the wire' }
}

function addUntouchedRoute (app) {
  app.get('/', function helloWorld () {
    return { hello: 'world' }
  })
}

// A: the staged work written by hand with reply.header / reply.code / a serialized cookie.
function addStagedByHandRoute (app, { expose = false } = {}) {
  app.get('/item', {
    schema: itemSchema,
    preHandler: function stageRequestIdByHand (request, reply, done) {
      reply.header('x-request-id', request.id)
      done()
    }
  }, function createItemByHand (_request, reply) {
    reply.header('x-cat-dog', CAT_DOG)
    reply.header('x-rate-limit-remaining', REMAINING)
    // Written directly, the physical limit: cookie's serialize(name, value, options) would
    // cost A an object spread (about a microsecond on Node 20) that B does not pay.
    reply.header('set-cookie', 'session=' + encodeURIComponent(COOKIE_VALUE) + '; Path=/; HttpOnly; SameSite=Lax')
    if (expose && reply.hasHeader('access-control-allow-origin')) {
      reply.header('access-control-expose-headers', EXPOSED)
    }
    reply.code(201)
    return createItem()
  })
}

// B: the same work staged on request.response.
function addStagedRoute (app) {
  app.get('/item', {
    schema: itemSchema,
    preHandler: function stageRequestId (request, _reply, done) {
      request.response.headers.set('x-request-id', request.id)
      done()
    }
  }, function createItemStaged (request) {
    request.response.headers.set('x-cat-dog', CAT_DOG)
    request.response.headers.set('x-rate-limit-remaining', REMAINING)
    request.response.setCookie('session', COOKIE_VALUE, { httpOnly: true, path: '/' })
    request.response.statusCode = 201
    return createItem()
  })
}

const hello = { method: 'GET', path: '/' }
const item = { method: 'GET', path: '/item' }
const itemWithOrigin = { ...item, headers: { origin: CORS_OPTIONS.origin } }

// Each variant: `cors` registers @fastify/cors itself, `plugin` registers the built plugin with
// these options (null: not registered), `routes` adds the routes. `request` is what the load
// generator sends; `expect` is the status every response must have.
export const scenarios = {
  untouched: {
    summary: 'GET returning {hello:"world"}; B only registers the plugin and never touches request.response',
    request: hello,
    expect: 200,
    A: { plugin: null, routes: addUntouchedRoute },
    B: { plugin: {}, routes: addUntouchedRoute }
  },
  staged: {
    summary: 'preHandler header + 2 handler headers + 1 cookie + status 201 through a TypeBox 201 schema',
    request: item,
    expect: 201,
    A: { plugin: null, routes: addStagedByHandRoute },
    B: { plugin: { validateResponse: false }, routes: addStagedRoute }
  },
  cors: {
    summary: '`staged` with an Origin and @fastify/cors; A writes Access-Control-Expose-Headers by hand',
    request: itemWithOrigin,
    expect: 201,
    A: { cors: CORS_OPTIONS, plugin: null, routes: (app) => addStagedByHandRoute(app, { expose: true }) },
    B: { plugin: { cors: CORS_OPTIONS, validateResponse: false }, routes: addStagedRoute }
  },
  validate: {
    summary: '`staged` through the plugin; A has validateResponse: false, B has validateResponse: true',
    request: item,
    expect: 201,
    A: { plugin: { validateResponse: false }, routes: addStagedRoute },
    B: { plugin: { validateResponse: true }, routes: addStagedRoute }
  }
}

export const VARIANTS = ['A', 'B']

export function getVariant (scenarioName, variantName) {
  const scenario = scenarios[scenarioName]
  if (!scenario) {
    throw new Error(`unknown scenario '${scenarioName}', expected one of: ${Object.keys(scenarios).join(', ')}`)
  }
  if (!VARIANTS.includes(variantName)) {
    throw new Error(`unknown variant '${variantName}', expected A or B`)
  }
  return scenario[variantName]
}

export function needsPlugin (scenarioName, variantName) {
  return getVariant(scenarioName, variantName).plugin !== null
}

export function hasBuiltPlugin () {
  return existsSync(pluginURL)
}

// Imported lazily, so the A side of most scenarios runs before `npm run build`.
async function loadPlugin () {
  if (!hasBuiltPlugin()) {
    throw new Error(`${pluginURL.pathname} not found: run \`npm run build\` first`)
  }
  const { default: temporaryResponse } = await import(pluginURL.href)
  return temporaryResponse
}

export async function buildApp (scenarioName, variantName) {
  const variant = getVariant(scenarioName, variantName)
  const app = Fastify({ logger: false })
  if (variant.cors) {
    await app.register(fastifyCors, variant.cors)
  }
  if (variant.plugin !== null) {
    await app.register(await loadPlugin(), variant.plugin)
  }
  variant.routes(app)
  await app.ready()
  return app
}

async function main () {
  const scenarioName = process.argv[2] ?? process.env.BENCH_SCENARIO
  const variantName = process.argv[3] ?? process.env.BENCH_VARIANT
  const app = await buildApp(scenarioName, variantName)
  await app.listen({ host: '127.0.0.1', port: 0 })
  process.stdout.write(JSON.stringify({ port: app.server.address().port }) + '\n')
  // run.js writes a line to ask for the CPU time this process used so far (µs): CPU time per
  // request is steadier than req/s on a machine whose cores are shared with other tenants.
  createInterface({ input: process.stdin }).on('line', () => {
    process.stdout.write(JSON.stringify(process.cpuUsage()) + '\n')
  })
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => app.close().finally(() => process.exit(0)))
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err)
    process.exit(1)
  })
}
