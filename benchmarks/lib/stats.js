// From rounds to verdicts: each process's medians, the processes that differ from their
// siblings (outliers), and each comparison's ratio over the pairs.

export function median (values) {
  const sorted = [...values].sort((x, y) => x - y)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** (max − min) / median: how far apart a set of values lies, as a fraction of its middle. */
export function spread (values) {
  return (Math.max(...values) - Math.min(...values)) / median(values)
}

/** A process's medians over its measured rounds, and how much its rounds moved. */
export function summarizeProcess ({ variant, rounds, profile }) {
  const pick = (key) => rounds.map((r) => r[key])
  return {
    variant,
    reqPerSec: median(pick('reqPerSec')),
    p99: median(pick('p99')),
    cpuPerRequest: median(pick('cpuPerRequest')),
    cpuShare: median(pick('cpuShare')),
    roundSpread: spread(pick('reqPerSec')),
    profile
  }
}

const percent = (x) => `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)}%`

/**
 * Flags, per process, what sets it apart from the processes of the same variant (A and its
 * twin form one group) over all pairs: req/s or µs CPU per request more than `outlier` from the
 * group's median, a `process.nextTick` self time above `tickLimit` and three times the group's
 * median, or, for A and its twin, a gap between them larger than `outlier` (flagged on the one
 * farther from the group). Mutates each summary's `flags` (a list of short reasons), and
 * returns the variants whose median `nextTick` self time is above `tickLimit` and three times
 * the median of all the scenario's processes: the slow state in every process of one variant is
 * a property of its code, which no outlier flag can show.
 */
export function flagOutliers (pairs, { outlier, tickLimit }) {
  const groups = new Map()
  const slowVariants = []
  for (const pair of pairs) {
    for (const summary of Object.values(pair)) {
      summary.flags = []
      if (!groups.has(summary.variant)) groups.set(summary.variant, [])
      groups.get(summary.variant).push(summary)
    }
  }
  const allTicks = [...groups.values()].flat().filter((m) => m.profile !== null).map((m) => m.profile.nextTick)
  const variantBar = allTicks.length === 0 ? Infinity : Math.max(tickLimit, 3 * median(allTicks))
  for (const [variant, members] of groups) {
    const req = median(members.map((m) => m.reqPerSec))
    const cpu = median(members.map((m) => m.cpuPerRequest))
    const ticks = members.filter((m) => m.profile !== null).map((m) => m.profile.nextTick)
    const tickBar = ticks.length === 0 ? Infinity : Math.max(tickLimit, 3 * median(ticks))
    if (ticks.length !== 0 && median(ticks) > variantBar) slowVariants.push({ variant, nextTick: median(ticks) })
    for (const m of members) {
      m.fromMedian = m.reqPerSec / req - 1
      const cpuOff = m.cpuPerRequest / cpu - 1
      if (Math.abs(m.fromMedian) > outlier) m.flags.push(`req/s ${percent(m.fromMedian)} vs ${variant} median`)
      if (Math.abs(cpuOff) > outlier) m.flags.push(`CPU/req ${percent(cpuOff)} vs ${variant} median`)
      if (m.profile !== null && m.profile.nextTick > tickBar) m.flags.push(`nextTick ${(m.profile.nextTick * 100).toFixed(1)}% self`)
    }
  }
  for (const pair of pairs) {
    if (!pair.A || !pair.A2) continue
    const gap = pair.A2.reqPerSec / pair.A.reqPerSec - 1
    if (Math.abs(gap) <= outlier) continue
    const farther = Math.abs(pair.A2.fromMedian) > Math.abs(pair.A.fromMedian) ? pair.A2 : pair.A
    if (farther.flags.length === 0) farther.flags.push(`twin gap ${percent(gap)}`)
  }
  return slowVariants
}

/**
 * What each scenario compares, candidate over baseline. `target` is the bar for the
 * median req/s ratio (a number, or `scenario` for the scenario's own bar against A).
 */
export const COMPARISONS = [
  { candidate: 'A2', baseline: 'A', what: 'noise floor: A against its identical twin' },
  { candidate: 'Ap', baseline: 'A', what: 'Fastify as users write it, against the limit' },
  { candidate: 'B', baseline: 'A', what: 'the plugin against the limit', target: 'scenario', p99Target: 1.2 },
  { candidate: 'B', baseline: 'Ap', what: 'the plugin against Fastify as users write it', target: 1.0 },
  { candidate: 'Bv', baseline: 'A', what: 'validated, against the limit' },
  { candidate: 'Ar', baseline: 'Ap', what: '@fastify/response-validation, against Fastify as users write it' },
  { candidate: 'Bv', baseline: 'Ap', what: 'validated, against Fastify as users write it without validation', target: 1.0 },
  { candidate: 'Bv', baseline: 'Ar', what: 'validated, against Fastify with @fastify/response-validation', target: 1.03 },
  { candidate: 'Bv', baseline: 'B', what: 'validation on against off', target: 0.95 },
  { candidate: 'Bh', baseline: 'A', what: 'the plugin\'s hooks alone on A\'s route, against the limit' }
]

/**
 * One comparison over the pairs: the candidate/baseline ratio of each pair's two processes
 * (req/s, CPU per request, p99), their median and range, and the median over the pairs in
 * which neither process was flagged.
 */
export function compare (pairs, { candidate, baseline }) {
  const rows = pairs.filter((p) => p[candidate] && p[baseline]).map((p) => ({
    ratio: p[candidate].reqPerSec / p[baseline].reqPerSec,
    cpuRatio: p[baseline].cpuPerRequest / p[candidate].cpuPerRequest,
    p99Ratio: p[candidate].p99 / p[baseline].p99,
    clean: p[candidate].flags.length === 0 && p[baseline].flags.length === 0
  }))
  if (rows.length === 0) return null
  const ratios = rows.map((r) => r.ratio)
  const clean = rows.filter((r) => r.clean).map((r) => r.ratio)
  return {
    ratios,
    ratio: median(ratios),
    min: Math.min(...ratios),
    max: Math.max(...ratios),
    cleanRatio: clean.length === 0 ? null : median(clean),
    cleanPairs: clean.length,
    cpuRatio: median(rows.map((r) => r.cpuRatio)),
    p99Ratio: median(rows.map((r) => r.p99Ratio))
  }
}
