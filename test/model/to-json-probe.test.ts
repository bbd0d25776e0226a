import { test } from 'tap'
import Fastify from 'fastify'
import { Type } from 'typebox'
import plugin from '../../plugin/index.ts'
import { bundleSchema } from '../../plugin/model/schema-bundle.ts'
import { needsNormalizing } from '../../plugin/model/serialized-value.ts'
import { compileToJSONProbe } from '../../plugin/model/to-json-probe.ts'

// The probe looks for toJSON() in checked data only where the schema lets an object be and
// where the serializer writes it. The HTTP behaviour of toJSON() values is in
// response-model.test.ts and dialects.test.ts.

const probeOf = (schema: unknown) => compileToJSONProbe(bundleSchema(schema, {}, name => name))
const withToJSON = () => ({ toJSON: () => 'x' })

test('checked data under a primitive type holds no object, so it has no probe', async t => {
  t.equal(probeOf(Type.String()), null)
  t.equal(probeOf({ type: ['integer', 'null'] }), null)
})

test('objects and arrays are followed into declared properties and items only', async t => {
  const probe = probeOf(Type.Array(Type.Object({
    id: Type.Integer(),
    tags: Type.Array(Type.String()),
    owner: Type.Object({ name: Type.String() }, { additionalProperties: false })
  })))
  t.ok(probe)
  const row = { id: 1, tags: ['a'], owner: { name: 'n' } }
  t.equal(probe!([row, row]), false)
  t.equal(probe!([row, { ...row, owner: withToJSON() }]), true, 'a declared object property')
  t.equal(probe!([row, Object.assign(withToJSON(), row)]), true, 'an item')
  t.equal(probe!([{ ...row, tags: Object.assign(['a'], { toJSON: () => [] }) }]), true, 'an array')
  t.equal(probe!(Object.assign([row], { toJSON: () => [] })), true, 'the root array')
  t.equal(probe!([{ ...row, note: withToJSON() }]), false, 'an undeclared property is not written, so not visited')
  t.equal(probe!([{ id: 1 }]), false, 'a missing optional property')
})

test('an array of primitives is checked for its own toJSON() alone', async t => {
  const probe = probeOf({ type: 'array', items: { type: 'string' } })
  t.equal(probe!(['a']), false)
  t.equal(probe!(Object.assign(['a'], { toJSON: () => [] })), true)
})

test('a local $ref is followed; a recursive one, or one with siblings, is walked whole', async t => {
  const local = probeOf({ type: 'object', properties: { a: { $ref: '#/$defs/a' } }, $defs: { a: { type: 'string' } } })
  t.not(local, needsNormalizing, 'the root is a $ref into the bundle, and so is a')
  t.equal(local!({ a: 'x', other: withToJSON() }), false)
  const user = { $id: 'user', type: 'object', properties: { name: { type: 'string' }, avatar: { type: 'object', properties: {} } } }
  const shared = compileToJSONProbe(bundleSchema({ type: 'array', items: { $ref: 'user#' } }, { user }, name => name))
  t.equal(shared!([{ name: 'n', avatar: {} }]), false, 'a shared schema')
  t.equal(shared!([{ name: 'n', avatar: withToJSON() }]), true)
  const tree = { $id: 'tree', type: 'object', properties: { children: { type: 'array', items: { $ref: 'tree#' } } } }
  const recursive = compileToJSONProbe(bundleSchema({ $ref: 'tree#' }, { tree }, name => name))
  t.equal(recursive!({ children: [{ children: [withToJSON()] }] }), true, 'a recursion is walked whole')
  t.equal(recursive!({ children: [{ children: [] }] }), false)
  const withSiblings = probeOf({ type: 'object', properties: { a: { $ref: '#/$defs/a', description: 'x' } }, $defs: { a: { type: 'object' } } })
  t.equal(withSiblings!({ a: { nested: withToJSON() } }), true, 'walked whole')
})

test('any other node is walked whole, undeclared properties included', async t => {
  const union = probeOf(Type.Union([Type.Object({ a: Type.String() }), Type.Null()]))
  t.equal(union!({ a: 'x', b: withToJSON() }), true)
  const open = probeOf({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: true })
  t.equal(open!({ a: 'x', b: withToJSON() }), true, 'additional properties are written')
  const anyItems = probeOf({ type: 'array', items: true })
  t.equal(anyItems!([withToJSON()]), true)
  const anything = probeOf({ type: 'object', properties: { a: true } })
  t.equal(anything!({ a: { b: withToJSON() } }), true, 'a boolean schema')
  const bare = probeOf({ type: 'object' })
  t.equal(bare!({ a: withToJSON() }), false, 'an object that declares no property writes none')
  t.equal(bare!(withToJSON()), true)
  const tuple = probeOf({ type: 'array', prefixItems: [{ type: 'object' }] })
  t.equal(tuple!([withToJSON()]), true)
  t.equal(tuple!([{ a: 1 }]), false)
})

test('an undeclared property is not run through its toJSON(): the serializer drops it unread', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin)
  app.get('/', { schema: { response: { 200: Type.Object({ id: Type.Integer() }) } } }, async () => ({
    id: 1,
    internal: { toJSON () { throw new Error('never called') } }
  }))
  const res = await app.inject('/')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { id: 1 })
})
