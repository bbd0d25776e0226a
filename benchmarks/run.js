// A/B load benchmark: `node benchmarks/run.js [scenario ...]` (see README.md).
// Env: BENCH_DURATION (s, 2), BENCH_ROUNDS (20), BENCH_CONNECTIONS (100), BENCH_PIPELINING (10),
// BENCH_WARMUP (s, 5), BENCH_VARIANTS (A,B), BENCH_PIN (1: taskset if available),
// BENCH_MODE (interleaved: A then B each round; concurrent: A and B loaded at once on one shared core).
import { execFileSync, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { hasBuiltPlugin, needsPlugin, scenarios, VARIANTS } from './app.js'
import { checkSameWork } from './same-work.js'

const appPath = fileURLToPath(new URL('./app.js', import.meta.url))
const resultsURL = new URL('./results.json', import.meta.url)
const children = new Set()

function readSettings () {
  const int = (name, fallback) => {
    const value = Number(process.env[name] ?? fallback)
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`)
    return value
  }
  const duration = int('BENCH_DURATION', 2)
  const variants = (process.env.BENCH_VARIANTS ?? 'A,B').split(',').map((v) => v.trim())
  for (const v of variants) if (!VARIANTS.includes(v)) throw new Error(`BENCH_VARIANTS: unknown variant '${v}'`)
  return {
    duration,
    warmup: int('BENCH_WARMUP', 5),
    rounds: int('BENCH_ROUNDS', 20),
    connections: int('BENCH_CONNECTIONS', 100),
    pipelining: int('BENCH_PIPELINING', 10),
    variants,
    mode: readMode(variants),
    pin: process.env.BENCH_PIN !== '0' && os.availableParallelism() >= 2 && hasCommand('taskset')
  }
}

function readMode (variants) {
  const mode = process.env.BENCH_MODE ?? 'interleaved'
  if (mode !== 'interleaved' && mode !== 'concurrent') throw new Error(`BENCH_MODE: unknown mode '${mode}'`)
  if (mode === 'concurrent' && variants.length !== 2) throw new Error('BENCH_MODE=concurrent needs both variants')
  return mode
}

function hasCommand (name) {
  try {
    execFileSync('which', [name], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function git (...args) {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

// Servers go to CPU 0 and this process (autocannon) to CPU 1, so they do not share a core.
function startServer (scenario, variant, pin) {
  const command = pin ? 'taskset' : process.execPath
  const args = [...(pin ? ['-c', '0', process.execPath] : []), appPath, scenario, variant]
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] })
  children.add(child)
  child.once('exit', () => children.delete(child))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${scenario} ${variant}: no port after 20 s`)), 20_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${scenario} ${variant}: server exited with ${code}`))
    })
    const lines = createInterface({ input: child.stdout })
    lines.once('line', (line) => {
      clearTimeout(timer)
      resolve({ child, lines, port: JSON.parse(line).port })
    })
  })
}

// The server's own CPU time so far, in µs (user + system), read over its stdin/stdout.
function cpuTime ({ child, lines }) {
  return new Promise((resolve) => {
    lines.once('line', (line) => {
      const { user, system } = JSON.parse(line)
      resolve(user + system)
    })
    child.stdin.write('cpu\n')
  })
}

function stopChildren () {
  for (const child of children) child.kill('SIGKILL')
}

async function measure (name, variant, server, settings, duration) {
  const { method, path, headers } = scenarios[name].request
  const cpuBefore = await cpuTime(server)
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}${path}`,
    method,
    headers,
    connections: settings.connections,
    pipelining: settings.pipelining,
    duration
  })
  if (result.errors || result.timeouts || result.non2xx) {
    throw new Error(`${name} ${variant}: errors=${result.errors} timeouts=${result.timeouts} non2xx=${result.non2xx}`)
  }
  const cpu = await cpuTime(server) - cpuBefore
  return {
    reqPerSec: result.requests.average,
    p99: result.latency.p99,
    requests: result.requests.total,
    cpuPerRequest: cpu / result.requests.total
  }
}

