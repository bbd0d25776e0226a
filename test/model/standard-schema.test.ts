import { test } from 'tap'
import Fastify from 'fastify'
import type { FastifyInstance, FastifySerializerCompiler } from 'fastify'
import * as v from 'valibot'
import { type } from 'arktype'
import { z } from 'zod'
import plugin from '../../plugin/index.ts'
import type { FastifyTemporaryResponseOptions } from '../../plugin/index.ts'
import { list } from '../helpers/app.ts'
import { findStandardSchema, isStandardSchema, issuesToMismatches, vendorOf } from '../../plugin/model/standard-schema.ts'
import type { StandardSchema } from '../../plugin/model/standard-schema.ts'
import { refuseStandardSchemas, serializeThroughModel, toInvalidResponse, wrapSerializerCompiler } from '../../plugin/model/zod.ts'
import type { StandardRoute } from '../../plugin/model/zod.ts'
import { hasSinclairSchema } from '../../plugin/model/formats.ts'
import { containsCodec, createCodecBuilder } from '../../plugin/model/codecs.ts'
import { bundleSchema } from '../../plugin/model/schema-bundle.ts'
import { declaredHeaderNames } from '../../plugin/model/response-model.ts'

// Standard Schema libraries besides zod (valibot, arktype), and the schema walks that must never
// enter a Standard Schema or follow a cycle.

/** A serializer compiler that checks any Standard Schema, as a provider for the library would. */
const standardSerializerCompiler = (({ schema }: { schema: StandardSchema }) => (data: unknown) => {
  if (!isStandardSchema(schema)) return JSON.stringify(data)
  const result = schema['~standard'].validate(data) as { value?: unknown, issues?: unknown }
  if (result.issues !== undefined) throw Object.assign(new Error('mismatch'), { issues: result.issues })
  return JSON.stringify(result.value)
}) as unknown as FastifySerializerCompiler<unknown>

const mismatch = { statusCode: 500, code: 'FST_TEMP_RESPONSE_INVALID_RESPONSE' }

async function build (t: { teardown: (fn: () => unknown) => void }, options: FastifyTemporaryResponseOptions = {}, compiler = true): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  if (compiler) app.setSerializerCompiler(standardSerializerCompiler)
  await app.register(plugin, options)
  return app
}

const libraries = [
  { vendor: 'valibot', headers: v.object({ 'x-count': v.pipe(v.number(), v.integer()) }) },
  { vendor: 'arktype', headers: null }
]

for (const lib of libraries) {
  const Body = lib.vendor === 'valibot' ? v.object({ id: v.number() }) : type({ id: 'number' })
  const Other = lib.vendor === 'valibot' ? v.object({ name: v.string() }) : type({ name: 'string' })

  test(`${lib.vendor}: with a checking serializer compiler, staging, the staged status and the error code work`, async t => {
    const app = await build(t, { cors: { origin: '*' } })
    app.get('/:what', { schema: { response: { 200: Body, 201: Other } } }, async request => {
      request.response.headers.set('x-trace', '1')
      const what = (request.params as { what: string }).what
      if (what === 'created') request.response.statusCode = 201
      return what === 'bad' ? { id: 'secret-value' } : what === 'created' ? { name: 'n' } : { id: 1 }
    })
    const good = await app.inject({ url: '/good', headers: { origin: 'https://a.example' } })
    t.equal(good.statusCode, 200)
    t.same(good.json(), { id: 1 })
    t.same(list(good.headers['access-control-expose-headers']), ['x-trace'])
    const created = await app.inject('/created')
    t.equal(created.statusCode, 201)
    t.same(created.json(), { name: 'n' })
    const bad = await app.inject('/bad')
    t.has(bad.json(), mismatch)
    t.notOk(bad.body.includes('secret-value'))
  })

  test(`${lib.vendor}: without a serializer compiler for it, ready() fails naming ${lib.vendor} and the way out`, async t => {
    const app = await build(t, {}, false)
    app.get('/', { schema: { response: { 200: { content: { 'application/json': { schema: Body } } } } } }, async () => ({ id: 1 }))
    await t.rejects(async () => { await app.ready() }, {
      code: 'FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA',
      message: new RegExp(`GET / \\(status 200 application/json\\).*a ${lib.vendor} schema.*validateResponse: false`)
    })
  })
}

