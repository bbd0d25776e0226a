import { test } from 'tap'
import fc from 'fast-check'
import { draft07 } from '../helpers/ajv.ts'
import { Compile } from 'typebox/compile'
import * as Format from 'typebox/format'
import { Type } from '@sinclair/typebox'
import { resolveFormat } from '../../plugin/model/formats.ts'
import { declaredHeaderNames, findBodyCheck } from '../../plugin/model/response-model.ts'
import type { StatusModel } from '../../plugin/model/response-model.ts'
import { bundleSchema, isMultipleOf, isUnique, resolvePointer, UncheckableSchema } from '../../plugin/model/schema-bundle.ts'
import { derefIn } from '../../plugin/model/plan.ts'

// The pieces of the response model one by one: bundling and formats (the plan has plan.test.ts). The HTTP behaviour is in response-model.test.ts and dialects.test.ts.

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
    [{ type: ['string', 'Date'] }, /type "Date" is not a JSON type/],
    [{ definitions: { 'a/b': { type: 'integer' }, a: { b: { type: 'string' } } }, $ref: '#/definitions/a%2Fb' }, /\$ref "#\/definitions\/a%2Fb" is percent-encoded/],
    // A member no keyword holds a schema in, read as a schema by a $ref: copied as one, and refused as one.
    [{ properties: { tags: { $ref: '#/x-tuple' } }, 'x-tuple': { type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'number' } } }, /prefixItems at \/\$defs\/data:~1\$defs~1schema~1x-tuple is not a draft-07 keyword/],
    [{ properties: { a: { const: 'x' }, b: { $ref: '#/properties/a/const' } } }, /\$ref "#\/properties\/a\/const" points at a value that is not a schema/],
    [{ properties: { a: { $id: 'x', type: 'integer' }, b: { $id: 'x', type: 'string' } } }, /\$id "x" is given twice, at \/\$defs\/schema\/properties\/a and \/\$defs\/schema\/properties\/b/],
    ...['prefixItems', 'minContains', 'maxContains', 'dependentRequired', 'dependentSchemas', 'unevaluatedItems', 'unevaluatedProperties', '$dynamicRef', '$recursiveRef']
      .map((keyword): [unknown, RegExp] => [{ properties: { a: { [keyword]: keyword.startsWith('$') ? '#' : 0 } } }, new RegExp('^' + keyword.replace('$', '\\$') + ' at /\\$defs/schema/properties/a is not a draft-07 keyword')])
  ]
  for (const [schema, reason] of cases) {
    const error = (() => { try { bundleSchema(schema, shared, asIs) } catch (err) { return err } })()
    t.ok(error instanceof UncheckableSchema, String(reason))
    t.match((error as Error).message, reason)
  }
  t.equal(resolvePointer({ a: 'text' }, '/a/b'), undefined)
  t.equal(resolvePointer({ 'a/b': { '~c': 1 } }, '/a~1b/~0c'), 1, 'JSON pointer escapes')
  t.equal(resolvePointer({ 'a%zz': 1 }, '/a%zz'), 1, 'no percent-decoding: a key is read as it is written')
  t.ok(bundleSchema({ $id: 'x', properties: { self: { $ref: 'x#' } } }, {}, asIs), 'an $id met once, and a shared one embedded where its $id points, are no duplicates')
  t.ok(bundleSchema({ properties: { a: { $ref: '#/definitions/b' }, c: { $ref: '#/items/0' }, d: { $ref: '#/properties/e' }, e: true }, items: [{ type: 'string' }], definitions: { b: { type: 'string' } } }, {}, asIs), 'refs to schemas: a definition, an item, a boolean schema')
  // A schema kept under a member no keyword knows (a remote document's top level, `x-*`, `enum`):
  // copied once as the schema the $ref reads, its formats resolved and its own $refs followed.
  const remote = { integer: { type: 'integer' }, refToInteger: { $ref: '#/integer' }, 'x-mail': { type: 'string', format: 'email' } }
  const formats: string[] = []
  const root = bundleSchema({ type: 'array', items: [{ $ref: 'remote#/refToInteger' }, { $ref: 'remote#/refToInteger' }, { $ref: 'remote#/x-mail' }] }, { remote }, name => { formats.push(name); return name })
  t.same(formats, ['email'], 'the format under x-mail is resolved, once')
  const check = Compile(root as never)
  t.ok(check.Check([1, 2, 'a@b.co']))
  t.notOk(check.Check(['1', 2, 'a@b.co']), 'the integer is checked through both $refs')
  t.same(Object.keys(root.$defs as object).filter(key => key.startsWith('data:')).length, 3, 'each member copied once: integer, refToInteger, x-mail')
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

