import { test } from 'tap'
import fc from 'fast-check'
import * as Format from 'typebox/format'
import { compileDirect } from '../../plugin/model/plan-direct.ts'
import { derefIn } from '../../plugin/model/plan.ts'
import { unionDateFormat } from '../../plugin/model/plan-branches.ts'
import { bundleSchema } from '../../plugin/model/schema-bundle.ts'
import { plans } from '../helpers/plans.ts'

// The direct path (plan-direct.ts) against the plan's three steps (read, check, write): for every
// schema it covers and every value, the same body or the same refusal, each value read once.

const row = {
  type: 'object',
  required: ['id', 'name', 'tags'],
  properties: {
    id: { type: 'integer', minimum: 1, maximum: 1000 },
    name: { type: 'string', minLength: 2, maxLength: 3, pattern: '^[a-z\u{1F600}]+$' },
    price: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 100, multipleOf: 0.5 },
    tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, minItems: 1, maxItems: 2 },
    when: { type: 'string', format: 'date-time' },
    day: { type: 'string', format: 'date' },
    at: { type: 'string', format: 'time' },
    email: { type: 'string', format: 'email' },
    active: { type: 'boolean', default: true },
    kind: { type: 'string', const: 'row' },
    none: { type: 'null' },
    flag: { type: 'boolean', enum: [true] },
    rank: { type: 'integer', enum: [1, 2] }
  }
}

/** Every schema here is covered by the direct path (checked below). */
const schemas: Record<string, unknown> = {
  row,
  page: { type: 'array', items: row },
  closed: {
    type: 'object',
    additionalProperties: false,
    properties: { a: { type: 'integer', default: 7 }, b: { type: 'string' }, 'x/~y': { type: 'number' }, never: { type: 'string', enum: [] } }
  },
  unions: {
    type: 'object',
    properties: {
      next: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      owner: { anyOf: [{ type: 'object', required: ['id'], properties: { id: { type: 'integer' } }, additionalProperties: false }, { type: 'null' }] },
      status: { anyOf: [{ type: 'string', const: 'on' }, { type: 'string', const: 'off' }] },
      size: { anyOf: [{ type: 'integer', maximum: 3 }, { type: 'number', minimum: 10 }] },
      list: { anyOf: [{ type: 'array', items: { type: 'boolean' } }, { type: 'string', format: 'date' }] }
    }
  },
  tree: {
    $defs: { node: { type: 'object', required: ['v'], properties: { v: { type: 'integer' }, kids: { type: 'array', items: { $ref: '#/$defs/node' } } } } },
    $ref: '#/$defs/node'
  },
  nullables: {
    type: 'object',
    required: ['a'],
    properties: {
      a: { type: 'string', nullable: true, minLength: 2, format: 'date' },
      b: { type: ['integer', 'null'], maximum: 3 },
      c: { type: ['null', 'boolean'] },
      d: { type: ['number', 'null'], multipleOf: 0.5 }
    }
  },
  records: { type: 'object', patternProperties: { '^(.*)$': { type: 'number', maximum: 100 } } },
  byId: {
    type: 'object',
    patternProperties: { '^-?(?:0|[1-9][0-9]*)$': { type: 'object', required: ['v'], properties: { v: { type: 'integer' } } } }
  },
  prefixed: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'integer' } },
    patternProperties: { '^x-': { type: 'string', maxLength: 2 } },
    additionalProperties: false
  },
  extras: {
    type: 'object',
    properties: { id: { type: 'integer' } },
    patternProperties: { '^n': { type: 'null' } },
    additionalProperties: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'array', items: { type: 'string' } }] }
  },
  // TypeBox's Intersect: typebox 1.x writes the allOf alone, @sinclair/typebox with type: 'object'.
  intersect: {
    allOf: [
      { type: 'object', required: ['id', 'name'], properties: { id: { type: 'integer', minimum: 1 }, name: { type: 'string', maxLength: 3 } } },
      { type: 'object', required: ['tags'], properties: { tags: { type: 'array', items: { type: 'string' } }, note: { type: 'string', default: 'n' } } },
      { type: 'object', description: 'no properties of its own' }
    ]
  },
  intersectTree: {
    $defs: {
      node: {
        allOf: [
          { type: 'object', required: ['v'], properties: { v: { type: 'integer' } } },
          { type: 'object', properties: { kids: { type: 'array', items: { $ref: '#/$defs/node' } } } }
        ]
      }
    },
    $ref: '#/$defs/node'
  },
  intersects: {
    type: 'array',
    items: {
      type: 'object',
      title: 'row',
      allOf: [
        { type: 'object', required: ['id'], properties: { id: { type: 'integer' }, at: { type: 'string', format: 'date-time' } } },
        { $ref: '#/$defs/owned' }
      ]
    },
    $defs: { owned: { type: 'object', properties: { owner: { anyOf: [{ type: 'string' }, { type: 'null' }] } } } }
  },
  // '^..$' matches the two UTF-16 units of an emoji without the u flag, not its one code point with it.
  dots: { type: 'object', patternProperties: { '^..$': { type: 'string' } }, additionalProperties: false },
  nullableObjects: {
    type: 'object',
    properties: {
      owner: { type: ['object', 'null'], required: ['id'], properties: { id: { type: 'integer' } }, additionalProperties: false },
      list: { type: ['null', 'array'], items: { type: 'string' }, maxItems: 2 },
      flagged: { type: 'object', nullable: true, properties: { a: { type: 'string' } } },
      rows: { type: 'array', items: { type: 'object', nullable: true, properties: { b: { type: 'boolean' } } } }
    }
  },
  text: { type: 'string', format: 'date' },
  flag: { type: 'boolean' },
  empty: { type: 'object', properties: {} }
}

