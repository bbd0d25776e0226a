import { test } from 'tap'
import { Compile } from 'typebox/compile'
import * as Format from 'typebox/format'
import { Type } from '@sinclair/typebox'
import { resolveFormat } from '../../plugin/model/formats.ts'
import { declaredHeaderNames, findBodyCheck } from '../../plugin/model/response-model.ts'
import type { StatusModel } from '../../plugin/model/response-model.ts'
import { bundleSchema, resolvePointer, UncheckableSchema } from '../../plugin/model/schema-bundle.ts'
import { needsNormalizing, normalizeForCheck } from '../../plugin/model/serialized-value.ts'

// The pieces of the response model one by one: bundling, formats, and the values checked in
// place of Dates and toJSON(). The HTTP behaviour is in response-model.test.ts and dialects.test.ts.

const asIs = (name: string) => name

function check (schema: unknown, shared: Record<string, unknown>, value: unknown): boolean {
  return Compile(bundleSchema(schema, shared, asIs) as never).Check(value)
}

test('bundling resolves $refs: by $id, by URL against the base $id, local, and draft-07 keywords', async t => {
  const shared = {
    'http://example.com/item': { type: 'integer' },
    box: { type: 'object', properties: { size: { $ref: '#/definitions/size' } }, definitions: { size: { type: 'integer' } } }
  }
  const schema = {
    $id: 'http://example.com/root',
    type: 'object',
    properties: {
      item: { $ref: 'item' },
      box: { $ref: 'box#' },
      pair: { type: 'array', items: [{ type: 'string' }, { type: ['integer', 'null'] }], additionalItems: false }
    },
    dependencies: { item: ['box'], box: { required: ['item'] } }
  }
  t.ok(check(schema, shared, { item: 1, box: { size: 2 }, pair: ['a', null] }))
  t.notOk(check(schema, shared, { item: 'x', box: { size: 2 } }), 'item resolved by URL against the root $id')
  t.notOk(check(schema, shared, { item: 1, box: { size: 'x' } }), "box's local ref resolved within box")
  t.notOk(check(schema, shared, { item: 1 }), 'draft-07 dependencies, array form')
  t.notOk(check(schema, shared, { box: { size: 1 } }), 'draft-07 dependencies, schema form')
  t.notOk(check(schema, shared, { item: 1, box: { size: 1 }, pair: ['a', 1, 2] }), 'additionalItems')
})

test('bundling refuses, with the reason, what it cannot resolve', async t => {
  const shared = { user: { type: 'object', properties: { id: { type: 'integer' } } } }
  const cases: Array<[unknown, RegExp]> = [
    [{ $ref: 'nobody#' }, /names no schema/],
    [{ $ref: 'user#id' }, /plain-name fragment/],
    [{ $ref: 'user#/properties/name' }, /points at nothing/],
    [{ $ref: 'user#/properties/id/type/deeper' }, /points at nothing/],
    [{ type: 'bigint' }, /type "bigint" is not a JSON type/],
    [{ type: ['string', 'Date'] }, /type "Date" is not a JSON type/]
  ]
  for (const [schema, reason] of cases) {
    const error = (() => { try { bundleSchema(schema, shared, asIs) } catch (err) { return err } })()
    t.ok(error instanceof UncheckableSchema, String(reason))
    t.match((error as Error).message, reason)
  }
  t.equal(resolvePointer({ a: 'text' }, '/a/b'), undefined)
  t.equal(resolvePointer({ 'a/b': { '~c': 1 } }, '/a~1b/~0c'), 1, 'JSON pointer escapes')
})

test('data keywords and property names that look like keywords are copied as they are', async t => {
  const schema = {
    type: 'object',
    properties: { $ref: { const: { $ref: 'not-a-ref' } }, type: { enum: ['a'] }, format: { type: 'string' } },
    required: ['$ref', 'type']
  }
  t.ok(check(schema, {}, { $ref: { $ref: 'not-a-ref' }, type: 'a', format: 'x' }))
  t.notOk(check(schema, {}, { $ref: { $ref: 'other' }, type: 'a' }))
})

test('formats: the app\'s 0.34 format, typebox\'s registry, then ajv-formats under a prefixed name', async t => {
  const sinclair = { Has: (name: string) => name === 'even', Get: () => (value: string) => value.length % 2 === 0 }
  const node34 = Type.String({ format: 'even' })
  t.equal(resolveFormat('even', node34, sinclair), '@sinclair/typebox:even')
  t.ok(Format.Test('@sinclair/typebox:even', 'ab'))
  t.equal(resolveFormat('email', {}, sinclair), 'email', "typebox's own")
  t.throws(() => resolveFormat('even', {}, sinclair), /known to no format registry/, 'a plain node does not read the 0.34 registry')
})

test('formats: what each ajv-formats kind of definition checks', async t => {
  t.equal(resolveFormat('byte', {}, null), 'ajv-formats:byte')
  t.ok(Format.Test('ajv-formats:byte', 'aGk='), 'a function')
  t.notOk(Format.Test('ajv-formats:byte', 'a'))
  t.equal(resolveFormat('int32', {}, null), 'ajv-formats:int32')
  t.equal(resolveFormat('password', {}, null), 'ajv-formats:password')
  t.ok(Format.Test('ajv-formats:password', 'anything'), 'true: any string')
  t.throws(() => resolveFormat('no-such', {}, null), /format "no-such" is known to no format registry/)
  // A RegExp format, as ajv-formats writes email, reached when typebox's registry lacks it.
  Format.Clear()
  t.teardown(() => Format.Reset())
  t.equal(resolveFormat('email', {}, null), 'ajv-formats:email')
  t.ok(Format.Test('ajv-formats:email', 'a@example.com'))
  t.notOk(Format.Test('ajv-formats:email', 'nope'))
})

