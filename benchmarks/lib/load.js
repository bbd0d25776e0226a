// Load for one pair of fresh processes: a warm-up (all at once), the measured rounds (all at
// once, or one process after another in a rotating order), then an optional profiled round.
import autocannon from 'autocannon'
import { scenarios } from '../app.js'
import { cpuTime } from './servers.js'

const log = (line) => process.stderr.write(line + '\n')

/**
 * One autocannon run against one server, for `length.duration` seconds or `length.amount`
 * requests; any error, timeout or non-2xx response fails the run.
 */
async function measure (name, id, server, settings, length) {
  const { method, path, headers } = scenarios[name].request
  const cpuBefore = await cpuTime(server)
  const started = process.hrtime.bigint()
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}${path}`,
    method,
    headers,
    connections: settings.connections,
    pipelining: settings.pipelining,
    ...length
  })
  const wall = Number(process.hrtime.bigint() - started) / 1000
  const warmUp = length.amount !== undefined
  const phase = warmUp ? `the warm-up of ${length.amount} requests` : `a ${length.duration} s round`
  const report = `${name} ${id}, ${phase}: errors=${result.errors} timeouts=${result.timeouts} non2xx=${result.non2xx} ` +
    `of ${result.requests.total} requests, latency p99 ${result.latency.p99} ms, max ${result.latency.max} ms`
  // The warm-up loads every process of the pair at once on one core, from one autocannon process:
  // a request can wait out autocannon's 10 s there. It only warms the JIT, so a timeout is noted,
  // not fatal; any other error, a non-2xx answer, or a timeout in a measured round stops the run.
  if (result.errors - (warmUp ? result.timeouts : 0) > 0 || (!warmUp && result.timeouts) || result.non2xx) throw new Error(report)
  if (result.timeouts) log(`note: ${report}`)
  const cpu = await cpuTime(server) - cpuBefore
  return {
    // Over the run's own length: autocannon's per-second average rounds a short run's last second.
    reqPerSec: result.requests.total / result.duration,
    p99: result.latency.p99,
    requests: result.requests.total,
    cpuPerRequest: cpu / result.requests.total,
    // The share of one core this server used during the run.
    cpuShare: cpu / wall
  }
}

/** Every process loaded at once, each by its own autocannon instance. */
async function measureAll (name, processes, servers, settings, length) {
  const results = await Promise.all(processes.map(({ id }) => measure(name, id, servers[id], settings, length)))
  return Object.fromEntries(processes.map(({ id }, i) => [id, results[i]]))
}

/** The share of one core that the servers of a round used together (V8's helper threads count too). */
function coreShare (round) {
  return Object.values(round).reduce((sum, r) => sum + r.cpuShare, 0)
}

// With the servers sharing CPU 0 and the core saturated, the scheduler splits it evenly and
// req/s ratios are ratios of per-request costs. Under BENCH_MIN_SHARE (90%) busy, the load
// generator was the bottleneck and would pull every ratio toward 1, or something else ran on
// CPU 0 during the round.
function checkSaturated (name, round, { pin, minShare }) {
  const share = coreShare(round)
  if (pin && share < minShare) {
    throw new Error(`${name}: the servers used ${(share * 100).toFixed(0)}% of their core (BENCH_MIN_SHARE ${minShare}): ` +
      'the load generator was the bottleneck, or something else ran on CPU 0')
  }
}

// Interleaved: one process at a time, the order rotated every round (and every pair), so no
// variant always runs first or last.
async function measureInTurn (name, processes, servers, settings, turn) {
  const round = {}
  for (let k = 0; k < processes.length; k++) {
    const { id } = processes[(turn + k) % processes.length]
    round[id] = await measure(name, id, servers[id], settings, { duration: settings.duration })
  }
  return round
}

/** The profiled round: all at once, whatever the mode, as it only reads each profile. */
async function profileRound (name, processes, servers, settings) {
  await Promise.all(processes.map(({ id }) => servers[id].ask('profile-start')))
  await measureAll(name, processes, servers, settings, { duration: Math.min(settings.duration, 2) })
  const profiles = await Promise.all(processes.map(({ id }) => servers[id].ask('profile-stop')))
  return Object.fromEntries(processes.map(({ id }, i) => [id, profiles[i]]))
}

/** Runs one pair; returns, per process id, its measured rounds and its profile summary. */
export async function loadPair (name, processes, servers, settings, pair) {
  // The warm-up is a number of requests, not seconds, so every process gets the same JIT
  // warm-up however many share the core and whatever else the host runs.
  await measureAll(name, processes, servers, settings, { amount: settings.warmup })
  const measured = Object.fromEntries(processes.map(({ id, variant }) => [id, { variant, rounds: [], profile: null }]))
  for (let i = 0; i < settings.rounds; i++) {
    const round = settings.mode === 'concurrent'
      ? await measureAll(name, processes, servers, settings, { duration: settings.duration })
      : await measureInTurn(name, processes, servers, settings, i + pair)
    for (const { id } of processes) measured[id].rounds.push(round[id])
    log(`${name} pair ${pair + 1} round ${i + 1}/${settings.rounds}: ` +
      processes.map(({ id }) => `${id} ${Math.round(round[id].reqPerSec)} req/s ${round[id].cpuPerRequest.toFixed(2)} µs`).join(', ') +
      (settings.mode === 'concurrent' ? `; core ${(coreShare(round) * 100).toFixed(0)}%` : ''))
    if (settings.mode === 'concurrent') checkSaturated(name, round, settings)
  }
  if (settings.profile) {
    const profiles = await profileRound(name, processes, servers, settings)
    for (const { id } of processes) measured[id].profile = profiles[id]
  }
  return measured
}
