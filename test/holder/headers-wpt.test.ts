// The web-platform-tests of Fetch's Headers (fetch/api/headers), ported in test/helpers/wpt-headers-*.ts,
// run on request.response.headers inside a request, with Node's own Headers as the reference.
import { test } from 'tap'
import { TemporaryResponse } from '../../plugin/index.ts'
import { build } from '../helpers/app.ts'
import { cases } from '../helpers/wpt-headers-cases.ts'
import '../helpers/wpt-headers-values.ts'
import { judge, runCase } from '../helpers/wpt-headers.ts'
import type { Outcome, Verdict } from '../helpers/wpt-headers.ts'

const counts: Record<Verdict, number> = { pass: 0, differ: 0, fail: 0 }
const files = [...new Set(cases.map(item => item.file))]

for (const file of files) {
  test(`web-platform-tests ${file}: each case holds on request.response.headers as on Node's Headers, or is refused by a documented rule`, async t => {
    const app = await build(t)
    app.get('/case/:index', async request => {
      const item = cases[Number((request.params as { index: string }).index)]
      return runCase(item, request.response.headers, () => new TemporaryResponse().headers)
    })
    for (const [index, item] of cases.entries()) {
      if (item.file !== file) continue
      const reference = runCase(item, new Headers(), () => new Headers())
      const res = await app.inject(`/case/${index}`)
      const ours = JSON.parse(res.body) as Outcome
      const verdict = judge(item, reference, ours)
      counts[verdict]++
      const expected = item.refusedBy === undefined ? 'pass' : 'differ'
      t.equal(verdict, expected, `${item.title}${ours.ok ? '' : ` (ours: ${ours.name} ${String(ours.code)}: ${ours.message})`}${reference.ok ? '' : ` (Node: ${reference.message})`}`)
    }
  })
}

test('every value the staged headers accept arrives byte for byte over HTTP (header-values, "all valid values")', async t => {
  const app = await build(t)
  const values = new Map<string, string>()
  for (let code = 0x01; code <= 0xff; code++) {
    const value = `x${String.fromCharCode(code)}x`
    if (code === 0x7f || (code < 0x20 && code !== 0x09)) continue
    values.set(`val${code}`, value)
  }
  app.get('/', async request => {
    for (const [name, value] of values) request.response.headers.append(name, value)
    return 'ok'
  })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const res = await fetch(address)
  t.equal(await res.text(), 'ok')
  const wrong = [...values].filter(([name, value]) => res.headers.get(name) !== value).map(([name]) => name)
  t.same(wrong, [], `${values.size} values`)
})

test('web-platform-tests fetch/api/headers: counts', async t => {
  t.comment(`pass ${counts.pass}, differ by a documented rule ${counts.differ}, fail ${counts.fail}`)
  t.same(counts, { pass: 316, differ: 71, fail: 0 })
})
