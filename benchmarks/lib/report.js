// Markdown tables for stdout (progress goes to stderr): per scenario, the comparisons and the
// processes behind them; and, over all Node versions run, one summary table.

const LABELS = { A: 'A', A2: 'A twin', Ap: 'A′', Ar: 'A′ + response-validation', B: 'B', Bv: 'Bv', Bh: 'Bh' }

const row = (cells) => `| ${cells.join(' | ')} |`
const head = (cells, align) => [row(cells), row(align)]
const fmt = (n) => Math.round(n).toLocaleString('en-US')
const ratio = (n) => n === null ? '–' : n.toFixed(3)
const pct = (x) => `${(x * 100).toFixed(1)}%`
const signed = (x) => `${x > 0 ? '+' : ''}${pct(x)}`

export const comparisonLabel = ({ candidate, baseline }) => `${LABELS[candidate]} / ${LABELS[baseline]}`

function targetOf (comparison, scenario) {
  return comparison.target === 'scenario' ? scenario.target : comparison.target
}

function verdict (comparison, scenario, result) {
  const target = targetOf(comparison, scenario)
  const parts = []
  if (target !== undefined) parts.push(`≥ ${target.toFixed(2)} ${result.ratio >= target ? '✓' : '✗'}`)
  if (comparison.p99Target !== undefined) parts.push(`p99 ≤ ${comparison.p99Target} ${result.p99Ratio <= comparison.p99Target ? '✓' : '✗'}`)
  return parts.join('; ')
}

function comparisonTable (scenario, results) {
  const lines = head(
    ['comparison', 'median req/s ratio', 'range over pairs', 'median of unflagged pairs', 'CPU/req ratio', 'p99 ratio', 'target'],
    ['---', '---:', '---:', '---:', '---:', '---:', '---']
  )
  for (const { comparison, result } of results) {
    lines.push(row([
      comparisonLabel(comparison), ratio(result.ratio), `${ratio(result.min)}–${ratio(result.max)}`,
      `${ratio(result.cleanRatio)} (${result.cleanPairs}/${result.ratios.length})`,
      ratio(result.cpuRatio), ratio(result.p99Ratio), verdict(comparison, scenario, result)
    ]))
  }
  return lines
}

function processTable (pairs) {
  const lines = head(
    ['pair', 'process', 'req/s', 'rounds spread', 'µs CPU/req', 'core share', 'vs variant median', 'nextTick self', 'flags'],
    ['---:', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---']
  )
  pairs.forEach((pair, i) => {
    for (const [id, p] of Object.entries(pair)) {
      lines.push(row([
        i + 1, LABELS[id], fmt(p.reqPerSec), pct(p.roundSpread), p.cpuPerRequest.toFixed(2), pct(p.cpuShare),
        signed(p.fromMedian), p.profile === null ? '–' : pct(p.profile.nextTick), p.flags.length === 0 ? '' : '⚠ ' + p.flags.join('; ')
      ]))
    }
  })
  return lines
}

function flaggedProfiles (pairs) {
  const lines = []
  pairs.forEach((pair, i) => {
    for (const [id, p] of Object.entries(pair)) {
      if (p.flags.length === 0 || p.profile === null) continue
      const top = p.profile.top.slice(0, 5).map(({ frame, share }) => `\`${frame}\` ${pct(share)}`).join(', ')
      lines.push(`- pair ${i + 1} ${LABELS[id]}: ${top}`)
    }
  })
  return lines.length === 0 ? [] : ['', 'Top self time of the flagged processes (profiled round):', '', ...lines]
}

function slowVariantNotes (slowVariants) {
  return slowVariants.map(({ variant, nextTick }) => `\n⚠ Every ${LABELS[variant]} process: \`nextTick\` ` +
    `at a median ${pct(nextTick)} of self time, far above the other variants. That is the variant's own state, ` +
    'not one unlucky process, and every ratio against it carries it.')
}

export function formatScenario (name, scenario, result) {
  return [
    `### ${name}`, '', scenario.summary, '',
    ...comparisonTable(scenario, result.comparisons), '',
    ...processTable(result.pairs),
    ...slowVariantNotes(result.slowVariants),
    ...flaggedProfiles(result.pairs)
  ].join('\n') + '\n'
}

/** One row per scenario and comparison, one column per Node version: median (range). */
export function formatSummary (runs, scenarios) {
  const lines = head(
    ['scenario', 'comparison', ...runs.map((r) => `Node ${r.node.version}`), 'target'],
    ['---', '---', ...runs.map(() => '---:'), '---']
  )
  const names = Object.keys(runs[0].scenarios)
  for (const name of names) {
    for (const { comparison } of runs[0].scenarios[name].comparisons) {
      const label = comparisonLabel(comparison)
      const cells = runs.map((run) => {
        const found = run.scenarios[name].comparisons.find((c) => comparisonLabel(c.comparison) === label)
        return found ? `${ratio(found.result.ratio)} (${ratio(found.result.min)}–${ratio(found.result.max)})` : '–'
      })
      const target = targetOf(comparison, scenarios[name])
      lines.push(row([name, label, ...cells, target === undefined ? '' : `≥ ${target.toFixed(2)}`]))
    }
  }
  return lines.join('\n') + '\n'
}