class Row {
  id = 5
  get name (): string { return 'ab' }
  get tags (): string[] { return ['a'] }
}
class LateDate extends Date {
  override toISOString (): string { return 'not a date' }
  override toJSON (): string { return 'ab' }
}

/** Values JSON and the plan read in ways of their own: each is deterministic, so both paths see the same. */
const hostile = fc.constantFrom<unknown>(
  undefined, null, () => 1, Symbol('s'), 10n, NaN, Infinity, -0, 0.5, 1e21, '', 'ab', 'a', '\u{1F600}\u{1F600}', '\ud800',
  new Date(0), new Date(Number.NaN), new LateDate(0), Object(3), Object('ab'), Object(true),
  { toJSON: () => 'ab' }, { toJSON: () => 3 }, { toJSON: () => null }, { toJSON: () => undefined }, { toJSON: () => ({ id: 2 }) }, { toJSON: () => ['a'] },
  [], {}, [1], new Row(), Object.create(null), Object.assign([, 'a'], { length: 2 }) // eslint-disable-line no-sparse-arrays
)

/** Values near a schema: mostly fitting, with hostile ones anywhere. */
function near (schema: unknown, defs: Record<string, unknown>, depth = 0): fc.Arbitrary<unknown> {
  const node = schema as Record<string, any>
  if (typeof node.$ref === 'string') return depth > 3 ? hostile : near(defs[node.$ref.split('/').pop() as string], defs, depth + 1)
  if (Array.isArray(node.allOf)) {
    const branches = node.allOf.map((branch: Record<string, any>) => typeof branch.$ref === 'string' ? defs[branch.$ref.split('/').pop() as string] : branch) as Array<Record<string, any>>
    return near({ type: 'object', properties: Object.assign({}, ...branches.map(branch => branch.properties)), required: branches.flatMap(branch => branch.required ?? []) }, defs, depth)
  }
  if (Array.isArray(node.anyOf)) return fc.oneof(...node.anyOf.map((branch: unknown) => near(branch, defs, depth)), hostile)
  if (Array.isArray(node.type)) return fc.oneof(fc.constant(null), near({ ...node, type: node.type.find((type: string) => type !== 'null') }, defs, depth))
  let fitting: fc.Arbitrary<unknown>
  switch (node.type) {
    case 'string': fitting = node.const !== undefined
      ? fc.constant(node.const)
      : Array.isArray(node.enum) ? fc.constantFrom('a', ...node.enum) : fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('ab', 'ab@c.de', '2025-01-02', '2025-01-02T03:04:05Z', '03:04:05Z', 'on')); break
    case 'integer': case 'number': fitting = Array.isArray(node.enum) ? fc.constantFrom(0, ...node.enum) : fc.oneof(fc.integer({ min: -2, max: 12 }), fc.double(), fc.constantFrom(0.5, 1.5, 10.5, 99.5, 1000, 1001)); break
    case 'boolean': fitting = fc.boolean(); break
    case 'null': fitting = fc.constant(null); break
    case 'array': fitting = fc.array(near(node.items, defs, depth + 1), { maxLength: 3 }); break
    default: {
      const entries = Object.entries(node.properties ?? {}).map(([key, child]) => [key, fc.option(near(child, defs, depth + 1), { nil: undefined, freq: 4 })] as const)
      // Keys no property declares, each by the first schema that would take it (or a planted secret).
      const pattern = Object.entries(node.patternProperties ?? {})[0] as [string, unknown] | undefined
      const other = typeof node.additionalProperties === 'object' ? near(node.additionalProperties, defs, depth + 1) : fc.constant('zq-SECRET')
      const extraValue = (key: string): fc.Arbitrary<unknown> => pattern !== undefined && new RegExp(pattern[0]).test(key) ? near(pattern[1], defs, depth + 1) : other
      const extras = fc.array(fc.constantFrom('secret', 'other', 'x-a', 'x-\u{1F600}', '\u{1F600}', 'ab', '1', '12', '-3', '01', 'a\nb', '\u00e9', 'x/~y', 'n', '__proto__', '\ud800')
        .chain(key => extraValue(key).map(item => [key, item] as const)), { maxLength: 3 })
      fitting = fc.tuple(fc.record(Object.fromEntries(entries)), extras)
        .map(([record, pairs]) => { for (const [key, item] of pairs) Object.defineProperty(record, key, { value: item, enumerable: true, configurable: true, writable: true }); return record })
    }
  }
  const sample = Array.isArray(node.enum) || node.const !== undefined ? undefined : samples[node.format ?? node.type]
  return fc.oneof({ arbitrary: fitting, weight: 4 }, { arbitrary: fc.constant(sample), weight: sample === undefined ? 0 : 16 }, { arbitrary: hostile, weight: 1 })
}

