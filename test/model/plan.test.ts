import { test } from 'tap'
import fc from 'fast-check'
import { Compile } from 'typebox/compile'
import type { TSchema } from 'typebox'
import { compileReader, derefIn } from '../../plugin/model/plan.ts'
import { compileWriter, writeString } from '../../plugin/model/plan-writer.ts'
import { bundleSchema } from '../../plugin/model/schema-bundle.ts'
import { createPlan, droppedBody } from '../../plugin/model/serializer.ts'
import { dateString, readJSON, writeOrdered } from '../../plugin/model/snapshot-runtime.ts'

// The plan's steps one by one: the reading (plan.ts, plan-branches.ts), the runtime helpers and
// the check-and-write (serializer.ts). HTTP behaviour against plain Fastify is in serializer.test.ts.

function planOf (schema: unknown): ReturnType<typeof createPlan> {
  const root = bundleSchema(schema, {}, name => name)
  return createPlan(compileReader(root), compileWriter(root, derefIn(root)), Compile(root as TSchema), '200')
}

function write (schema: unknown, value: unknown): string {
  return planOf(schema).serialize(value)
}

function fails (t: { ok: (value: boolean, message: string) => unknown }, schema: unknown, value: unknown, message?: string): void {
  let code: unknown
  try {
    write(schema, value)
  } catch (error) {
    code = (error as { code?: unknown }).code
  }
  t.ok(code === 'FST_TEMP_RESPONSE_INVALID_RESPONSE', message ?? 'the coded mismatch')
}

test('an object is read once per declared property, required first, undeclared ones dropped', async t => {
  const reads: string[] = []
  const value = new Proxy({ b: 2, a: 1, secret: 's' }, { get (target, key) { reads.push(String(key)); return Reflect.get(target, key) } })
  const schema = { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'integer' } }, required: ['b'] }
  t.equal(write(schema, value), '{"b":2,"a":1}')
  t.same(reads.filter(key => key !== 'toJSON'), ['b', 'a'], 'each declared property read once')
  class Row { get name () { return 'from the prototype' } }
  t.equal(write({ type: 'object', properties: { name: { type: 'string' } } }, new Row()), '{"name":"from the prototype"}')
})

test('toJSON() is called once, on objects and arrays; its result is checked and written', async t => {
  let calls = 0
  const secret = { toJSON () { calls++; return '[redacted]' }, toString: () => 'sk_live_SECRET' }
  t.equal(write({ type: 'object', properties: { key: { type: 'string', enum: ['[redacted]'] } } }, { key: secret }), '{"key":"[redacted]"}')
  t.equal(calls, 1)
  const list = Object.assign(['a', 'secret'], { toJSON: () => ['public'] })
  t.equal(write({ type: 'array', items: { type: 'string' } }, list), '["public"]')
  t.equal(write({ type: 'object', properties: {} }, { toJSON: () => ({ a: 1 }) }), '{}')
  fails(t, { type: 'object' }, { toJSON: () => 'text' }, 'a toJSON() that returns a primitive where an object is declared')
  fails(t, { type: 'array' }, { toJSON: () => 1 })
  fails(t, { type: 'integer', maximum: 10 }, { valueOf: () => 1234567 }, 'no valueOf()')
  fails(t, { type: 'boolean' }, { toJSON: () => ({}) }, 'an object stays an object')
  fails(t, { type: 'string' }, 1, 'no coercion')
  fails(t, { type: 'array' }, { length: 0 }, 'an object where an array is declared')
  fails(t, { type: 'object' }, [], 'an array where an object is declared')
  fails(t, { type: 'object' }, 'text')
})

