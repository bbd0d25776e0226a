import { test } from 'tap'
import T from 'typebox'
import { Value } from 'typebox/value'
import { containsCodec, EncodeFailure } from '../../plugin/model/codecs.ts'
import { buildResponseEncoder, encodeResponse } from '../../plugin/model/response-encoder.ts'
import { findSharedSchemas } from '../../plugin/model/shared-schemas.ts'
import type { ResponseEncoder } from '../../plugin/model/response-encoder.ts'
import { build } from '../helpers/app.ts'

// The encoder's own rules, on schemas written as plain JSON Schema around typebox 1.x codecs:
// where TypeBox's own markers are absent (a plain node), the encoder still descends.

const Big = T.Codec(T.String()).Decode((s: string) => BigInt(s)).Encode((n: bigint) => n.toString())

function encoderFor (schema: object, shared: Record<string, unknown> = {}): ResponseEncoder {
  const encoder = buildResponseEncoder({ 200: schema as Record<string, unknown> }, {
    shared: id => shared[id],
    compileCheck: branch => value => Value.Check(branch as never, value)
  })
  if (encoder === null) throw new Error('no encoder')
  return encoder
}

const encode = (encoder: ResponseEncoder, value: unknown): unknown => encodeResponse(encoder, 200, 'application/json', value)

test('a schema without codecs gets no encoder, and a status without a schema is passed through', async t => {
  t.equal(buildResponseEncoder({ 200: { type: 'object', properties: { a: { $ref: 'nowhere#' } } } }, { shared: () => undefined, compileCheck: null }), null)
  const encoder = encoderFor({ type: 'object', properties: { n: Big } })
  t.same(encodeResponse(encoder, 404, 'application/json', { n: 1n }), { n: 1n }, 'no schema for 404: nothing to encode')
})

test('codecs under plain JSON Schema nodes: patternProperties, additionalProperties, prefixItems, allOf', async t => {
  const encoder = encoderFor({
    type: 'object',
    properties: { plain: { type: 'string' }, tuple: { type: 'array', prefixItems: [{ type: 'string' }, Big], items: Big } },
    patternProperties: { '^n_': Big, '^s_': { type: 'string' } },
    additionalProperties: { allOf: [{ type: 'string' }, Big] }
  })
  const value = { plain: 'p', tuple: ['a', 1n, 2n], n_1: 3n, s_1: 's', other: 4n, gone: undefined }
  t.same(encode(encoder, value), { plain: 'p', tuple: ['a', '1', '2'], n_1: '3', s_1: 's', other: '4', gone: undefined })
  t.equal(value.n_1, 3n, 'the input is unchanged')
  t.same(encode(encoder, 'not an object'), 'not an object', 'a value of another shape is left to the checker')
  t.same(encode(encoderFor({ type: 'array', items: Big }), { 0: 1n }), { 0: 1n })
  const draft07 = encoderFor({ type: 'array', items: [{ type: 'string' }, Big], additionalItems: Big })
  t.same(encode(draft07, ['a', 1n, 2n]), ['a', '1', '2'], 'draft-07 tuples: items as a list, then additionalItems')
})

test('a copy keeps the prototype of a class instance, and a null-prototype object stays plain', async t => {
  class Row {
    n: bigint
    constructor (n: bigint) { this.n = n }
    label (): string { return 'row' }
  }
  const encoder = encoderFor({ type: 'object', properties: { n: Big } })
  const row = encode(encoder, new Row(5n)) as Row
  t.ok(row instanceof Row)
  t.equal(row.n as unknown, '5')
  const bare = Object.assign(Object.create(null), { n: 6n })
  t.same({ ...(encode(encoder, bare) as object) }, { n: '6' })
})

test('$refs: a local pointer, an $id inside the schema, a recursive schema, shared fragments', async t => {
  const Tree = { $id: 'tree', type: 'object', properties: { n: Big, children: { type: 'array', items: { $ref: 'tree' } } } }
  const encoder = encoderFor({
    type: 'object',
    $defs: { big: Big },
    properties: { local: { $ref: '#/$defs/big' }, tree: Tree, shared: { $ref: 'pair#/properties/b' }, missing: { $ref: '#/nowhere' } }
  }, { pair: { type: 'object', properties: { b: Big } } })
  const value = { local: 1n, tree: { n: 2n, children: [{ n: 3n, children: [] }] }, shared: 4n, missing: 5n }
  t.same(encode(encoder, value), { local: '1', tree: { n: '2', children: [{ n: '3', children: [] }] }, shared: '4', missing: 5n })
})