test('formats: the app\'s 0.34 format, the app\'s in typebox\'s registry, then ajv-formats under a prefixed name', async t => {
  const sinclair = { Has: (name: string) => name === 'even', Get: () => (value: string) => value.length % 2 === 0 }
  const node34 = Type.String({ format: 'even' })
  t.equal(resolveFormat('even', node34, sinclair), '@sinclair/typebox:even')
  t.ok(Format.Test('@sinclair/typebox:even', 'ab'))
  t.equal(resolveFormat('email', {}, sinclair), 'ajv-formats:email', "ajv-formats' before typebox's own")
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

test('a key or $id with a % on the way to a $ref target: the checker and the plan follow it to the same node', async t => {
  const schema = {
    type: 'object',
    properties: {
      'a%62': { $id: 'http://e/q', type: 'object', properties: { s: { type: 'integer' } } },
      ab: { type: 'object', properties: { s: { type: 'string' } } },
      n: { $ref: 'http://e/q#/properties/s' },
      m: { $ref: 'http://e/a%62#/integer' }
    }
  }
  const shared = { 'http://e/a%62': { $id: 'http://e/a%62', integer: { type: 'integer' } }, 'http://e/ab': { $id: 'http://e/ab', integer: { type: 'string' } } }
  const root = bundleSchema(schema, shared, asIs)
  const check = Compile(root as never)
  t.ok(check.Check({ n: 1, m: 2 }))
  t.notOk(check.Check({ n: '1,"isAdmin":true' }), 'the checker reads the integer, not the string under ab')
  t.notOk(check.Check({ m: 'x' }), 'nor the shared document of the decoded name')
  const properties = ((root.$defs as Record<string, Record<string, Record<string, unknown>>>).schema.properties)
  const deref = derefIn(root)
  t.same(deref(properties.n), { type: 'integer' }, 'the plan follows it to the same node')
  t.same(deref(properties.m), { type: 'integer' })
})

test('formats of numbers: int32 becomes the bounds of an integer node, and strings are left alone', async t => {
  const bundled = (schema: object) => (bundleSchema(schema, {}, name => resolveFormat(name, {}, null)).$defs as Record<string, Record<string, unknown>>).schema
  t.match(bundled({ type: 'integer', format: 'int32' }), { minimum: -2147483648, maximum: 2147483647 })
  t.match(bundled({ type: 'integer', format: 'int32', minimum: 0, maximum: 2 ** 40 }), { minimum: 0, maximum: 2147483647 }, 'the tighter bound of each kept')
  t.match(bundled({ type: ['integer', 'null'], format: 'int32', minimum: -(2 ** 40) }), { minimum: -2147483648 })
  t.notOk('maximum' in bundled({ type: 'integer', format: 'int64' }), 'int64 asks an integer for an integer: nothing to add')
  t.notOk('maximum' in bundled({ type: 'string', format: 'int32' }), 'a node of strings: the format does not apply')
  const digits = Compile(bundleSchema({ type: 'string', format: 'int64' }, {}, name => resolveFormat(name, {}, null)) as never)
  t.ok(digits.Check('9007199254740993'), 'a string of digits passes, as ajv-formats ignores number formats on strings')
  t.ok(Compile(bundleSchema({ type: 'number', format: 'double' }, {}, name => resolveFormat(name, {}, null)) as never).Check(1.5), 'float and double check nothing')
  Format.Set('int32', value => /^-?\d+$/.test(value))
  t.teardown(() => Format.Reset())
  t.match(bundled({ type: 'integer', format: 'int32' }), { format: 'int32', maximum: 2147483647 }, 'an application\'s own int32 checks strings; numbers keep ajv-formats\' bounds')
  Format.Set('acme:int32', () => true)
  t.notOk('maximum' in bundled({ type: 'integer', format: 'acme:int32' }), 'an application\'s name with a colon is its own, not int32')
  for (const schema of [{ type: 'number', format: 'int32' }, { format: 'int64' }, { type: ['integer', 'number'], format: 'int64' }]) {
    t.throws(() => bundled(schema), /asks a number to be an integer, which only type integer says to the checker/)
  }
})

test('the media-type check is looked up as Fastify looks up the serializer', async t => {
  const plan = () => ({ serialize: () => '', snapshot: () => null })
  const json = plan()
  const any = plan()
  const status: StatusModel = { body: null, media: new Map([['application/json', json], ['*/*', any]]), headers: [] }
  t.equal(findBodyCheck(status, 'Application/JSON; charset=utf-8'), json)
  t.equal(findBodyCheck(status, 'text/csv'), any)
  t.equal(findBodyCheck(status, undefined), undefined, 'no Content-Type: no media type')
  t.equal(findBodyCheck(status, 'not a type'), undefined)
  const body = plan()
  t.equal(findBodyCheck({ body, media: null }, 'text/csv'), body)
  t.same(declaredHeaderNames({ 200: { content: { 'a/b': {}, 'c/d': { schema: { headers: { 'X-A': {} } } } }, headers: { 'X-B': {} } }, 404: null }), ['x-b', 'x-a'])
})

test('isMultipleOf answers as Ajv does wherever the quotient is a finite double', async t => {
  const ajv = draft07()
  const divisors = [0.01, 0.1, 0.3, 0.5, 1, 1.5, 7.7, 1e-5, 100.1, 1e-7]
  const verdicts = new Map(divisors.map(divisor => [divisor, ajv.compile({ multipleOf: divisor })]))
  let disagreements = 0
  let multiples = 0
  fc.assert(fc.property(fc.constantFrom(...divisors), fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom(0, 1e-9, -1e-12, 0.5), (divisor, n, offset) => {
    const value = n * divisor + offset
    if (!Number.isFinite(value / divisor)) return
    const expected = verdicts.get(divisor)!(value)
    if (expected) multiples++
    if (isMultipleOf(value, divisor) !== expected) disagreements++
  }), { seed: 20261207, numRuns: 20_000 })
  t.equal(disagreements, 0)
  t.ok(multiples > 1000, 'a fair share of the values are multiples')
})

test('multipleOf goes to the checker as a refinement beside an application\'s own', async t => {
  const own = { check: (value: unknown) => typeof value === 'number' && value < 10, error: () => 'below 10' }
  const node = bundleSchema({ type: 'number', multipleOf: 2, '~refine': [own] }, {}, asIs)
  const schema = (node.$defs as Record<string, Record<string, unknown>>).schema
  t.equal(schema['~multipleOf'], 2)
  t.notOk('multipleOf' in schema, 'the checker never reads it with its own tolerance')
  t.equal((schema['~refine'] as unknown[]).length, 2, 'the application\'s (handed copies), then the bundle\'s')
  const checker = Compile(node as never)
  t.same([4, 12, 3].map(value => checker.Check(value)), [true, false, false])
})

test('isUnique answers as Ajv\'s uniqueItems does', async t => {
  const verdict = draft07().compile({ uniqueItems: true })
  const small = fc.oneof(fc.constantFrom(0, 1, '', 'a', 'a\nb', '\u0006', '\ud800', '\udc00', '\ufffd', null, true, false), fc.string({ maxLength: 2 }))
  const item = fc.letrec(tie => ({
    value: fc.oneof({ depthSize: 'small' }, small, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), { maxKeys: 3, noNullPrototype: true }))
  })).value
  let duplicates = 0
  fc.assert(fc.property(fc.array(item, { maxLength: 6 }), items => {
    const expected = verdict(items)
    if (!expected) duplicates++
    return isUnique(items) === expected
  }), { seed: 20261207, numRuns: 5_000 })
  t.ok(duplicates > 250, 'a fair share of the arrays have duplicates')
})