test('a Date at a string node is written with Date\'s own methods, as the format says', async t => {
  const at = new Date('2024-05-06T07:08:09.000Z')
  Object.assign(at, { toISOString: () => 'card 4111', toJSON: () => 'card 4111', getTime: () => 0 })
  t.equal(write({ type: 'string', format: 'date-time' }, at), '"2024-05-06T07:08:09.000Z"')
  t.equal(write({ type: 'string', format: 'ajv-formats:date' }, at), '"2024-05-06"', 'a prefixed format name')
  t.equal(write({ type: 'string' }, at), '"2024-05-06T07:08:09.000Z"')
  t.equal(write({}, { at }), '{"at":"2024-05-06T07:08:09.000Z"}', 'also where no schema shapes it')
  fails(t, { type: 'string', format: 'date-time' }, new Date('nope'))
  fails(t, { type: 'number' }, at)
})

test('a time is written with the local offset the time format requires', async t => {
  const previous = process.env.TZ
  t.teardown(() => { process.env.TZ = previous })
  const at = new Date('2024-01-06T07:08:09.000Z')
  process.env.TZ = 'Asia/Kolkata'
  t.equal(dateString(at, 'time'), '12:38:09+05:30')
  process.env.TZ = 'America/New_York'
  t.equal(dateString(at, 'time'), '02:08:09-05:00')
  process.env.TZ = 'UTC'
  t.equal(dateString(at, 'time'), '07:08:09Z')
})

test('a hole, undefined, a function or a symbol in an array is null, and checked as null', async t => {
  // eslint-disable-next-line no-sparse-arrays
  const sparse = [, , true]
  fails(t, { type: 'array', items: { enum: [true] } }, sparse)
  t.equal(write({ type: 'array', items: { type: ['boolean', 'null'] } }, sparse), '[null,null,true]')
  t.equal(write({ type: 'array' }, [undefined, () => 1, Symbol('s')]), '[null,null,null]')
  fails(t, { type: 'array', minItems: 3, items: { type: 'string' } }, new Array(3))
})

test('tuples: items by position, then additionalItems', async t => {
  const schema = { type: 'array', items: [{ type: 'string' }, { type: 'integer' }], additionalItems: { type: 'boolean' } }
  t.equal(write(schema, ['a', 1, true, false]), '["a",1,true,false]')
  t.equal(write(schema, ['a']), '["a"]')
  fails(t, schema, ['a', 1, 'x'])
  t.equal(write({ type: 'array', items: [{ type: 'string' }] }, ['a', { b: 1 }]), '["a",{"b":1}]', 'no additionalItems: read as JSON')
})

test('patternProperties and additionalProperties write the other keys, in fast-json-stringify\'s order', async t => {
  const schema = {
    type: 'object',
    properties: { name: { type: 'string' }, 2: { type: 'integer' } },
    patternProperties: { '^x-': { type: 'string' } },
    additionalProperties: { type: 'integer' }
  }
  t.equal(write(schema, { 10: 3, 'x-a': 'v', name: 'n', 2: 1, z: 4 }), '{"2":1,"name":"n","10":3,"x-a":"v","z":4}', 'declared ones in Object.keys() order of the schema, then the others as the value lists them')
  fails(t, schema, { 'x-a': 1 })
  t.equal(write({ type: 'object', additionalProperties: true }, { a: { b: [1] }, c: undefined, f: () => 1 }), '{"a":{"b":[1]}}')
  t.equal(write({ type: 'object', properties: { a: { type: 'string' } } }, { a: 'x', b: 'dropped' }), '{"a":"x"}')
})

test('keys nothing writes count for the check, and are not written', async t => {
  fails(t, { type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: false }, { a: 1, passwordHash: 'x' })
  fails(t, { type: 'object', propertyNames: { maxLength: 3 } }, { long: 1 })
  fails(t, { type: 'object', maxProperties: 1 }, { a: 1, b: 2 })
  fails(t, { type: 'object', required: ['a'] }, { a: 1 }, 'written without a, it fails required')
  fails(t, { type: 'object', not: { required: ['a'] } }, { a: 1 })
  t.equal(write({ type: 'object', propertyNames: { maxLength: 3 } }, { abc: 1 }), '{}')
  fails(t, { type: 'object', dependencies: { a: ['b'] }, properties: { a: {} } }, { a: 1, b: 2 }, 'written without b, a\'s dependency fails')
  t.equal(write({ type: 'object', dependencies: { a: ['b'] }, properties: { c: {} } }, { c: 1, b: 2 }), '{"c":1}')
})

