import { test } from 'tap'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import plugin from '../../plugin/index.ts'
import { invalidSchemaReason } from '../../plugin/model/schema-validity.ts'
import { bundleSchema } from '../../plugin/model/schema-bundle.ts'
import { assertValidSchemas } from '../../plugin/model/response-model.ts'

// A response schema plain Fastify refuses at ready() (fast-json-stringify's own checks) is refused
// by the plugin too, coded, before anything else walks it: never written by a reading of its own.

const uncheckable = 'FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA'

type Routes = (app: FastifyInstance) => void

/** How ready() ends: 'started', or the error's code and message. */
async function readyOf (routes: Routes, withPlugin: boolean): Promise<{ code: string, message: string }> {
  const app = Fastify()
  try {
    if (withPlugin) await app.register(plugin)
    routes(app)
    await app.ready()
    return { code: 'started', message: '' }
  } catch (error) {
    return { code: String((error as { code?: string }).code), message: (error as Error).message }
  } finally {
    await app.close()
  }
}

function nested (depth: number, wrap: (inner: object) => object, innermost: object = { type: 'integer' }): object {
  let schema: object = innermost
  for (let i = 0; i < depth; i++) schema = wrap(schema)
  return schema
}

const objectIn = (inner: object): object => ({ type: 'object', properties: { a: inner } })
const arrayOf = (inner: object): object => ({ type: 'array', items: inner })

const invalid: Array<[string, unknown, RegExp]> = [
  ['required as a string', { type: 'object', properties: { a: { type: 'string' } }, required: 'a' }, /not a valid draft-07 schema \(data\/required must be array; it is "a"\)/],
  ['a name required twice', { type: 'object', required: ['a', 'a'] }, /data\/required must NOT have duplicate items/],
  ['a negative minLength', { type: 'string', minLength: -1 }, /data\/minLength must be >= 0/],
  ['maxItems not a number', { type: 'array', maxItems: 'x' }, /data\/maxItems must be integer/],
  ['properties not an object', { type: 'object', properties: 'x' }, /data\/properties must be object/],
  ['additionalProperties a string', { type: 'object', additionalProperties: 'no' }, /data\/additionalProperties must be object,boolean/],
  ['an unknown type', { type: 'object', properties: { a: { type: 'stringy' } } }, /data\/properties\/a\/type must be equal to one of the allowed values/],
  ['a bigint bound', { type: 'string', minLength: 1n }, /data\/minLength must be integer; it is bigint\)/],
  ['a function for a bound', { type: 'string', minLength: () => 1 }, /data\/minLength must be integer; it is function\)/],
  ['a long value, shortened', { type: 'object', required: 'x'.repeat(100) }, /data\/required must be array; it is "x{56}\.\.\.\)/],
  ['schemas nested 101 deep', nested(101, arrayOf), /nests schemas deeper than 100/],
  ['a boolean schema at depth 101', nested(100, inner => ({ not: inner }), { properties: { x: true } }), /nests schemas deeper than 100/],
  ['objects nested 202 deep', nested(101, objectIn), /nests objects deeper than 200/],
  ['schemas nested 20,000 deep (no stack overflow)', nested(20_000, arrayOf), /nests objects deeper than 200/]
]

test('a schema plain Fastify refuses at ready() is refused, coded, where plain Fastify refuses it too', async t => {
  for (const [name, schema, reason] of invalid) {
    const routes: Routes = app => app.get('/', { schema: { response: { 200: schema } } }, async () => 1)
    const plain = await readyOf(routes, false)
    t.equal(plain.code, 'FST_ERR_SCH_SERIALIZATION_BUILD', `${name}: plain Fastify refuses it`)
    const mine = await readyOf(routes, true)
    t.equal(mine.code, uncheckable, `${name}: so does the plugin, coded`)
    t.match(mine.message, /The response schema of GET \/ \(status 200\) cannot be checked/, name)
    t.match(mine.message, reason, name)
  }
})

test('schemas at the limits plain Fastify allows still start and answer', async t => {
  for (const schema of [nested(100, arrayOf), nested(100, objectIn), { type: 'object', required: ['a'], properties: { a: { type: 'string', minLength: 0 } } }]) {
    const app = Fastify()
    t.teardown(() => app.close())
    await app.register(plugin)
    app.get('/', { schema: { response: { 200: schema } } }, async () => ({ a: 'x' }))
    await app.ready()
    t.not((await app.inject('/')).statusCode, 0)
  }
  t.equal(invalidSchemaReason(nested(100, arrayOf)), null)
  t.equal(invalidSchemaReason(true), null, 'a boolean schema is valid draft-07')
})

