import tap, { test } from 'tap'
import { loadGroup, loadRemotes } from '../helpers/json-schema-suite.ts'
import { runFile } from '../helpers/suite-runner.ts'
import { verdicts } from '../helpers/suite-verdict.ts'
import type { CaseResult, Verdict } from '../helpers/suite-verdict.ts'

// hundreds of requests against fresh apps: generous on a loaded two-core machine
tap.setTimeout(120_000)

// The JSON Schema Test Suite's draft-07 cases as response schemas (the contract's reference for
// "what the client receives is what was checked"): each schema is `schema.response[200]` of a
// route whose handler returns the instance, on the plugin's app and on plain Fastify's.
// A valid instance is sent as plain Fastify sends it (status, Content-Type, bytes); an invalid
// one is the coded 500, whose body never depends on the value; a schema refused loudly at
// ready() is allowed, counted and listed. The refRemote cases get the suite's remote schemas
// through addSchema() under their http://localhost:1234/ URIs (no server is started), and the
// cases that name the draft-07 meta-schema get Ajv's copy of it the same way.

const bad: Verdict[] = ['invalid sent', 'valid refused', 'body differs', 'crash']
const groups = [
  { title: 'draft-07 keywords', folder: '' },
  { title: 'draft-07 optional', folder: 'optional' },
  { title: 'draft-07 optional formats', folder: 'optional/format' }
]

function summary (title: string, results: CaseResult[]): string {
  const counts = verdicts.map(verdict => `${results.filter(result => result.verdict === verdict).length} ${verdict}`)
  const ajv = results.filter(result => !result.ajvAgrees).length
  return `${title}: ${results.length} cases: ${counts.join(', ')} (Ajv disagrees with the suite on ${ajv})`
}

const remotes = loadRemotes()
const errorBodies = new Set<string>()

for (const { title, folder } of groups) {
  test(`JSON Schema Test Suite, ${title}: valid instances sent as plain Fastify sends them, invalid ones the coded 500`, async t => {
    const results: CaseResult[] = []
    for (const file of loadGroup(folder)) {
      const fileResults = await runFile(file, remotes, errorBodies)
      t.comment(summary(file.name, fileResults))
      results.push(...fileResults)
    }
    t.comment(summary(title, results))
    for (const result of results) {
      if (result.verdict === 'refused at ready') t.comment(`refused at ready: ${result.name}: ${result.detail}`)
      if (!result.ajvAgrees) t.comment(`Ajv disagrees with the suite: ${result.name}`)
    }
    t.ok(results.length > 0, 'the group has cases')
    for (const verdict of bad) {
      const failing = results.filter(result => result.verdict === verdict).map(result => `${result.name}: ${result.detail}`)
      t.same(failing, [], `${verdict}: none`)
    }
    t.ok(errorBodies.size <= 1, `every coded 500 has the same body, whatever the value (${[...errorBodies].join(' | ')})`)
  })
}