test('valibot: an object schema of declared headers is checked as wire strings and exposed', async t => {
  const app = await build(t, { cors: { origin: '*' } })
  const response = { 200: { content: { 'application/json': { schema: v.object({ ok: v.boolean() }) } }, headers: libraries[0].headers } }
  app.get('/:count', { schema: { response } }, async request => {
    request.response.headers.set('x-count', (request.params as { count: string }).count)
    return { ok: true }
  })
  const good = await app.inject({ url: '/3', headers: { origin: 'https://a.example' } })
  t.equal(good.headers['x-count'], '3')
  t.same(list(good.headers['access-control-expose-headers']), ['x-count'])
  t.has((await app.inject('/3.5')).json(), mismatch)
})

test('arktype: declared headers whose properties cannot be read make ready() fail', async t => {
  const app = await build(t)
  app.get('/', { schema: { response: { 200: { content: { 'application/json': { schema: type({ ok: 'boolean' }) } }, headers: type({ 'x-a': 'string' }) } } } }, async () => ({ ok: true }))
  await t.rejects(async () => { await app.ready() }, { code: 'FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA', message: /200 headers.*arktype schema whose properties/ })
})

test('a map of zod header schemas beside a JSON Schema body: the body keeps Fastify\'s serializer', async t => {
  const app = await build(t, {}, false)
  const response = { 200: { type: 'object', properties: { ok: { type: 'boolean' } }, headers: { 'x-id': z.uuid(), 'x-n': { type: 'integer' } } } }
  app.get('/:id', { schema: { response } }, async request => {
    const id = (request.params as { id: string }).id
    request.response.headers.set('x-id', id)
    request.response.headers.set('x-n', '4')
    return id === 'bad-body' ? { ok: 'yes' } : { ok: true, extra: 1 }
  })
  const good = await app.inject('/6f1c5a5e-8f0b-4c2e-9d3a-1b2c3d4e5f60')
  t.equal(good.statusCode, 200)
  t.equal(good.body, '{"ok":true}')
  t.has((await app.inject('/not-a-uuid')).json(), mismatch)
})

test('a JSON Schema media type beside a Standard Schema one is checked by the plugin', async t => {
  const app = await build(t)
  const content = { 'application/json': { schema: v.object({ ok: v.boolean() }) }, 'application/b+json': { schema: true }, 'application/a+json': { schema: { type: 'string', headers: { 'x-b': { type: 'string' } } } } }
  app.get('/:type', { schema: { response: { 200: { content } } } }, async (request, reply) => {
    reply.type(`application/${(request.params as { type: string }).type}+json`)
    return { ok: true }
  })
  t.equal((await app.inject('/b')).body, '{"ok":true}')
  t.has((await app.inject('/a')).json(), mismatch)
})

test('findStandardSchema looks where Fastify reads schemas, and only there', async t => {
  t.equal(findStandardSchema({ 200: { content: { 'application/json': null } }, 201: { type: 'object', properties: { a: z.string() } } }), null)
  t.equal(findStandardSchema({ 200: { headers: { 'x-a': z.string() } } }) !== null, true)
  t.same(declaredHeaderNames({ 200: { content: { 'application/json': null } } }), [])
  t.same(declaredHeaderNames({ 200: z.object({}).meta({ headers: { 'X-A': {} } }), 201: type({}), 202: v.object({}) }), ['x-a'])
})

test('a declared header schema that validates asynchronously never passes', async t => {
  const app = await build(t)
  const headers = z.object({ 'x-a': z.string().refine(async () => true) })
  app.get('/', { schema: { response: { 200: { content: { 'application/json': { schema: v.object({ ok: v.boolean() }) } }, headers } } } }, async request => {
    request.response.headers.set('x-a', 'v')
    return { ok: true }
  })
  t.has((await app.inject('/')).json(), mismatch)
})