test('unions: the first branch that matches; a throwing branch is skipped unless all throw', async t => {
  const Fails = T.Codec(T.String()).Decode((s: string) => s).Encode(() => { throw new Error('no') })
  const Num = T.Codec(T.String()).Decode((s: string) => Number(s)).Encode((n: number) => String(n))
  const encoder = encoderFor({ anyOf: [Fails, Num, { type: 'null' }] })
  t.equal(encode(encoder, 5), '5', 'the throwing branch is skipped')
  t.equal(encode(encoder, null), null, 'a branch without codecs, as is')
  const failing = encode(encoderFor({ oneOf: [Fails, { type: 'null' }] }), 'x')
  t.ok(failing instanceof EncodeFailure)
  t.equal((failing as EncodeFailure).message, 'an Encode callback threw: no')
  const Strict = T.Codec(T.Integer()).Decode((n: number) => n).Encode((n: number) => n / 2)
  t.equal(encode(encoderFor({ anyOf: [Strict, { type: 'null' }] }), 3), 3, 'no branch matches: unchanged, for the checker to refuse')
  const own = encoderFor({ type: 'object', properties: { n: Big }, anyOf: [{ type: 'object' }] })
  t.same(encode(own, { n: 1n }), { n: '1' }, 'a union of plain branches beside codecs adds no step')
})

test('what a callback throws is kept as the cause; a non-Error is named', async t => {
  const Throws = T.Codec(T.String()).Decode((s: string) => s).Encode(() => { throw 'plain' }) // eslint-disable-line no-throw-literal
  const failure = encode(encoderFor(Throws), 'x') as EncodeFailure
  t.equal(failure.message, 'an Encode callback threw: plain')
  t.equal(failure.cause, 'plain')
  t.equal(failure.path, '')
  const raw: ResponseEncoder = { statuses: new Map([['200', { body: () => { throw new RangeError('deep') }, media: null }]]) }
  const wrapped = encode(raw, {}) as EncodeFailure
  t.ok(wrapped instanceof EncodeFailure, 'anything thrown becomes an EncodeFailure')
  t.equal(wrapped.message, 'an Encode callback threw: deep')
})

test('containsCodec looks through every value once, cycles included', async t => {
  const cyclic: Record<string, unknown> = { type: 'object' }
  cyclic.self = cyclic
  t.equal(containsCodec(cyclic), false)
  t.equal(containsCodec({ anyOf: [null, 1, [Big]] }), true)
})

test('a shared schema with codecs, added twice in one scope, keeps each; one without codecs is not kept', async t => {
  const app = await build(t)
  app.addSchema({ $id: 'a', type: 'object', properties: { n: Big } })
  app.addSchema({ $id: 'b', type: 'object', properties: { n: Big } })
  app.addSchema({ $id: 'c', type: 'object', properties: { n: { type: 'string' } } })
  app.get('/', { schema: { response: { 200: { type: 'object', properties: { a: { $ref: 'a#' }, b: { $ref: 'b#' }, c: { $ref: 'c#' } } } } } }, async () => ({ a: { n: 1n }, b: { n: 2n }, c: { n: 'x' } }))
  app.head('/head', { schema: { response: { 200: { $ref: 'a#' } } } }, async () => ({ n: 1n }))
  const res = await app.inject('/')
  t.same(res.json(), { a: { n: '1' }, b: { n: '2' }, c: { n: 'x' } })
  t.equal((await app.inject({ method: 'HEAD', url: '/' })).statusCode, 200, 'the automatic HEAD route shares the encoder')
  const find = findSharedSchemas(app)
  t.equal(find('nowhere'), undefined, 'an $id Fastify does not know is not looked for')
  t.equal(find('c'), app.getSchemas().c, 'one without codecs is Fastify\'s copy')
})
