// run.js's settings, from the environment (the table in benchmarks/README.md).
import { execFileSync } from 'node:child_process'
import os from 'node:os'
import { DEFAULT_VARIANTS, scenarios, VARIANTS } from '../app.js'

const MODES = ['concurrent', 'interleaved']

function positiveInt (env, name, fallback) {
  const value = Number(env[name] ?? fallback)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`)
  return value
}

function fraction (env, name, fallback) {
  const value = Number(env[name] ?? fallback)
  if (!(value >= 0 && value <= 1)) throw new Error(`${name} must be a number from 0 to 1`)
  return value
}

function list (value) {
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '')
}

function hasCommand (name) {
  try {
    execFileSync('which', [name], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Scenario names from the command line, else BENCH_SCENARIOS, else all of them. */
function readScenarios (argv, env) {
  const names = argv.length > 0 ? argv : list(env.BENCH_SCENARIOS ?? '')
  const chosen = names.length > 0 ? names : Object.keys(scenarios)
  for (const name of chosen) {
    if (!scenarios[name]) throw new Error(`unknown scenario '${name}', expected one of: ${Object.keys(scenarios).join(', ')}`)
  }
  return chosen
}

function readVariants (env) {
  const variants = list(env.BENCH_VARIANTS ?? DEFAULT_VARIANTS.join(','))
  for (const v of variants) {
    if (!VARIANTS.includes(v)) throw new Error(`BENCH_VARIANTS: unknown variant '${v}', expected some of ${VARIANTS.join(', ')}`)
  }
  return variants
}

export function readSettings (argv = process.argv.slice(2), env = process.env) {
  const mode = env.BENCH_MODE ?? 'concurrent'
  if (!MODES.includes(mode)) throw new Error(`BENCH_MODE: unknown mode '${mode}', expected ${MODES.join(' or ')}`)
  const interleaved = mode === 'interleaved'
  return {
    mode,
    scenarios: readScenarios(argv, env),
    variants: readVariants(env),
    twin: env.BENCH_TWIN !== '0',
    nodes: list(env.BENCH_NODE ?? 'current'),
    pairs: positiveInt(env, 'BENCH_PAIRS', 5),
    rounds: positiveInt(env, 'BENCH_ROUNDS', interleaved ? 2 : 3),
    duration: positiveInt(env, 'BENCH_DURATION', interleaved ? 2 : 3),
    warmup: positiveInt(env, 'BENCH_WARMUP_REQUESTS', 50_000),
    connections: positiveInt(env, 'BENCH_CONNECTIONS', 100),
    pipelining: positiveInt(env, 'BENCH_PIPELINING', 10),
    profile: env.BENCH_PROFILE !== '0',
    outlier: fraction(env, 'BENCH_OUTLIER', 0.05),
    tickLimit: fraction(env, 'BENCH_TICK_LIMIT', 0.04),
    minShare: fraction(env, 'BENCH_MIN_SHARE', 0.9),
    pin: env.BENCH_PIN !== '0' && os.availableParallelism() >= 2 && hasCommand('taskset')
  }
}

/**
 * The server processes of one pair in a scenario: one per variant it has (among BENCH_VARIANTS),
 * plus a second, identical A (the twin) when A is measured and BENCH_TWIN is not 0.
 */
export function processesOf (name, settings) {
  const variants = settings.variants.filter((v) => scenarios[name].variants[v] !== undefined)
  const processes = variants.map((variant) => ({ id: variant, variant }))
  if (settings.twin && variants.includes('A')) processes.splice(1, 0, { id: 'A2', variant: 'A' })
  return processes
}

/**
 * Roughly how long a run takes, in seconds, to print before it starts: the warm-up counted at
 * 40,000 requests a second, and 2 s per pair to start the processes and check their answers.
 */
export function estimateSeconds (settings) {
  let seconds = 0
  for (const name of settings.scenarios) {
    const n = processesOf(name, settings).length
    const rounds = settings.rounds * settings.duration * (settings.mode === 'concurrent' ? 1 : n)
    const warmup = n * settings.warmup / 40_000
    const perPair = 2 + warmup + rounds + (settings.profile ? Math.min(settings.duration, 2) + 1 : 0)
    seconds += perPair * settings.pairs
  }
  return seconds * settings.nodes.length
}