function median (values) {
  const sorted = [...values].sort((x, y) => x - y)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

async function runScenario (name, settings) {
  const servers = {}
  for (const variant of settings.variants) servers[variant] = await startServer(name, variant, settings.pin)
  try {
    await checkSameWork(name, servers)
    for (const variant of settings.variants) {
      const warm = await measure(name, variant, servers[variant], settings, settings.warmup)
      log(`${name} ${variant} warm-up: ${fmt(warm.reqPerSec)} req/s (discarded)`)
    }
    const rounds = []
    for (let i = 0; i < settings.rounds; i++) {
      const round = settings.mode === 'concurrent'
        ? await measureConcurrently(name, servers, settings)
        : await measureInTurn(name, servers, settings, i)
      for (const variant of settings.variants) {
        const r = round[variant]
        log(`${name} round ${i + 1}/${settings.rounds} ${variant}: ${fmt(r.reqPerSec)} req/s, p99 ${r.p99} ms, ${r.cpuPerRequest.toFixed(2)} µs CPU/req`)
      }
      if (round.A && round.B) {
        round.ratio = round.B.reqPerSec / round.A.reqPerSec
        round.cpuRatio = round.A.cpuPerRequest / round.B.cpuPerRequest
      }
      rounds.push(round)
    }
    return { summary: scenarios[name].summary, rounds, median: summarize(rounds, settings.variants) }
  } finally {
    for (const { child } of Object.values(servers)) child.kill('SIGKILL')
  }
}

// Interleaved: A then B, B then A, ... (who goes first alternates).
async function measureInTurn (name, servers, settings, i) {
  const order = i % 2 === 0 ? settings.variants : [...settings.variants].reverse()
  const round = { first: order[0] }
  for (const variant of order) round[variant] = await measure(name, variant, servers[variant], settings, settings.duration)
  return round
}

// Concurrent: both servers share CPU 0 and are loaded at once, so whatever else the host runs
// slows both alike. With the core saturated, the scheduler splits it evenly and the req/s ratio
// is the ratio of per-request costs; a round whose servers used under 90% of the core measured
// the load generator instead, and fails the run.
async function measureConcurrently (name, servers, settings) {
  const started = process.hrtime.bigint()
  const [A, B] = await Promise.all(settings.variants.map((v) => measure(name, v, servers[v], settings, settings.duration)))
  const wall = Number(process.hrtime.bigint() - started) / 1000
  const share = (A.cpuPerRequest * A.requests + B.cpuPerRequest * B.requests) / wall
  if (settings.pin && share < 0.9) {
    throw new Error(`${name}: the servers used ${(share * 100).toFixed(0)}% of their core; the load generator was the bottleneck`)
  }
  return { first: 'both', A, B }
}

function summarize (rounds, variants) {
  const summary = {}
  for (const v of variants) {
    summary[v] = {
      reqPerSec: median(rounds.map((r) => r[v].reqPerSec)),
      p99: median(rounds.map((r) => r[v].p99)),
      cpuPerRequest: median(rounds.map((r) => r[v].cpuPerRequest))
    }
  }
  if (summary.A && summary.B) {
    summary.ratio = median(rounds.map((r) => r.ratio))
    summary.p99Ratio = summary.B.p99 / summary.A.p99
    summary.cpuRatio = median(rounds.map((r) => r.cpuRatio))
  }
  return summary
}

const fmt = (n) => Math.round(n).toLocaleString('en-US')
const ratio = (n) => typeof n === 'number' ? n.toFixed(3) : n
const log = (line) => process.stderr.write(line + '\n')

const row = (cells) => `| ${cells.join(' | ')} |`

function formatTable (name, { summary, rounds, median: m }, variants) {
  const both = variants.length === 2
  const withRatio = (cells, value) => both ? [...cells, ratio(value)] : cells
  const head = withRatio(['round', 'first', ...variants.map((v) => `${v} req/s`), ...variants.map((v) => `${v} µs CPU/req`)], 'B/A req/s')
  const lines = [`### ${name}`, '', summary, '', row(both ? [...head, 'A/B CPU'] : head), row([...head, ...(both ? [''] : [])].map(() => '---:'))]
  rounds.forEach((r, i) => {
    const cells = withRatio([i + 1, r.first, ...variants.map((v) => fmt(r[v].reqPerSec)), ...variants.map((v) => r[v].cpuPerRequest.toFixed(2))], r.ratio)
    lines.push(row(both ? [...cells, ratio(r.cpuRatio)] : cells))
  })
  const cols = withRatio(['', ...variants], 'B/A')
  lines.push('', row(cols), row(['---', ...cols.slice(1).map(() => '---:')]))
  lines.push(row(withRatio(['median req/s', ...variants.map((v) => fmt(m[v].reqPerSec))], m.ratio)))
  lines.push(row(withRatio(['median p99 (ms)', ...variants.map((v) => m[v].p99)], m.p99Ratio)))
  lines.push(row(withRatio(['median µs CPU/req', ...variants.map((v) => m[v].cpuPerRequest.toFixed(2))], m.cpuRatio)))
  return lines.join('\n') + '\n'
}

function describeMachine (settings) {
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: `${os.cpus()[0]?.model ?? 'unknown'} x ${os.cpus().length}`,
    commit: git('describe', '--always', '--dirty'),
    settings
  }
}

async function main () {
  const settings = readSettings()
  const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(scenarios)
  for (const name of names) if (!scenarios[name]) throw new Error(`unknown scenario '${name}'`)
  if (!hasBuiltPlugin() && names.some((n) => settings.variants.some((v) => needsPlugin(n, v)))) {
    throw new Error('the plugin build is missing: run `npm run build` first ' +
      '(or BENCH_VARIANTS=A for the scenarios whose A side needs no plugin)')
  }
  if (settings.pin) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' })
  const machine = describeMachine(settings)
  log(`node ${machine.node}, ${machine.cpu}, commit ${machine.commit}, pinned: ${settings.pin}`)
  const results = { ...machine, scenarios: {} }
  const tables = []
  for (const name of names) {
    results.scenarios[name] = await runScenario(name, settings)
    tables.push(formatTable(name, results.scenarios[name], settings.variants))
  }
  writeFileSync(resultsURL, JSON.stringify(results, null, 2) + '\n')
  const { connections: c, pipelining: p, duration: d, rounds, pin } = settings
  console.log(`Node ${machine.node}, ${machine.cpu}, commit ${machine.commit}; ${settings.mode}; ` +
    `autocannon -c ${c} -p ${p} -d ${d}, ${rounds} rounds, servers pinned: ${pin}\n`)
  console.log(tables.join('\n'))
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    stopChildren()
    process.exit(130)
  })
}

main().catch((err) => {
  console.error(err.message ?? err)
  process.exitCode = 1
}).finally(stopChildren)