test('a default is written for a missing property; const and enum are read as JSON', async t => {
  const schema = { type: 'object', properties: { a: { type: 'integer', default: 5 }, b: { const: { x: [1] } } } }
  t.equal(write(schema, { b: { x: [1] } }), '{"a":5,"b":{"x":[1]}}')
  fails(t, schema, { b: { x: [2] } })
  t.equal(write({ type: 'object', properties: { c: { enum: ['a', { b: 1 }] } } }, { c: { b: 1 } }), '{"c":{"b":1}}')
  t.equal(write({ type: 'object', properties: { 1: { type: 'null', default: null } }, additionalProperties: true }, { 2: 'x' }), '{"1":null,"2":"x"}', 'a default in a node that records its order')
  const plan = planOf({ type: 'object', properties: { d: { type: 'object', default: { x: 1 } } } })
  const first = plan.snapshot({}) as { d: { x: number } }
  first.d.x = 2
  t.same(plan.snapshot({}), { d: { x: 1 } }, 'an object default is copied into each snapshot')
})

test('where the type is inferred, an object node writes any value as an object, as fast-json-stringify does', async t => {
  t.equal(write({ properties: { a: {} } }, 12), '{}')
  t.equal(write({ properties: { a: {} }, additionalProperties: false }, ['x']), '{}', 'an array: its indices are not held')
  t.equal(write({ properties: { a: {} } }, null), 'null')
  t.equal(write({ properties: { a: {} } }, { toJSON: () => null }), 'null')
  t.equal(write({ items: { type: 'string' } }, { a: 1 }), '{"a":1}', 'an array node reads a non-array as JSON')
  t.equal(write({ minLength: 2 }, { a: 1 }), '{"a":1}', 'a string node without type reads an object as JSON')
  t.equal(write({ minLength: 2 }, 7), '7')
})

test('nullable objects and arrays; a type list of both is refused', async t => {
  t.equal(write({ type: 'object', properties: { a: { type: 'array', nullable: true } } }, { a: null }), '{"a":null}')
  t.equal(write({ type: ['object', 'null'], properties: {} }, null), 'null')
  t.throws(() => planOf({ type: ['object', 'array'] }), /a type list with object or array/)
})

test('__proto__ is an ordinary key, never a prototype', async t => {
  const value = JSON.parse('{"__proto__":{"admin":true},"a":1}')
  t.equal(write({ type: 'object', additionalProperties: true }, value), '{"__proto__":{"admin":true},"a":1}')
  t.equal(write({ type: 'object', properties: { ['__proto__']: { type: 'object', additionalProperties: true } } }, value), '{"__proto__":{"admin":true}}')
})