test('a Standard Schema inside a JSON Schema makes ready() fail', async t => {
  const app = await build(t)
  app.get('/', { schema: { response: { 200: { content: { 'application/json': { schema: v.object({}) } } }, 201: { type: 'object', properties: { a: z.string() } } } } }, async () => ({}))
  await t.rejects(async () => { await app.ready() }, { code: 'FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA', message: /status 201.*a zod schema \(Standard Schema\) sits inside a JSON Schema at \/\$defs\/schema\/properties\/a/ })
})

test('a JSON Schema that contains itself makes ready() fail, coded, instead of overflowing the stack', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  // Fastify's own serializer would recurse on it: a serializer compiler that does not walk schemas.
  app.setSerializerCompiler(() => data => JSON.stringify(data))
  await app.register(plugin)
  const node: Record<string, any> = { type: 'object', properties: {} }
  node.properties.self = node
  app.get('/', { schema: { response: { 200: node } } }, async () => ({}))
  await t.rejects(async () => { await app.ready() }, { code: 'FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA', message: /contains itself at \/properties\/self \(a cycle of objects/ })
})

test('a schema used twice, not in a cycle, still bundles', async t => {
  const shared = { type: 'string' }
  const root = bundleSchema({ type: 'array', items: [shared, shared] }, {}, name => name)
  t.same(root.$defs, { schema: { type: 'array', items: [{ type: 'string' }, { type: 'string' }] } })
})

test('schema walks neither enter a Standard Schema nor follow a cycle', async t => {
  const cyclic: Record<string, unknown> = { type: 'object' }
  cyclic.self = cyclic
  const Category: z.ZodType = z.object({ name: z.string(), get children () { return z.array(Category) } })
  t.equal(hasSinclairSchema({ a: cyclic, b: Category }), false)
  t.equal(hasSinclairSchema({ b: [Category] }), false)
  t.equal(containsCodec({ a: cyclic, b: Category }), false)
  t.ok(createCodecBuilder({ shared: () => undefined, compileCheck: null }, { 200: { content: { x: { schema: Category } } }, 201: cyclic }))
})

test('Standard Schema detection and the library\'s name', async t => {
  t.equal(isStandardSchema({ '~standard': null }), false)
  t.equal(isStandardSchema(() => {}), false)
  t.equal(isStandardSchema(type('string')), true)
  t.equal(vendorOf({ '~standard': { vendor: '', validate: () => ({}) } }), 'an unnamed library')
})

test('issues become mismatches: JSON pointers and messages made from the schema side only', async t => {
  const run = (schema: z.ZodType, value: unknown) => issuesToMismatches((schema.safeParse(value).error as z.ZodError).issues as never)
  t.same(run(z.object({ 'a/b': z.object({ '~c': z.number() }) }), { 'a/b': { '~c': 'secret' } }), [{ path: '/a~1b/~0c', message: 'Expected number' }])
  t.same(run(z.literal('on'), 'secret'), [{ path: '', message: 'Expected one of the values the schema allows' }])
  t.same(run(z.email(), 'secret'), [{ path: '', message: 'Expected the email format' }])
  t.same(run(z.number().max(3), 9), [{ path: '', message: 'Too big: the schema allows at most 3' }])
  t.same(run(z.number().lt(3), 9), [{ path: '', message: 'Too big: the schema allows at most 3 (exclusive)' }])
  t.same(run(z.string().min(2), 's'), [{ path: '', message: 'Too small: the schema needs at least 2' }])
  t.same(run(z.number().gt(2), 1), [{ path: '', message: 'Too small: the schema needs at least 2 (exclusive)' }])
  t.same(run(z.number().multipleOf(5), 7), [{ path: '', message: 'Expected a multiple of 5' }])
  t.same(run(z.strictObject({}), { secret: 1, other: 2 }), [{ path: '', message: '2 unrecognized key(s)' }])
  t.same(run(z.union([z.number(), z.boolean()]), 'secret'), [{ path: '', message: 'Matches no member of the union' }])
  t.same(run(z.record(z.string().length(1), z.number()), { secret: 1 }), [{ path: '/secret', message: 'A key does not match the schema' }])
  t.same(run(z.string().refine(() => false, { message: 'secret' }), 'x'), [{ path: '', message: 'Does not match the schema' }])
  t.same(issuesToMismatches([{ code: 'invalid_element', path: ['k'] }]), [{ path: '/k', message: 'An element does not match the schema' }])
  t.same(issuesToMismatches([{ code: 'unrecognized_keys' }, { path: [{ key: 'k' }, Symbol.for('s')] }, {}]), [
    { path: '', message: '0 unrecognized key(s)' },
    { path: '/k/Symbol(s)', message: 'Does not match the schema' },
    { path: '', message: 'Does not match the schema' }
  ])
  t.equal(issuesToMismatches(Array.from({ length: 12 }, () => ({}))).length, 10)
})

