// One benchmark server: `node benchmarks/app.js <scenario> <variant>` (or BENCH_SCENARIO /
// BENCH_VARIANT). It listens on 127.0.0.1, port 0, prints {"port":N} on stdout and serves until
// it is killed, answering run.js's questions (CPU time, a CPU profile) on stdin.
// Variants: A is the physical limit (strings written by hand), Ap (A′) the same work as Fastify
// users write it, Ar A′ with @fastify/response-validation (Ajv) checking every response, B the
// same work through request.response, Bv B with validateResponse: true, and, when asked for
// (BENCH_VARIANTS), Bh: A's own route with the plugin registered.
// To add a scenario, add an entry to `scenarios` below: run.js picks it up.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import Fastify from 'fastify'
import fastifyCookie from '@fastify/cookie'
import fastifyCors from '@fastify/cors'
import fastifyResponseValidation from '@fastify/response-validation'
import ajvFormats from 'ajv-formats'
import { answerControl } from './lib/control.js'
import {
  addItemAsUsersWriteIt, addItemByHand, addItemStaged, addListAsUsersWriteIt, addListByHand,
  addListStaged, addUntouchedRoute, DATED, EXPOSED
} from './routes.js'
import { MODELS } from './routes-model.js'

// BENCH_PLUGIN points B at another build (for example an older release's dist/index.js).
const pluginURL = process.env.BENCH_PLUGIN
  ? pathToFileURL(resolve(process.env.BENCH_PLUGIN))
  : new URL('../dist/index.js', import.meta.url)

export const CORS_OPTIONS = { origin: 'http://localhost:3000', credentials: true }

const hello = { method: 'GET', path: '/' }
const item = { method: 'GET', path: '/item' }
const itemWithOrigin = { ...item, headers: { origin: CORS_OPTIONS.origin } }
const products = { method: 'GET', path: '/products' }
const models = { method: 'GET', path: '/models' }
const dated = { method: 'GET', path: '/dated' }
// What users of @fastify/response-validation pass for schemas with formats.
const WITH_FORMATS = { ajv: { plugins: [ajvFormats] } }

/** The variants of a page scenario (routes.js's page routes serving `page`); `validation` is Ar's. */
function pageVariants (page, validation) {
  return {
    A: { plugin: null, routes: (app) => addListByHand(app, page) },
    Ap: { cookie: true, plugin: null, routes: (app) => addListAsUsersWriteIt(app, page) },
    Ar: { cookie: true, validation, plugin: null, routes: (app) => addListAsUsersWriteIt(app, page) },
    B: { plugin: { validateResponse: false }, routes: (app) => addListStaged(app, page) },
    Bv: { plugin: { validateResponse: true }, routes: (app) => addListStaged(app, page) }
  }
}

