// Per-request cost without the network: `node benchmarks/micro.js [scenario]` (default `staged`).
// Builds the A and B apps in this process and times sequential app.inject() calls, interleaved in
// batches. Env: MICRO_N (requests per app, 20000), MICRO_BATCHES (5), MICRO_WARMUP (2000 per app).
import { buildApp, scenarios } from './app.js'

function readInt (name, fallback) {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`)
  return value
}

async function injectMany (app, options, expect, count) {
  const start = process.hrtime.bigint()
  for (let i = 0; i < count; i++) {
    const res = await app.inject(options)
    if (res.statusCode !== expect) throw new Error(`expected status ${expect}, got ${res.statusCode}: ${res.body}`)
  }
  return Number(process.hrtime.bigint() - start) / count
}

function median (values) {
  const sorted = [...values].sort((x, y) => x - y)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

async function main () {
  const name = process.argv[2] ?? 'staged'
  const scenario = scenarios[name]
  if (!scenario) throw new Error(`unknown scenario '${name}', expected one of: ${Object.keys(scenarios).join(', ')}`)
  const n = readInt('MICRO_N', 20000)
  const batches = readInt('MICRO_BATCHES', 5)
  const warmup = readInt('MICRO_WARMUP', 2000)
  const perBatch = Math.ceil(n / batches)
  const { method, path: url, headers } = scenario.request
  const options = { method, url, headers }
  const apps = { A: await buildApp(name, 'A'), B: await buildApp(name, 'B') }
  try {
    for (const v of ['A', 'B']) await injectMany(apps[v], options, scenario.expect, warmup)
    const ns = { A: [], B: [] }
    for (let i = 0; i < batches; i++) {
      const order = i % 2 === 0 ? ['A', 'B'] : ['B', 'A']
      for (const v of order) ns[v].push(await injectMany(apps[v], options, scenario.expect, perBatch))
    }
    report(name, { n: perBatch * batches, batches, warmup }, ns)
  } finally {
    await Promise.all([apps.A.close(), apps.B.close()])
  }
}

function report (name, { n, batches, warmup }, ns) {
  const a = median(ns.A)
  const b = median(ns.B)
  const fmt = (x) => Math.round(x).toLocaleString('en-US')
  console.log(`### micro: ${name}\n\nNode ${process.version}, ${n} inject() per app ` +
    `in ${batches} interleaved batches after ${warmup} warm-up\n`)
  console.log(`| batch | ${ns.A.map((_, i) => i + 1).join(' | ')} | median |`)
  console.log(`| --- | ${ns.A.map(() => '---:').join(' | ')} | ---: |`)
  console.log(`| A ns/req | ${ns.A.map(fmt).join(' | ')} | ${fmt(a)} |`)
  console.log(`| B ns/req | ${ns.B.map(fmt).join(' | ')} | ${fmt(b)} |`)
  console.log(`\nB − A: ${fmt(b - a)} ns/request (B/A ${(b / a).toFixed(3)})`)
}

main().catch((err) => {
  console.error(err.message ?? err)
  process.exitCode = 1
})