function normalized (schema: unknown, value: unknown): unknown {
  return normalizeForCheck(value, bundleSchema(schema, {}, asIs))
}

test('normalizing follows the schema into properties, patterns, additional properties, items and combinators', async t => {
  const at = new Date('2024-05-06T07:08:09.000Z')
  const schema = {
    type: 'object',
    properties: { day: { $ref: '#/definitions/day' } },
    patternProperties: { '^d_': { type: 'string', format: 'date' } },
    additionalProperties: { anyOf: [{ type: 'null' }, { type: 'string', format: 'time' }] },
    definitions: { day: { type: 'string', format: 'date' } },
    allOf: [{ properties: { list: { prefixItems: [{ format: 'date' }], items: { format: 'time' } } } }],
    oneOf: [{ properties: { tuple: { items: [{ format: 'date' }], additionalItems: { format: 'time' } } } }]
  }
  t.same(normalized(schema, { day: at, d_x: at, other: at, list: [at, at], tuple: [at, at], plain: 1 }), {
    day: '2024-05-06', d_x: '2024-05-06', other: '07:08:09Z', list: ['2024-05-06', '07:08:09Z'], tuple: ['2024-05-06', '07:08:09Z'], plain: 1
  })
  t.same(normalized({ type: 'array', items: true }, [at]), [at.toISOString()], 'no date format: the ISO string')
  t.same(normalized({ type: 'object', additionalProperties: false }, { at }), { at: at.toISOString() })
})

test('normalizing shares what it does not change and never touches the data', async t => {
  const inner = { a: 1 }
  const data = { inner, list: [1, 2], at: new Date(0) }
  const result = normalized({}, data) as typeof data
  t.equal(result.inner, inner)
  t.equal(result.list, data.list)
  t.type(data.at, Date, 'the original keeps its Date')
  t.notOk(needsNormalizing({ a: [1, { b: 'c' }] }))
  t.ok(needsNormalizing({ a: [1, { b: new Date() }] }))
  t.ok(needsNormalizing([{ toJSON: () => 1 }]))
})

test('normalizing fails for an invalid Date, a toJSON() that throws, and cyclic data', async t => {
  t.throws(() => normalized({}, { at: new Date('nope') }), /an invalid Date/)
  t.throws(() => normalized({}, { x: { toJSON () { throw new Error('secret') } } }), /secret/)
  const cyclic: Record<string, unknown> = { toJSON: undefined }
  cyclic.self = { toJSON: () => cyclic }
  t.throws(() => normalized({}, cyclic), /nested too deeply, or cyclic/)
})

test('a time is checked with the local UTC offset fast-json-stringify leaves out', async t => {
  const previous = process.env.TZ
  t.teardown(() => { process.env.TZ = previous })
  const at = new Date('2024-01-06T07:08:09.000Z')
  const schema = { type: 'string', format: 'time' }
  process.env.TZ = 'Asia/Kolkata'
  t.equal(normalized(schema, at), '12:38:09+05:30')
  process.env.TZ = 'America/New_York'
  t.equal(normalized(schema, at), '02:08:09-05:00')
})

test('the media-type check is looked up as Fastify looks up the serializer', async t => {
  const json = () => null
  const any = () => null
  const status: StatusModel = { body: null, media: new Map([['application/json', json], ['*/*', any]]), headers: [] }
  t.equal(findBodyCheck(status, 'Application/JSON; charset=utf-8'), json)
  t.equal(findBodyCheck(status, 'text/csv'), any)
  t.equal(findBodyCheck(status, undefined), undefined, 'no Content-Type: no media type')
  t.equal(findBodyCheck(status, 'not a type'), undefined)
  const body = () => null
  t.equal(findBodyCheck({ body, media: null }, 'text/csv'), body)
  t.same(declaredHeaderNames({ 200: { content: { 'a/b': {}, 'c/d': { schema: { headers: { 'X-A': {} } } } }, headers: { 'X-B': {} } }, 404: null }), ['x-b', 'x-a'])
})

test('normalizing stops following a $ref that leads back to itself', async t => {
  const at = new Date(0)
  t.same(normalized({ $defs: { a: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' }, { at }), { at: at.toISOString() })
  // Bundling refuses a $ref to nothing; normalizing alone takes one as no schema, as it takes null.
  const root = { $defs: { schema: { properties: { a: { $ref: '#/$defs/none' }, b: null } } }, $ref: '#/$defs/schema' }
  t.same(normalizeForCheck({ a: at, b: at, c: at }, root), { a: at.toISOString(), b: at.toISOString(), c: at.toISOString() })
})

test('a value without a schema of its own is not read against the root schema', async t => {
  const at = new Date('2024-05-06T07:08:09.000Z')
  // The root says "a date"; the undeclared property's Date is written by toJSON(), as ISO.
  t.same(normalized({ type: ['object', 'string'], format: 'date' }, { extra: at }), { extra: at.toISOString() })
})