test('patterns that read differently with and without the u flag are refused', async t => {
  t.throws(() => planOf({ type: 'object', patternProperties: { '\\p{L}': {} } }), /u flag/)
  t.throws(() => planOf({ type: 'object', patternProperties: { '(': {} } }), /both ways/)
  t.throws(() => planOf({ $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' }), /never reaches/)
})

test('recursive schemas are read through one function per node', async t => {
  const tree = { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#' } } } }
  t.equal(write(tree, { name: 'a', children: [{ name: 'b', children: [], x: 1 }] }), '{"name":"a","children":[{"name":"b","children":[]}]}')
  const cyclic: Record<string, unknown> = { name: 'a' }
  cyclic.children = [cyclic]
  t.throws(() => write({ type: 'object', additionalProperties: true }, cyclic), { code: 'FST_TEMP_RESPONSE_INVALID_RESPONSE' })
})

test('the JSON reading: toJSON() once, boxed primitives by their slot, no bigint', async t => {
  t.same(readJSON({ n: Number.NaN, i: Infinity, s: Object('x'), b: Object(false), m: Object(2) }), { n: null, i: null, s: 'x', b: false, m: 2 })
  t.equal(readJSON({ toJSON: () => ({ toJSON: () => 'inner' }) }) !== 'inner', true, 'the result\'s own toJSON() is not called')
  t.throws(() => readJSON(1n), /bigint/)
  t.equal(readJSON({ toJSON: () => 3 }), 3)
  t.same(readJSON([undefined, () => 1, 1]), [null, null, 1])
  fails(t, { type: 'array', items: false }, [1], 'a false schema')
  t.equal(write({ type: 'array', items: false }, []), '[]')
  t.equal(writeOrdered({ b: [1, { 2: 'x', a: 'y' }] }, new Map()), '{"b":[1,{"2":"x","a":"y"}]}')
})

test('a body the staged status drops is written as nothing', async t => {
  t.equal(planOf({ type: 'object' }).serialize(droppedBody), '')
  t.same(planOf({ type: 'object', properties: { a: {} } }).snapshot({ a: 1, b: 2 }), { a: 1 })
})

test('allOf is merged; anyOf, oneOf and if/then/else choose on the value read once', async t => {
  const merged = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false, allOf: [{ properties: { b: { type: 'integer' } } }] }
  fails(t, merged, { a: 'x', b: 1 }, 'draft-07: b is additional to the parent, whatever allOf declares')
  t.equal(write(merged, { a: 'x' }), '{"a":"x"}')
  t.equal(write({ allOf: [{ type: 'object', properties: { a: {} } }] }, { a: 1, c: 2 }), '{"a":1}')
  const union = { anyOf: [{ type: 'string' }, { type: 'object', properties: { id: { type: 'integer' } } }] }
  t.equal(write(union, { id: 1, secret: 's' }), '{"id":1}')
  t.equal(write({ type: 'object', properties: { kind: { type: 'string' } }, oneOf: [{ required: ['a'], properties: { a: {} } }, { required: ['b'], properties: { b: {} } }] }, { kind: 'k', b: 2, z: 1 }), '{"b":2,"kind":"k"}', 'merged: the branch\'s required property first')
  fails(t, { oneOf: [{ type: 'object', properties: { a: {} }, required: ['a'] }, { type: 'object', properties: { b: {} }, required: ['b'] }] }, { a: 1, b: 2 }, 'two branches')
  const conditional = { type: 'object', properties: { t: {} }, if: { properties: { t: { const: 'a' } } }, then: { properties: { a: {} } }, else: { properties: { b: {} } } }
  t.equal(write(conditional, { t: 'a', a: 1, b: 2 }), '{"t":"a","a":1}')
  t.equal(write(conditional, { t: 'b', a: 1, b: 2 }), '{"t":"b","b":2}')
  t.equal(write({ type: 'object', properties: { t: {} }, if: { required: ['t'] }, else: { properties: { b: {} } } }, { t: 1, b: 2 }), '{"t":1}')
  t.equal(write({ type: 'object', properties: { t: {} }, if: { required: ['t'] }, then: { properties: { b: {} } } }, { b: 2 }), '{}')
  fails(t, { type: 'object', if: { required: ['t'] }, then: { required: ['b'] } }, { t: 1 })
  t.equal(write({ type: 'integer', if: { minimum: 1 } }, 2), '2', 'an if alone is only a check')
  t.throws(() => planOf({ allOf: [{ type: 'string' }, { type: 'integer' }] }), /cannot be merged/)
})

test('a string is written as JSON.stringify writes it', async t => {
  let differing = 0
  for (let code = 0; code <= 0xffff; code++) {
    const value = 'a' + String.fromCharCode(code) + 'b'
    if (writeString(value) !== JSON.stringify(value)) differing++
  }
  t.equal(differing, 0, 'every UTF-16 code unit, lone surrogates too')
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), value => writeString(value) === JSON.stringify(value)), { seed: 20261207, numRuns: 5000 })
  t.equal(writeString('\u{1F600}"\\'), '"\u{1F600}\\"\\\\"')
})