/** A value that fits each node of `row`, by format or type. */
const samples: Record<string, unknown> = {
  'date-time': '2025-01-02T03:04:05Z', date: '2025-01-02', time: '03:04:05Z', email: 'ab@c.de', string: 'ab', integer: 5, number: 1.5
}

for (const [name, schema] of Object.entries(schemas)) {
  test(`direct path, ${name}: the same body or the same refusal as the plan's steps`, async t => {
    const { direct, steps, covered } = plans(schema)
    t.ok(covered, 'the direct path covers the schema')
    let sent = 0
    fc.assert(fc.property(near(schema, (schema as { $defs?: Record<string, unknown> }).$defs ?? {}), value => {
      const [one, other] = [direct(value), steps(value)]
      if ('body' in one) sent++
      if ('body' in one || 'body' in other) t.same(one, other, 'the same body')
      else t.equal(one.refused, other.refused, 'both refuse, coded')
      return true
    }), { seed: 20261207, numRuns: 1000 })
    t.ok(sent >= 10, `a fair share is sent (${sent} of 1000)`)
  })
}

test('the direct path leaves what it does not cover to the plan\'s steps', async t => {
  const uncovered = [
    {},
    { type: ['object', 'array'] },
    { type: ['object', 'null'], enum: [null] },
    { type: ['string', 'number'] },
    { type: ['string', 'null'], enum: ['a', null] },
    { type: ['string', 'null'], 'x-unknown': 1 },
    { type: 'object', additionalProperties: true },
    { type: 'object', additionalProperties: {} },
    { type: 'object', patternProperties: { '^x': { type: 'string' }, '^y': { type: 'string' } } },
    { type: 'object', properties: { xa: { type: 'string' } }, patternProperties: { '^x': { type: 'string' } } },
    { type: 'object', properties: { '\u{1F600}': { type: 'string' } }, patternProperties: { '^.$': { type: 'string', maxLength: 1 } } },
    { type: 'object', patternProperties: { '^x': true } },
    { type: 'object', patternProperties: { '\\p{L}': { type: 'string' } } },
    { type: 'object', patternProperties: { '^x': { type: 'string' } }, minProperties: 1 },
    { type: 'object', required: ['missing'], properties: {} },
    { type: 'object', properties: { ['__proto__']: { type: 'string' } } },
    { type: 'array', items: [{ type: 'string' }] },
    { type: 'array' },
    { type: 'array', uniqueItems: true, items: { type: 'string' } },
    { type: 'string', enum: [{ a: 1 }] },
    { type: 'string', enum: 'a' },
    { type: 'string', const: { a: 1 } },
    { type: 'string', minLength: '2' },
    { type: 'string', pattern: '(' },
    { type: 'string', 'x-unknown': 1 },
    { anyOf: [{ anyOf: [{ type: 'string' }] }] },
    { anyOf: [{ type: 'string' }], minLength: 2 },
    { anyOf: [{}] },
    { type: 'object', properties: { p: { type: 'object', properties: { a: { type: 'integer' } }, default: { a: 1 } } } },
    { allOf: [{ type: 'object', properties: { a: { type: 'integer' } } }, { type: 'object', properties: { a: { type: 'integer', minimum: 1 } } }] },
    { allOf: [{ type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: false }, { type: 'object', properties: { b: { type: 'integer' } } }] },
    { allOf: [{ type: 'object', properties: { a: { type: 'integer' } } }, { type: 'string' }] },
    { allOf: [{ type: 'object', properties: { a: { type: 'integer' } } }], properties: { b: { type: 'integer' } } },
    { allOf: [{ type: 'object', properties: { a: { type: 'integer' } } }], type: 'string' },
    { allOf: [{ properties: { a: { type: 'integer' } } }] },
    { allOf: [{ type: 'object', required: ['id'], properties: { id: { type: 'integer' }, toString: { type: 'string' } } }] }
  ]
  for (const schema of uncovered) {
    const root = bundleSchema(schema, {}, name => name)
    t.equal(compileDirect(root, derefIn(root)), null, JSON.stringify(schema))
  }
})

