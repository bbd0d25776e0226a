// What the response model costs at start-up: `fastify.ready()` time and the heap it keeps, for
// ROUTES routes with two response schemas each (a 200 of 20 properties with formats and an
// array of objects, one declared header, and a 404), without the plugin, with it, and with it
// and validateResponse: false. Each variant runs in a fresh process (STARTUP_RUNS of them,
// interleaved), and the median is reported: `npm run build && node benchmarks/startup.js`.
// Env: STARTUP_ROUTES (1000), STARTUP_RUNS (5), STARTUP_DIALECT ('typebox' | 'sinclair' | 'json'),
// STARTUP_DISTINCT=1 (each route's 200 has a property of its own, so no two schemas are equal).
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROUTES = Number(process.env.STARTUP_ROUTES ?? 1000)
const RUNS = Number(process.env.STARTUP_RUNS ?? 5)
const DIALECT = process.env.STARTUP_DIALECT ?? 'typebox'
const DISTINCT = process.env.STARTUP_DISTINCT === '1'
const variants = ['plain', 'plugin', 'plugin-no-validation']

function jsonDialect () {
  const required = (properties) => ({ type: 'object', properties, required: Object.keys(properties) })
  return {
    Object: (properties, options) => ({ ...required(properties), ...options }),
    Array: (items) => ({ type: 'array', items }),
    Integer: () => ({ type: 'integer' }),
    Number: () => ({ type: 'number' }),
    String: (options) => ({ type: 'string', ...options }),
    Boolean: () => ({ type: 'boolean' })
  }
}

async function loadDialect () {
  if (DIALECT === 'json') return jsonDialect()
  if (DIALECT === 'sinclair') return (await import('@sinclair/typebox')).Type
  return (await import('typebox')).default
}

/** A 200 of 20 properties: strings with formats, numbers, booleans, an array of objects. */
function userSchema (T, route) {
  const properties = {
    id: T.Integer(),
    email: T.String({ format: 'email' }),
    createdAt: T.String({ format: 'date-time' }),
    birthday: T.String({ format: 'date' }),
    website: T.String({ format: 'uri' }),
    active: T.Boolean(),
    score: T.Number(),
    addresses: T.Array(T.Object({ street: T.String(), city: T.String(), zip: T.String() }))
  }
  for (let i = Object.keys(properties).length; i < 20; i++) properties[DISTINCT && i === 19 ? `field${i}_${route}` : `field${i}`] = T.String()
  return T.Object(properties, { headers: { 'x-count': T.Integer() } })
}

async function measure (variant) {
  const { default: Fastify } = await import('fastify')
  const { default: plugin } = await import('../dist/index.js')
  const T = await loadDialect()
  globalThis.gc()
  const heapBefore = process.memoryUsage().heapUsed
  const app = Fastify()
  if (variant !== 'plain') await app.register(plugin, { validateResponse: variant === 'plugin' })
  for (let i = 0; i < ROUTES; i++) {
    const response = { 200: userSchema(T, i), 404: T.Object({ message: T.String() }) }
    app.get(`/users/${i}`, { schema: { response } }, async () => ({ id: i }))
  }
  const start = process.hrtime.bigint()
  await app.ready()
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  globalThis.gc()
  const kbPerRoute = (process.memoryUsage().heapUsed - heapBefore) / 1024 / ROUTES
  await app.close()
  return { ms, kbPerRoute }
}

function median (values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

if (process.argv[2] === 'child') {
  console.log(JSON.stringify(await measure(process.argv[3])))
} else {
  const results = Object.fromEntries(variants.map(variant => [variant, []]))
  for (let run = 0; run < RUNS; run++) {
    for (const variant of variants) {
      const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), 'child', variant], { encoding: 'utf8' })
      results[variant].push(JSON.parse(out))
    }
  }
  console.log(`fastify.ready() for ${ROUTES} routes (${DIALECT} schemas: a 200 of 20 properties and a 404${DISTINCT ? ', distinct per route' : ''}), ${RUNS} fresh processes each, Node ${process.version}`)
  const plainMs = median(results.plain.map(r => r.ms))
  const plainKb = median(results.plain.map(r => r.kbPerRoute))
  for (const variant of variants) {
    const ms = results[variant].map(r => r.ms)
    const kb = results[variant].map(r => r.kbPerRoute)
    const extra = variant === 'plain' ? '' : `   ${(median(ms) / plainMs).toFixed(2)}× plain's time, +${(median(kb) - plainKb).toFixed(1)} KB per route`
    console.log(`${variant.padEnd(22)} ready() median ${median(ms).toFixed(1)} ms (${Math.min(...ms).toFixed(1)}–${Math.max(...ms).toFixed(1)}), heap ${median(kb).toFixed(1)} KB per route${extra}`)
  }
}
