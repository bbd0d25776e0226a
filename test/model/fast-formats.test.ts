import { test } from 'tap'
import fc from 'fast-check'
import * as Format from 'typebox/format'
import { ajvDateTime, isDateTime } from '../../plugin/model/fast-formats.ts'
import { resolveFormat } from '../../plugin/model/formats.ts'
import { formatName } from '../../plugin/model/schema-bundle.ts'

// The fast date-time test against ajv-formats' own (full, as Fastify's validator checks), string
// for string: near-valid date-times (every
// field at and around its bounds, leap years and seconds, zones, fractions, RFC 9557 suffixes),
// the same with one character changed, inserted or dropped, and strings of the characters a
// date-time is made of.

const pad = (n: number, width: number): string => String(n).padStart(width, '0')
const zone = fc.oneof(
  fc.constantFrom('Z', 'z', '', 'ZZ', '+', 'Z[UTC]', 'Z[Europe/Paris]', '+01:00[!u-ca=iso8601]'),
  fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 })).map(([sign, h, m]) => `${sign}${pad(h, 2)}:${pad(m, 2)}`)
)
const nearValid = fc.tuple(
  fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(1900, 2000, 2024, 2100, 2400)),
  fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.constantFrom('T', 't', ' ', '_'),
  fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.constantFrom(0, 30, 59, 60, 61),
  fc.constantFrom('', '.', '.0', '.123456789', '.x', '.999999999999', '.9999999999999', '.999999999999999', '.9999999999999999'), zone
).map(([y, mo, d, t, h, mi, s, f, z]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}${t}${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${f}${z}`)
const alphabet = fc.constantFrom(...'0123456789-:.TtZz+[]x \u0661\n'.split(''))
const changed = fc.tuple(nearValid, fc.nat(40), alphabet, fc.constantFrom('replace', 'insert', 'drop'))
  .map(([value, at, char, how]) => {
    const i = at % (value.length + 1)
    if (how === 'insert') return value.slice(0, i) + char + value.slice(i)
    return value.slice(0, i) + (how === 'replace' ? char : '') + value.slice(i + 1)
  })
const strings = fc.string({ unit: alphabet, maxLength: 32 })

test('isDateTime answers as ajv-formats\' date-time, for every string', async t => {
  let valid = 0
  let runs = 0
  fc.assert(fc.property(fc.oneof(nearValid, changed, strings), value => {
    runs++
    const expected = ajvDateTime(value)
    if (expected) valid++
    if (isDateTime(value) !== expected) t.fail(`${JSON.stringify(value)}: ajv-formats says ${String(expected)}`)
    return true
  }), { seed: 20261207, numRuns: 30000 })
  t.ok(valid > 500, `enough are date-times (${valid} of ${runs})`)
})

test('date-times at their bounds, one by one', async t => {
  const cases: Array<[string, boolean]> = [
    ['2025-01-19T08:30:00.000Z', true], ['2025-01-19t08:30:00z', true], ['2024-02-29T00:00:00Z', true],
    ['2025-02-29T00:00:00Z', false], ['2100-02-29T00:00:00Z', false], ['2000-02-29T00:00:00Z', true],
    ['2025-04-31T00:00:00Z', false], ['2025-12-31T23:59:60Z', true], ['2025-12-31T23:58:60Z', false],
    ['2025-12-31T22:59:60-01:00', true], ['2025-12-31T23:59:60+00:01', false], ['2025-01-19T24:00:00Z', false],
    ['2025-01-19T08:30:00+24:00', false], ['2025-01-19T08:30:00.Z', false], ['2025-01-19T08:30:00', false],
    ['2025-01-19 08:30:00Z', true], ['\u0662025-01-19T08:30:00Z', false],
    // Where ajv-formats and typebox part: an RFC 9557 suffix, a zone without its colon, and
    // ajv-formats' leap-second rule, which lets an hour of 24 through where the zone brings it to 23.
    ['2025-01-19T08:30:00Z[UTC]', false], ['2025-01-19T08:30:00+0100', true], ['2025-01-19T24:59:59+01:00', true],
    // Seconds read as a number, as ajv-formats reads them: 59.999999999999999 is 60.
    ['2020-01-01T00:00:59.999999999999Z', true], ['2020-01-01T00:00:59.999999999999999Z', false],
    ['2016-12-31T23:59:60.9999999999999999Z', false]
  ]
  for (const [value, expected] of cases) {
    t.equal(isDateTime(value), expected, value)
    t.equal(ajvDateTime(value), expected, `${value}, ajv-formats`)
  }
})

test('formats resolve to ajv-formats where it has them, as Fastify\'s validator checks a request', async t => {
  t.equal(resolveFormat('date-time', {}, null), 'ajv-formats:date-time')
  t.equal(Format.Get('ajv-formats:date-time'), isDateTime, 'by the fast equal')
  t.equal(resolveFormat('email', {}, null), 'ajv-formats:email')
  t.notOk(Format.Test('ajv-formats:email', 'a@b'), 'ajv-formats wants a dot in the domain')
  t.ok(Format.IsEmail('a@b'), 'where typebox does not')
  t.equal(resolveFormat('iri', {}, null), 'iri', 'typebox\'s own where ajv-formats has none')
  Format.Set('email', value => value.endsWith('@example.com'))
  t.teardown(() => Format.Reset())
  t.equal(resolveFormat('email', {}, null), 'email', 'an application\'s own, replacing typebox\'s, comes first')
  t.equal(formatName({ format: 'ajv-formats:date' }), 'date', 'the writer knows the plain name')
  t.equal(formatName({ format: '@sinclair/typebox:time' }), 'time')
  t.equal(formatName({ format: 'acme:date' }), 'acme:date', 'an application\'s name keeps its colon: not a date to the writer')
  t.equal(formatName({}), '')
})
