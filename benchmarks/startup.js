// What the response model costs at start-up: `fastify.ready()` for ROUTES routes with a response
// schema (a 200 and a 404, one declared header), without the plugin, with it, and with it and
// validateResponse: false. Each variant runs in a fresh process (STARTUP_RUNS of them,
// interleaved), and the median is reported: `npm run build && node benchmarks/startup.js`.
// Env: STARTUP_ROUTES (1000), STARTUP_RUNS (5), STARTUP_DIALECT ('typebox' | 'sinclair' | 'json').
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROUTES = Number(process.env.STARTUP_ROUTES ?? 1000)
const RUNS = Number(process.env.STARTUP_RUNS ?? 5)
const DIALECT = process.env.STARTUP_DIALECT ?? 'typebox'
const variants = ['plain', 'plugin', 'plugin-no-validation']

async function measure (variant) {
  const { default: Fastify } = await import('fastify')
  const { default: plugin } = await import('../dist/index.js')
  const T = DIALECT === 'sinclair' ? (await import('@sinclair/typebox')).Type : (await import('typebox')).default
  const app = Fastify()
  if (variant !== 'plain') await app.register(plugin, { validateResponse: variant === 'plugin' })
  for (let i = 0; i < ROUTES; i++) {
    const user = DIALECT === 'json'
      ? { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, email: { type: 'string', format: 'email' } }, required: ['id', 'name'], headers: { 'x-count': { type: 'integer' } } }
      : T.Object({ id: T.Integer(), name: T.String(), email: T.Optional(T.String({ format: 'email' })) }, { headers: { 'x-count': T.Integer() } })
    const notFound = DIALECT === 'json' ? { type: 'object', properties: { message: { type: 'string' } } } : T.Object({ message: T.String() })
    app.get(`/users/${i}`, { schema: { response: { 200: user, 404: notFound } } }, async () => ({ id: i, name: 'n' }))
  }
  const start = process.hrtime.bigint()
  await app.ready()
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  await app.close()
  return ms
}

function median (values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

if (process.argv[2] === 'child') {
  console.log(await measure(process.argv[3]))
} else {
  const results = Object.fromEntries(variants.map(variant => [variant, []]))
  for (let run = 0; run < RUNS; run++) {
    for (const variant of variants) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), 'child', variant], { encoding: 'utf8' })
      results[variant].push(Number(out.trim()))
    }
  }
  console.log(`fastify.ready() for ${ROUTES} routes (${DIALECT} schemas), ${RUNS} fresh processes each, Node ${process.version}`)
  for (const variant of variants) {
    const values = results[variant]
    console.log(`${variant.padEnd(22)} median ${median(values).toFixed(1)} ms   (min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)})`)
  }
}