test('what a serializer throws becomes the coded error: issues as details, anything else as the cause', async t => {
  const issues = toInvalidResponse({ issues: [{ code: 'invalid_type', expected: 'string', path: ['a'] }] }, '2xx')
  t.match(issues, { code: 'FST_TEMP_RESPONSE_INVALID_RESPONSE', message: 'Response does not match the schema of status 2xx', details: [{ path: '/a', message: 'Expected string' }] })
  const thrown = toInvalidResponse('a string', '200') as Error & { details: unknown }
  t.same(thrown.details, [{ path: '', message: 'The serializer threw (string)' }])
  t.equal(thrown.cause, 'a string')
  t.throws(() => refuseStandardSchemas({ schema: {}, method: 'GET', url: '/', httpStatus: '200' })(1), { code: 'FST_TEMP_RESPONSE_INVALID_RESPONSE' })
})

test('serializeThroughModel serializes a value as the route\'s serializer would, or refuses it', async t => {
  const route: StandardRoute = { ownCompiler: true, serializers: new Map() }
  const compile = wrapSerializerCompiler(route, () => ({ httpStatus, contentType }) => data => {
    if (data === 'bad') throw new Error('mismatch')
    return `${String(httpStatus)} ${String(contentType)} ${JSON.stringify(data)}`
  })
  compile({ schema: {}, method: 'GET', url: '/', httpStatus: '200' })
  compile({ schema: {}, method: 'GET', url: '/', httpStatus: '2xx', contentType: 'application/vnd.a+json' })
  compile({ schema: {}, method: 'GET', url: '/', httpStatus: '2xx', contentType: '*/*' })
  compile({ schema: {}, method: 'GET', url: '/', httpStatus: 'default' })
  t.equal(serializeThroughModel(route, 200, 'text/plain', 1), '200 undefined 1')
  t.equal(serializeThroughModel(route, 201, 'application/vnd.a+json; charset=utf-8', 2), '2xx application/vnd.a+json 2')
  t.equal(serializeThroughModel(route, 202, 'text/plain', 3), '2xx */* 3')
  t.equal(serializeThroughModel(route, 404, 'application/json', 4), 'default undefined 4')
  t.throws(() => serializeThroughModel(route, 200, 'application/json', 'bad'), { code: 'FST_TEMP_RESPONSE_INVALID_RESPONSE' })
  const only200: StandardRoute = { ownCompiler: true, serializers: new Map([['200', new Map([['application/json', () => '']])]]) }
  t.throws(() => serializeThroughModel(only200, 500, 'application/json', 1), { code: 'FST_TEMP_RESPONSE_INVALID_RESPONSE', details: [{ path: '' }] })
  t.throws(() => serializeThroughModel(only200, 200, 'text/plain', 1), { code: 'FST_TEMP_RESPONSE_INVALID_RESPONSE' })
})
