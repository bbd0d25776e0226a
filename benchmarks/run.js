// Load benchmark over fresh process pairs: `node benchmarks/run.js [scenario ...]` (README.md).
// For every scenario and every pair, one fresh server process per variant (A, its twin, A′, B,
// Bv) is started, checked to send the same response, warmed up, loaded (all at once, or in
// turn), profiled, and killed; processes that differ from their siblings are flagged. Env:
// BENCH_MODE, BENCH_PAIRS, BENCH_ROUNDS, BENCH_DURATION, BENCH_WARMUP_REQUESTS, BENCH_NODE,
// BENCH_SCENARIOS, BENCH_VARIANTS, BENCH_TWIN, BENCH_PROFILE, BENCH_OUTLIER, BENCH_TICK_LIMIT,
// BENCH_MIN_SHARE, BENCH_CONNECTIONS, BENCH_PIPELINING, BENCH_PIN, BENCH_PLUGIN, BENCH_PRIME,
// BENCH_DIALECT (routes.js).
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import { hasBuiltPlugin, needsPlugin, scenarios } from './app.js'
import { loadPair } from './lib/load.js'
import { resolveNode } from './lib/node-binary.js'
import { formatScenario, formatSummary } from './lib/report.js'
import { startServer, stopAllServers } from './lib/servers.js'
import { estimateSeconds, processesOf, readSettings } from './lib/settings.js'
import { COMPARISONS, compare, flagOutliers, summarizeProcess } from './lib/stats.js'
import { checkSameWork } from './same-work.js'

const resultsURL = new URL('./results.json', import.meta.url)
const log = (line) => process.stderr.write(line + '\n')

function git (...args) {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

/** One pair: fresh processes, the same-work check, the load, then the processes are killed. */
async function runPair (name, node, settings, pair) {
  const processes = processesOf(name, settings)
  const started = await Promise.allSettled(processes.map(({ variant }) => startServer(node.path, name, variant, settings.pin)))
  const servers = {}
  processes.forEach(({ id }, i) => { if (started[i].status === 'fulfilled') servers[id] = started[i].value })
  try {
    const failed = started.find((s) => s.status === 'rejected')
    if (failed) throw failed.reason
    await checkSameWork(name, servers)
    return await loadPair(name, processes, servers, settings, pair)
  } finally {
    for (const server of Object.values(servers)) server.stop()
  }
}

async function runScenario (name, node, settings) {
  const pairs = []
  for (let pair = 0; pair < settings.pairs; pair++) {
    const measured = await runPair(name, node, settings, pair)
    pairs.push(Object.fromEntries(Object.entries(measured).map(([id, p]) => [id, summarizeProcess(p)])))
  }
  const slowVariants = flagOutliers(pairs, settings)
  const comparisons = []
  for (const comparison of COMPARISONS) {
    const result = compare(pairs, comparison)
    if (result !== null) comparisons.push({ comparison, result })
  }
  return { pairs, comparisons, slowVariants }
}

function describeMachine (settings) {
  return {
    date: new Date().toISOString(),
    loadGenerator: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: `${os.cpus()[0]?.model ?? 'unknown'} x ${os.cpus().length}`,
    commit: git('describe', '--always', '--dirty'),
    settings
  }
}

function checkBuild (settings) {
  const needed = settings.scenarios.some((n) => processesOf(n, settings).some(({ variant }) => needsPlugin(n, variant)))
  if (needed && !hasBuiltPlugin()) {
    throw new Error('the plugin build is missing: run `npm run build` first (or BENCH_VARIANTS=A,Ap for the plugin-free variants)')
  }
}

async function main () {
  const settings = readSettings()
  checkBuild(settings)
  const nodes = settings.nodes.map(resolveNode)
  if (settings.pin) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' })
  const machine = describeMachine(settings)
  log(`servers on ${nodes.map((n) => n.version).join(', ')}; ${machine.cpu}; commit ${machine.commit}; ` +
    `${settings.mode}, ${settings.pairs} pairs; pinned: ${settings.pin}; about ${Math.ceil(estimateSeconds(settings) / 60)} min`)
  const runs = []
  for (const node of nodes) {
    const run = { node, scenarios: {} }
    for (const name of settings.scenarios) run.scenarios[name] = await runScenario(name, node, settings)
    runs.push(run)
    writeFileSync(resultsURL, JSON.stringify({ ...machine, runs }, null, 2) + '\n')
  }
  const { connections: c, pipelining: p, duration: d, rounds, pairs, warmup, mode } = settings
  console.log(`Commit ${machine.commit}; ${machine.cpu}; load generator on Node ${process.version}; ${mode}; ` +
    `response schemas in ${process.env.BENCH_DIALECT ?? 'sinclair'}; ` +
    `${pairs} fresh pairs, each ${warmup} warm-up requests per process + ${rounds} rounds of autocannon -c ${c} -p ${p} -d ${d}; ` +
    `servers pinned: ${settings.pin}\n`)
  for (const run of runs) {
    console.log(`## Node ${run.node.version}\n`)
    for (const [name, result] of Object.entries(run.scenarios)) console.log(formatScenario(name, scenarios[name], result))
  }
  console.log('## Summary: median req/s ratio over pairs (range)\n')
  console.log(formatSummary(runs, scenarios))
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    stopAllServers()
    process.exit(130)
  })
}

main().catch((err) => {
  console.error(err.message ?? err)
  process.exitCode = 1
}).finally(stopAllServers)