test('each value is read once, written or refused', async t => {
  const reads: string[] = []
  const track = <T extends object>(target: T, at: string): T => new Proxy(target, {
    get (object, key) {
      if (typeof key === 'string' && key !== 'toJSON' && key !== 'length') reads.push(`${at}.${key}`)
      return Reflect.get(object, key)
    }
  })
  const { direct } = plans({ type: 'array', items: row })
  t.same(direct(track([track({ id: 1, name: 'ab', tags: ['a'], secret: 's' }, '$0')], '$')), { body: '[{"id":1,"name":"ab","tags":["a"],"active":true}]' })
  t.same(reads.filter(read => read.startsWith('$0')), ['id', 'name', 'tags', 'price', 'when', 'day', 'at', 'email', 'active', 'kind', 'none', 'flag', 'rank'].map(key => `$0.${key}`), 'required first, each once')
  t.same(reads.filter(read => !read.startsWith('$0')), ['$.0'])
  reads.length = 0
  const bad = direct(track([track({ id: 'one', name: 'ab', tags: ['a'] }, '$0')], '$'))
  t.same(bad, { refused: 'FST_TEMP_RESPONSE_INVALID_RESPONSE', details: [{ path: '/0/id', message: 'must be integer' }] })
  t.equal(new Set(reads).size, reads.length, 'no property read twice on a refusal either')
})