test('every place a response schema sits is checked: media types, declared headers, shared schemas', async t => {
  const bad = { type: 'string', minLength: -1 }
  const cases: Array<[string, Routes, RegExp]> = [
    ['a media type', app => app.get('/', { schema: { response: { 200: { content: { 'text/csv': { schema: { type: 'string' } }, 'application/json': { schema: bad } } } } } }, async () => 1), /\(status 200 application\/json\) cannot be checked: it is not a valid draft-07 schema \(data\/minLength/],
    ['a boolean status schema beside it', app => app.get('/', { schema: { response: { 200: true, 201: bad } } }, async () => 1), /\(status 201\)/],
    ['a shared schema, used or not', app => {
      app.addSchema({ $id: 'unused', type: 'object', required: 'a' })
      app.get('/', { schema: { response: { 200: { type: 'integer' } } } }, async () => 1)
    }, /\(status 200\) cannot be checked: the shared schema "unused" fails: it is not a valid draft-07 schema \(data\/required must be array; it is "a"\)/]
  ]
  for (const [name, routes, message] of cases) {
    t.equal((await readyOf(routes, false)).code, 'FST_ERR_SCH_SERIALIZATION_BUILD', `${name}: plain Fastify refuses it`)
    const mine = await readyOf(routes, true)
    t.equal(mine.code, uncheckable, name)
    t.match(mine.message, message, name)
  }
})

test('a route with an empty schema.response starts beside an invalid shared schema, as without the plugin', async t => {
  const routes: Routes = app => {
    app.addSchema({ $id: 'broken', type: 'object', required: 'a' })
    app.get('/', { schema: { response: {} } }, async () => ({ a: 1 }))
  }
  t.equal((await readyOf(routes, false)).code, 'started')
  t.equal((await readyOf(routes, true)).code, 'started')
})

test('a shared schema found valid is not checked again by the next route of its scope', async t => {
  let reads = 0
  const shared = { $id: 'item', properties: { id: { type: 'integer' } } }
  Object.defineProperty(shared, 'type', { enumerable: true, get: () => { reads++; return 'object' } })
  const context = { route: 'GET /', shared: { item: shared } }
  assertValidSchemas({ 200: { $ref: 'item#' } }, context)
  t.ok(reads > 0, 'read the first time')
  const first = reads
  assertValidSchemas({ 200: { $ref: 'item#' } }, { ...context, route: 'GET /other' })
  t.equal(reads, first, 'not read again')
})

test('a declared header\'s schema, which plain Fastify never reads, is refused too: the plugin checks values against it', async t => {
  const routes: Routes = app => app.get('/', { schema: { response: { 201: { type: 'object', headers: { 'X-Count': { type: 'string', minLength: -1 } } } } } }, async () => 1)
  t.equal((await readyOf(routes, false)).code, 'started')
  const mine = await readyOf(routes, true)
  t.equal(mine.code, uncheckable)
  t.match(mine.message, /\(status 201 header x-count\) cannot be checked: it is not a valid draft-07 schema \(data\/minLength must be >= 0; it is -1\)/)
})

test('with validation off, Fastify\'s own serializer refuses an invalid schema, as without the plugin', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin, { validateResponse: false })
  app.get('/', { schema: { response: { 200: { type: 'string', minLength: -1 } } } }, async () => 'x')
  await t.rejects(async () => { await app.ready() }, { code: 'FST_ERR_SCH_SERIALIZATION_BUILD' })
})

test('a schema whose getter throws is refused, coded, naming what was thrown but not its message', async t => {
  const schema = { type: 'object', properties: {} }
  Object.defineProperty(schema.properties, 'a', { enumerable: true, get: () => { throw new TypeError('boom with a secret') } })
  const mine = await readyOf(app => app.get('/', { schema: { response: { 200: schema } } }, async () => ({})), true)
  t.equal(mine.code, uncheckable)
  t.match(mine.message, /cannot be checked: reading it threw \(TypeError\)/)
  t.notMatch(mine.message, /secret/)
  const thrown = { type: 'object', properties: {} }
  // eslint-disable-next-line no-throw-literal
  Object.defineProperty(thrown.properties, 'a', { enumerable: true, get: () => { throw 'a string' } })
  t.match((await readyOf(app => app.get('/', { schema: { response: { 200: thrown } } }, async () => ({})), true)).message, /reading it threw \(string\)/)
})

test('a schema that contains itself is named, however it is reached; the bundle refuses it alone too', async t => {
  const node: Record<string, any> = { type: 'object', properties: {} }
  node.properties.self = node
  t.match(invalidSchemaReason(node), /contains itself at \/properties\/self \(a cycle of objects/)
  const list: Record<string, any> = { anyOf: [{ type: 'null' }] }
  list.anyOf.push({ type: 'array', items: list })
  t.match(invalidSchemaReason({ definitions: { 'a/b': list } }), /contains itself at \/definitions\/a~1b\/anyOf\/1\/items/)
  t.throws(() => bundleSchema(node, {}, name => name), { message: /contains itself at \/\$defs\/schema\/properties\/self/ })
})