// Each variant: `cors` registers @fastify/cors with these options, `cookie` registers
// @fastify/cookie, `validation` registers @fastify/response-validation (with these options if an
// object), `plugin` registers the built plugin with these options (null: not
// registered), `routes` adds the routes. `request` is what the load generator sends, `expect`
// the status every response must have, `target` the bar for B against A. A scenario
// without Ap has nothing users would write differently from A.
export const scenarios = {
  untouched: {
    summary: 'GET returning {hello:"world"}; B only registers the plugin and never touches request.response',
    request: hello,
    expect: 200,
    target: 0.99,
    variants: {
      A: { plugin: null, routes: addUntouchedRoute },
      B: { plugin: {}, routes: addUntouchedRoute }
    }
  },
  staged: {
    summary: 'preHandler header + 2 handler headers + 1 cookie + status 201 through a TypeBox 201 schema',
    request: item,
    expect: 201,
    target: 0.97,
    variants: {
      A: { plugin: null, routes: addItemByHand },
      Ap: { cookie: true, plugin: null, routes: addItemAsUsersWriteIt },
      Ar: { cookie: true, validation: true, plugin: null, routes: addItemAsUsersWriteIt },
      B: { plugin: { validateResponse: false }, routes: addItemStaged },
      Bv: { plugin: { validateResponse: true }, routes: addItemStaged },
      // The floor of the design: the plugin's two route hooks run, nothing is staged.
      Bh: { plugin: { validateResponse: false }, routes: addItemByHand }
    }
  },
  cors: {
    summary: '`staged` with an Origin and @fastify/cors (credentials); A writes Access-Control-Expose-Headers by hand, A′ uses a static exposedHeaders',
    request: itemWithOrigin,
    expect: 201,
    target: 0.97,
    variants: {
      A: { cors: CORS_OPTIONS, plugin: null, routes: (app) => addItemByHand(app, { expose: true }) },
      Ap: { cors: { ...CORS_OPTIONS, exposedHeaders: EXPOSED }, cookie: true, plugin: null, routes: addItemAsUsersWriteIt },
      B: { plugin: { cors: CORS_OPTIONS, validateResponse: false }, routes: addItemStaged },
      Bv: { plugin: { cors: CORS_OPTIONS, validateResponse: true }, routes: addItemStaged }
    }
  },
  realistic: {
    summary: '20 rows (about 2 KB of JSON, one field filtered by the schema), a preHandler header, a handler header and a cookie',
    request: products,
    expect: 200,
    target: 0.99,
    variants: {
      A: { plugin: null, routes: addListByHand },
      Ap: { cookie: true, plugin: null, routes: addListAsUsersWriteIt },
      Ar: { cookie: true, validation: true, plugin: null, routes: addListAsUsersWriteIt },
      B: { plugin: { validateResponse: false }, routes: addListStaged },
      Bv: { plugin: { validateResponse: true }, routes: addListStaged }
    }
  },
  dated: {
    summary: '`realistic` with `createdAt` a date-time (format and ISO values)',
    request: dated,
    expect: 200,
    target: 0.99,
    variants: pageVariants(DATED, WITH_FORMATS)
  },
  model: {
    summary: '`realistic` through a schema a check works at: 13 fields with uuid, email, date-time and uri formats, a pattern, an enum, bounds, a nested object, a nullable date-time',
    request: models,
    expect: 200,
    target: 0.99,
    variants: pageVariants(MODELS, WITH_FORMATS)
  }
}

/** Every variant name, in the order tables list them. */
export const VARIANTS = ['A', 'Ap', 'Ar', 'B', 'Bv', 'Bh']

/** The variants a run measures unless BENCH_VARIANTS says otherwise. */
export const DEFAULT_VARIANTS = ['A', 'Ap', 'Ar', 'B', 'Bv']

export function getVariant (scenarioName, variantName) {
  const scenario = scenarios[scenarioName]
  if (!scenario) {
    throw new Error(`unknown scenario '${scenarioName}', expected one of: ${Object.keys(scenarios).join(', ')}`)
  }
  const variant = scenario.variants[variantName]
  if (!variant) {
    throw new Error(`${scenarioName} has no variant '${variantName}', expected one of: ${Object.keys(scenario.variants).join(', ')}`)
  }
  return variant
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
  if (variant.cookie) {
    await app.register(fastifyCookie)
  }
  if (variant.validation) {
    await app.register(fastifyResponseValidation, variant.validation === true ? {} : variant.validation)
  }
  if (variant.plugin !== null) {
    await app.register(await loadPlugin(), variant.plugin)
  }
  variant.routes(app)
  await app.ready()
  return app
}

function noop () {}

// process.nextTick queues its ticks in ring buffers of 2048. The first time a server has more
// than that queued at once (it does under this load), the optimized nextTick deoptimizes, and
// some processes never get it optimized again: they spend 5-19% of their CPU in nextTick for the
// rest of their life. Which ones is start-up luck on Node 20; on Node 22 and 24 it was every
// plain-Fastify process and no process with the plugin, which made B look up to 22% faster than A.
// So every variant queues more than 2048 ticks before it listens, and all of them start from the
// same state (README.md, "What the slow state is"). BENCH_PRIME=0 leaves it out, to see the effect.
export async function primeNextTick () {
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 5000; i++) process.nextTick(noop)
    await new Promise((resolve) => setImmediate(resolve))
  }
}

async function main () {
  if (process.env.BENCH_PRIME !== '0') await primeNextTick()
  const scenarioName = process.argv[2] ?? process.env.BENCH_SCENARIO
  const variantName = process.argv[3] ?? process.env.BENCH_VARIANT
  const app = await buildApp(scenarioName, variantName)
  await app.listen({ host: '127.0.0.1', port: 0 })
  process.stdout.write(JSON.stringify({ port: app.server.address().port }) + '\n')
  answerControl(process.stdin, process.stdout)
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