test('keys no property declares are written in the data\'s own order, each read once', async t => {
  const reads: string[] = []
  const data = new Proxy({ b: 2, 10: 1, 'x-\u{1F600}': 'no', 'x-a': 'ok', id: 7, n: null, '\ud800': 3 }, {
    get (object, key) {
      if (typeof key === 'string' && key !== 'toJSON') reads.push(key)
      return Reflect.get(object, key)
    }
  })
  const { direct, steps } = plans(schemas.extras)
  const body = '{"id":7,"10":1,"b":2,"x-\u{1F600}":"no","x-a":"ok","n":null,"\\ud800":3}'
  const refused = direct(data) as { details: Array<{ path: string, message: string }> }
  t.same(refused.details.filter(detail => detail.message.includes('anyOf')), [{ path: '/x-\u{1F600}', message: 'must match a schema in anyOf' }, { path: '/x-a', message: 'must match a schema in anyOf' }])
  t.same(reads, ['id', '10', 'b', 'x-\u{1F600}', 'x-a', 'n', '\ud800'], 'each once, declared first')
  const fitting = { b: 2, 10: 1, id: 7, n: null, '\ud800': 3 }
  t.same(direct(fitting), { body: body.replace(',"x-\u{1F600}":"no","x-a":"ok"', '') })
  t.same(direct(fitting), steps(fitting))
  t.same(plans(schemas.prefixed).direct({ id: 1, 'x-a': 'ok', secret: 'zq-SECRET' }), {
    refused: 'FST_TEMP_RESPONSE_INVALID_RESPONSE', details: [{ path: '', message: 'must not have additional properties' }]
  })
  t.same(plans(schemas.prefixed).direct({ id: 1, 'x-a': 'ok', skipped: undefined }), { body: '{"id":1,"x-a":"ok"}' })
  const dots = plans(schemas.dots)
  const refusal = { refused: 'FST_TEMP_RESPONSE_INVALID_RESPONSE', details: [{ path: '/\u{1F600}', message: 'the key matches the patternProperties pattern "^..$" as the checker reads it and not as the serializer does, or the reverse' }] }
  t.same(dots.direct({ ab: 'x', '\u{1F600}': 'zq-SECRET' }), refusal, 'a key the u flag reads differently is refused')
  t.same(dots.steps({ ab: 'x', '\u{1F600}': 'zq-SECRET' }), { ...refusal, details: [{ path: '', message: 'the data cannot be serialized: ' + refusal.details[0].message }] }, 'by the steps too')
  t.same(dots.direct({ ab: 'x' }), { body: '{"ab":"x"}' })
  // fast-json-stringify reads '^a\\\\/b$' (a, a backslash, a slash, b) as '^a\\/b$' (a, a slash, b).
  const slashes = plans({ type: 'object', patternProperties: { '^a\\\\/b$': { type: 'string' } }, additionalProperties: { type: 'integer' } })
  t.same(slashes.direct({ 'a/b': 5 }), { refused: 'FST_TEMP_RESPONSE_INVALID_RESPONSE', details: [{ path: '/a~1b', message: `the key matches the patternProperties pattern ${JSON.stringify('^a\\\\/b$')} as the checker reads it and not as the serializer does, or the reverse` }] })
  t.equal((slashes.steps({ 'a\\/b': 'x' }) as { refused: string }).refused, 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
  t.same(slashes.direct({ c: 5 }), { body: '{"c":5}' })
})

test('a nullable object or array is null before or after toJSON(), or checked as its kind', async t => {
  const { direct, steps } = plans(schemas.nullableObjects)
  for (const value of [{ owner: null, list: null }, { owner: { toJSON: () => null }, list: { toJSON: () => null } }]) {
    t.same(direct(value), { body: '{"owner":null,"list":null}' })
    t.same(steps(value), direct(value))
  }
  t.same(direct({ owner: { toJSON: () => 3 }, list: 'a' }), {
    refused: 'FST_TEMP_RESPONSE_INVALID_RESPONSE', details: [{ path: '/owner', message: 'must be object' }, { path: '/list', message: 'must be array' }]
  })
  t.same(direct({ rows: [null, { b: true }, undefined] }), { body: '{"rows":[null,{"b":true},null]}' })
})

test('toJSON() is read once, and a toJSON() that returns undefined is refused in both paths', async t => {
  const { direct, steps } = plans(schemas.nullableObjects)
  let reads = 0
  const owner = { id: 1 }
  const value = { get owner () { return { get toJSON () { reads++; return () => owner } } } }
  t.same(direct(value), { body: '{"owner":{"id":1}}' })
  t.equal(reads, 1, 'a toJSON getter runs once')
  const refusal = { refused: 'FST_TEMP_RESPONSE_INVALID_RESPONSE', details: [{ path: '', message: 'the data cannot be serialized: toJSON() returned undefined' }] }
  for (const hidden of [{ owner: { toJSON: () => undefined } }, { list: { toJSON: () => undefined } }]) {
    t.same(direct(hidden), refusal, 'JSON would leave it out; the data gave it')
    t.same(steps(hidden), refusal)
  }
  t.same(plans(row).direct({ id: 1, name: 'ab', tags: ['a'], when: { toJSON: () => undefined } }), refusal, 'at a primitive node too')
  t.same(plans({ type: 'object', properties: { any: {} } }).steps({ any: { deep: { toJSON: () => undefined } } }), refusal, 'and where no schema shapes the value')
})

test('a Date in a union is written by the format of the branch fast-json-stringify picks for it', async t => {
  const day = new Date(Date.UTC(2020, 0, 1, 10))
  const union = (...anyOf: object[]) => ({ type: 'object', properties: { d: { anyOf } } })
  const date = { type: 'string', format: 'date' }
  const cases: Array<[object, RegExp]> = [
    [union(date, { type: 'null' }), /^\{"d":"2020-01-01"\}$/],
    [union({ type: 'null' }, { type: 'integer' }, date), /^\{"d":"2020-01-01"\}$/],
    [union({ type: 'string', format: 'time' }, { type: 'null' }), /^\{"d":"\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)"\}$/],
    [union({ type: 'string', format: 'date-time' }, { type: 'null' }), /^\{"d":"2020-01-01T10:00:00.000Z"\}$/]
  ]
  for (const [schema, body] of cases) {
    const { direct, steps, covered } = plans(schema)
    t.ok(covered)
    t.match((direct({ d: day }) as { body: string }).body, body)
    t.same(steps({ d: day }), direct({ d: day }))
    t.same(direct({ d: null }), { body: '{"d":null}' }, 'null as before')
  }
  // A Date passes fast-json-stringify's check of an object node or one without a type first:
  // read as JSON reads it, as before, and refused where no branch takes the ISO string.
  const objectFirst = plans(union({ type: 'object' }, date))
  for (const outcome of [objectFirst.direct({ d: day }), objectFirst.steps({ d: day })]) t.match(outcome, { refused: 'FST_TEMP_RESPONSE_INVALID_RESPONSE' })
  const anyFirst = plans(union({}, date))
  t.same(anyFirst.direct({ d: day }), { body: '{"d":"2020-01-01T10:00:00.000Z"}' }, 'as fast-json-stringify writes it by {}')
  t.same(anyFirst.steps({ d: day }), anyFirst.direct({ d: day }))
  t.equal(unionDateFormat([true, date], schema => schema), null, 'a boolean branch: as JSON reads it')
  t.equal(unionDateFormat([{ type: ['string', 'null'], format: 'time' }], schema => schema), 'time')
  t.equal(unionDateFormat([{ type: 'null' }], schema => schema), null)
})

test('an allOf whose branches declare nothing is an empty object, undeclared keys dropped', async t => {
  const { direct, covered } = plans({ allOf: [{ type: 'object' }, { type: 'object', description: 'none' }] })
  t.ok(covered)
  t.same(direct({ secret: 'zq-SECRET' }), { body: '{}' })
})

test('a refusal lists where and what, never the value', async t => {
  const { direct } = plans({ type: 'array', items: row, minItems: 2 })
  const refused = direct([{ id: 1, name: 'zq-SECRET', tags: [] }, { name: 'ab', tags: ['c'], price: 0.7 }])
  t.same((refused as { details: unknown[] }).details, [
    { path: '/0/name', message: 'must not have more than 3 characters' },
    { path: '/0/name', message: 'must match pattern "^[a-z\u{1F600}]+$"' },
    { path: '/0/tags', message: 'must not have fewer than 1 items' },
    { path: '/1/id', message: 'Required property' },
    { path: '/1/tags/0', message: 'must be equal to one of the allowed values' },
    { path: '/1/price', message: 'must be multiple of 0.5' }
  ])
  t.same((direct([]) as { details: unknown[] }).details, [{ path: '', message: 'must not have fewer than 2 items' }])
  t.notOk(JSON.stringify(refused).includes('SECRET'))
  const closed = plans(schemas.closed).direct({ b: 'x', 'x/~y': 'z', other: 1 })
  t.same((closed as { details: unknown[] }).details, [
    { path: '/x~1~0y', message: 'must be number' },
    { path: '', message: 'must not have additional properties' }
  ])
  const record = plans(schemas.records).direct({ a: 1, c: 101, 'd/~': 'x' })
  t.same((record as { details: unknown[] }).details, [
    { path: '/c', message: 'must be <= 100' },
    { path: '/d~1~0', message: 'must be number' }
  ], 'a key no property declares, by its escaped name')
  const wide = plans({ type: 'array', items: { type: 'integer' } }).direct(Array.from({ length: 30 }, () => 'x'))
  t.equal((wide as { details: unknown[] }).details.length, 10, 'at most ten')
  const union = plans(schemas.unions).direct({ next: 1, owner: { id: 'x' } }) as { details: Array<{ path: string, message: string }> }
  t.same(union.details.filter(detail => detail.message === 'must match a schema in anyOf'), [
    { path: '/next', message: 'must match a schema in anyOf' },
    { path: '/owner', message: 'must match a schema in anyOf' }
  ], 'each union named, with its branches\' messages beside')
})

test('a getter or toJSON() that throws is a refusal that names the data, not the value', async t => {
  const { direct } = plans(row)
  const value = { id: 1, get name (): string { throw new Error('boom') }, tags: ['a'] }
  t.same(direct(value), { refused: 'FST_TEMP_RESPONSE_INVALID_RESPONSE', details: [{ path: '', message: 'the data cannot be serialized: boom' }] })
  const unreadable = [null, { get message (): string { throw new Error('again') } }]
  for (const thrown of unreadable) {
    const value = { id: 1, get name (): string { throw thrown }, tags: ['a'] }
    const refusal = { refused: 'FST_TEMP_RESPONSE_INVALID_RESPONSE', details: [{ path: '', message: 'the data cannot be serialized: an exception whose message cannot be read' }] }
    t.same(plans(row).direct(value), refusal, 'whatever is thrown, the refusal is coded')
    t.same(plans(row).steps(value), refusal, 'in the steps too')
  }
  const big = plans(row)
  // typebox's own multipleOf choked on a bigint; the bundle's reads it as Ajv does, a number only.
  t.same(big.direct({ id: 1, name: 'ab', tags: ['a'], price: 10n }), { refused: 'FST_TEMP_RESPONSE_INVALID_RESPONSE', details: [{ path: '/price', message: 'must be number' }] }, 'a bigint against multipleOf')
  t.same(big.steps({ id: 1, name: 'ab', tags: ['a'], price: 10n }), big.direct({ id: 1, name: 'ab', tags: ['a'], price: 10n }), 'the same in the steps')
  t.same(plans(schemas.text).direct(new Date(Number.NaN)), { refused: 'FST_TEMP_RESPONSE_INVALID_RESPONSE', details: [{ path: '', message: 'the data cannot be serialized: an invalid Date cannot be serialized' }] })
})

test('a value the direct check refuses is never sent, even where the checker\'s messages find nothing', async t => {
  // A format replaced after the plan was built: the direct path keeps the one it was built with.
  Format.Set('direct-test-flip', () => false)
  t.teardown(() => Format.Set('direct-test-flip', () => true))
  const { direct } = plans({ type: 'object', properties: { code: { type: 'string', format: 'direct-test-flip' } } })
  Format.Set('direct-test-flip', () => true)
  t.same(direct({ code: 'x' }), { refused: 'FST_TEMP_RESPONSE_INVALID_RESPONSE', details: [{ path: '/code', message: 'does not match its schema' }] })
})

test('a declared property named like an Object.prototype member is read by name, as fast-json-stringify reads it', async t => {
  const { direct, steps } = plans({ type: 'object', properties: { id: { type: 'integer' }, constructor: { type: 'string' } } })
  // Missing from the data, it is Object.prototype.constructor, a function: a mismatch, never its source on the wire.
  t.same(direct({ id: 1 }), { refused: 'FST_TEMP_RESPONSE_INVALID_RESPONSE', details: [{ path: '/constructor', message: 'must be string' }] })
  t.equal((steps({ id: 1 }) as { refused: string }).refused, 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
  t.same(direct({ id: 1, constructor: 'own' }), { body: '{"id":1,"constructor":"own"}' })
})
