import { test } from 'tap'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { build } from '../helpers/app.ts'

// The validating serializer through Fastify: valid data is sent byte for byte as plain Fastify
// (fast-json-stringify) sends it; what is sent is what was checked, read once.

const address = Type.Object({ street: Type.String(), city: Type.String() })
const schemas: Array<[string, object, unknown]> = [
  ['a row with formats and nested arrays', Type.Object({
    id: Type.Integer(),
    email: Type.String({ format: 'email' }),
    createdAt: Type.String({ format: 'date-time' }),
    day: Type.String({ format: 'date' }),
    score: Type.Number(),
    active: Type.Boolean(),
    note: Type.Optional(Type.String()),
    addresses: Type.Array(address)
  }), { note: 'n "quoted" \u2028 \ud800', id: 1, email: 'a@b.co', createdAt: new Date(0), day: new Date(86400000), score: -0, active: false, addresses: [{ city: 'c', street: 's', zip: 1 }], extra: 'x' }],
  ['a page of rows', Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })), Array.from({ length: 20 }, (_, id) => ({ id, name: `n${id}`, hidden: true }))],
  ['optional properties, required first, defaults', { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer', default: 3 }, c: { type: 'integer' } }, required: ['c'] }, { a: 'x', c: 1 }],
  ['patternProperties and additionalProperties with integer-like keys', { type: 'object', properties: { 1: { type: 'string' }, name: { type: 'string' } }, patternProperties: { '^x': { type: 'integer' } }, additionalProperties: { type: 'boolean' } }, { name: 'n', 20: true, x1: 2, 1: 'one', other: false }],
  ['a nullable object and anyOf', { type: 'object', properties: { owner: { type: 'object', nullable: true, properties: { id: { type: 'integer' } } }, value: { anyOf: [{ type: 'string' }, { type: 'object', properties: { n: { type: 'number' } } }] } } }, { owner: null, value: { n: 1.5, m: 2 } }],
  ['allOf and if/then/else', { type: 'object', allOf: [{ properties: { a: { type: 'string' } } }, { properties: { b: { type: 'integer' } } }], if: { required: ['a'] }, then: { properties: { c: { type: 'boolean' } } } }, { b: 2, a: 'x', c: true, d: 1 }],
  ['a tuple', { type: 'array', items: [{ type: 'string' }, { type: 'integer' }] }, ['a', 1]],
  ['number formats: int32 and int64 integers, an int64 string', { type: 'object', properties: { a: { type: 'integer', format: 'int32' }, b: { type: 'integer', format: 'int64' }, c: { type: 'string', format: 'int64' } } }, { a: -2147483648, b: 2 ** 40, c: '9007199254740993' }],
  ['nullable dates, with Dates', Type.Object({ d: Type.Union([Type.String({ format: 'date' }), Type.Null()]), e: Type.Union([Type.Null(), Type.String({ format: 'date' })]), f: Type.Array(Type.Union([Type.Null(), Type.String({ format: 'date' })])) }), { d: new Date(86400000), e: null, f: [new Date(0), null] }],
  ['a nullable date with a Date, where the steps write it', Type.Object({ d: Type.Union([Type.String({ format: 'date' }), Type.Null()]) }, { minProperties: 1 }), { d: new Date(86400000) }],
  ['a $ref to a shared schema', { type: 'object', properties: { home: { $ref: 'address#' } } }, { home: { street: 's', city: 'c', no: 1 } }]
]

async function serve (app: FastifyInstance, schema: object, data: unknown): Promise<string> {
  app.addSchema({ ...address, $id: 'address' })
  app.get('/', { schema: { response: { 200: schema } } }, async () => structuredClone(data))
  const res = await app.inject('/')
  return `${res.statusCode} ${res.headers['content-type']} ${res.body}`
}

for (const [name, schema, data] of schemas) {
  test(`valid data is sent as plain Fastify sends it: ${name}`, async t => {
    const plain = Fastify()
    t.teardown(() => plain.close())
    const expected = await serve(plain, schema, data)
    t.match(expected, /^200 /)
    t.equal(await serve(await build(t), schema, data), expected)
  })
}

test('a getter that answers differently on each read is read once, and that value is checked and sent', async t => {
  const app = await build(t)
  let reads = 0
  app.get('/', { schema: { response: { 200: Type.Object({ role: Type.Union([Type.Literal('user'), Type.Literal('guest')]) }) } } }, async () => ({
    get role () { return ++reads === 1 ? 'user' : 'admin' }
  }))
  const res = await app.inject('/')
  t.equal(res.body, '{"role":"user"}')
  t.equal(reads, 1)
})

test('reply.serialize() and a route without the model\'s serializer go through the model too', async t => {
  const app = await build(t)
  const schema = Type.Object({ id: Type.Integer() })
  app.get('/serialize', { schema: { response: { 200: schema } } }, async (request, reply) => {
    t.equal(reply.serialize({ id: 1, secret: 's' }), '{"id":1}')
    t.throws(() => reply.serialize({ id: 'x' }), { code: 'FST_TEMP_RESPONSE_INVALID_RESPONSE' })
    return { id: 2 }
  })
  app.get('/custom', {
    schema: { response: { 200: schema } },
    serializerCompiler: () => data => `custom ${JSON.stringify(data)}`
  }, async () => ({ id: 3, secret: 's', toJSON: undefined }))
  app.get('/bad', { schema: { response: { 200: schema } }, serializerCompiler: () => data => JSON.stringify(data) }, async () => ({ id: 'x' }))
  t.equal((await app.inject('/serialize')).body, '{"id":2}')
  t.equal((await app.inject('/custom')).body, 'custom {"id":3}', 'the checked snapshot is what a custom serializer gets')
  t.equal((await app.inject('/bad')).statusCode, 500)
})

test('a schema compiled while a request runs (serializeInput, compileSerializationSchema) serializes as plain Fastify, and the model checks the string', async t => {
  const item = { type: 'object', properties: { a: { type: 'integer' }, home: { $ref: 'address#' } } }
  const routes = (app: FastifyInstance): void => {
    app.addSchema({ ...address, $id: 'address' })
    app.get('/input', { schema: { response: { 200: { type: 'string' } } } }, async (_request, reply) => reply.serializeInput({ a: 1, secret: 's', home: { city: 'c', street: 's', no: 1 } }, item))
    app.get('/compiled', { schema: { response: { 201: { type: 'object', properties: { a: { type: 'integer' } } } } } }, async (_request, reply) => {
      const write = reply.compileSerializationSchema(item, '201')
      return reply.code(201).type('application/json').send(write({ a: 2, secret: 's' }))
    })
    app.get('/same-id', { schema: { response: { 200: { type: 'string' } } } }, async (_request, reply) => reply.serializeInput({ street: 's', city: 'c', no: 1 }, { ...address, $id: 'address' }))
    app.get('/unchecked', { schema: { response: { 200: { type: 'object', properties: { a: { type: 'string' } } } } } }, async (_request, reply) => {
      return reply.type('application/json').send(reply.serializeInput({ a: 3 }, item))
    })
  }
  const plain = Fastify()
  t.teardown(() => plain.close())
  routes(plain)
  const app = await build(t)
  routes(app)
  for (const url of ['/input', '/compiled', '/same-id']) {
    const [expected, actual] = [await plain.inject(url), await app.inject(url)]
    t.match(expected.statusCode, /^20[01]$/, url)
    t.same([actual.statusCode, actual.body], [expected.statusCode, expected.body], url)
  }
  const unchecked = await app.inject('/unchecked')
  t.same([unchecked.statusCode, unchecked.json().code], [500, 'FST_TEMP_RESPONSE_INVALID_RESPONSE'], 'what it wrote is checked against the route\'s schema, like any string')
})

test('a keyword of a later draft is refused at ready(): the checker would apply it, the writer ignore it', async t => {
  const app = await build(t)
  // The checker would judge item 0 a string, the writer write it as an integer (`'' + x`).
  const schema = { type: 'object', properties: { isAdmin: { type: 'boolean' }, scores: { type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'integer' } } } }
  app.get('/', { schema: { response: { 200: schema } } }, async () => ({ isAdmin: false, scores: ['0],"isAdmin":true,"x":[0', 1] }))
  await t.rejects(async () => { await app.ready() }, { code: 'FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA', message: /prefixItems at \/\$defs\/schema\/properties\/scores is not a draft-07 keyword/ })
})

test('an instance-level serializer compiler is left alone, and gets the checked snapshot', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.setSerializerCompiler(() => data => `own ${JSON.stringify(data)}`)
  await app.register((await import('../../plugin/index.ts')).default)
  app.get('/', { schema: { response: { 200: Type.Object({ id: Type.Integer() }) } } }, async () => ({ id: 1, secret: 's' }))
  t.equal((await app.inject('/')).body, 'own {"id":1}')
})

test('a schema the plan cannot follow is refused at ready(), naming route, status and reason', async t => {
  const app = await build(t)
  app.get('/', { schema: { response: { 201: { type: ['object', 'array'] } } } }, async () => ({}))
  await t.rejects(async () => { await app.ready() }, { code: 'FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA', message: /GET \/.*201.*read it differently: a type list/ })
})
