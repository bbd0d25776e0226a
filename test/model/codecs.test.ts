import { test } from 'tap'
import Fastify from 'fastify'
import T from 'typebox'
import { Value as V1 } from 'typebox/value'
import { FormatRegistry, Type as S } from '@sinclair/typebox'
import { Value as V0 } from '@sinclair/typebox/value'
import plugin from '../../plugin/index.ts'
import { build } from '../helpers/app.ts'

// The same cases for each TypeBox line: routes whose response schemas carry codecs get the
// domain values from the handler and must send exactly what that line's Value.Encode gives.

type Schema = any
interface Dialect {
  name: string
  Type: any
  /** `Type.Codec(...)` in typebox 1.x, `Type.Transform(...)` in 0.34. */
  codec: (inner: Schema, decode: (value: any) => unknown, encode: (value: any) => unknown) => Schema
  /** That line's own Value.Encode: what the client must receive, for valid data. */
  encode: (schema: Schema, value: unknown) => unknown
}

// 0.34's Value.Encode asserts its result, and its registry knows no formats until told.
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', value => !Number.isNaN(Date.parse(value)))

const dialects: Dialect[] = [
  {
    name: 'typebox 1.x',
    Type: T,
    codec: (inner, decode, encode) => T.Codec(inner).Decode(decode).Encode(encode),
    encode: (schema, value) => V1.Encode(schema, value)
  },
  {
    name: '@sinclair/typebox 0.34',
    Type: S,
    codec: (inner, decode, encode) => S.Transform(inner).Decode(decode).Encode(encode),
    encode: (schema, value) => V0.Encode(schema, value)
  }
]

/** A domain value with no JSON form of its own: only its codec can send it. */
class Money {
  cents: bigint
  currency: string
  constructor (cents: bigint, currency: string) {
    this.cents = cents
    this.currency = currency
  }
}

function codecsOf (d: Dialect) {
  const { Type } = d
  const BigIntString = d.codec(Type.String({ pattern: '^-?\\d+$' }), (s: string) => BigInt(s), (n: bigint) => n.toString())
  const DateString = d.codec(Type.String({ format: 'date-time' }), (s: string) => new Date(s), (date: Date) => date.toISOString())
  const MoneyObject = d.codec(
    Type.Object({ amount: Type.String(), currency: Type.String({ minLength: 3, maxLength: 3 }) }),
    (o: { amount: string, currency: string }) => new Money(BigInt(o.amount.replace('.', '')), o.currency),
    (m: Money) => ({ amount: `${m.cents / 100n}.${String(m.cents % 100n).padStart(2, '0')}`, currency: m.currency })
  )
  return { BigIntString, DateString, MoneyObject }
}

const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

for (const d of dialects) {
  const { Type } = d
  const { BigIntString, DateString, MoneyObject } = codecsOf(d)

  test(`${d.name}: codecs at the top level, nested, in arrays and optional properties encode as Value.Encode does`, async t => {
    const app = await build(t)
    const Order = Type.Object({
      id: BigIntString,
      total: MoneyObject,
      lines: Type.Array(Type.Object({ sku: Type.String(), price: MoneyObject, shipped: Type.Optional(DateString) })),
      ids: Type.Array(BigIntString)
    })
    const order = () => ({
      id: 9007199254740993n,
      total: new Money(2998n, 'EUR'),
      lines: [{ sku: 'a', price: new Money(1999n, 'EUR'), shipped: new Date(0) }, { sku: 'b', price: new Money(999n, 'EUR') }],
      ids: [1n, 2n]
    })
    app.get('/order', { schema: { response: { 200: Order } } }, async () => order())
    app.get('/id', { schema: { response: { 200: BigIntString } } }, async () => 12345678901234567890n)
    const res = await app.inject('/order')
    t.equal(res.statusCode, 200)
    t.same(res.json(), wire(d.encode(Order, order())), 'what Value.Encode gives')
    t.same(res.json(), {
      id: '9007199254740993',
      total: { amount: '29.98', currency: 'EUR' },
      lines: [{ sku: 'a', price: { amount: '19.99', currency: 'EUR' }, shipped: '1970-01-01T00:00:00.000Z' }, { sku: 'b', price: { amount: '9.99', currency: 'EUR' } }],
      ids: ['1', '2']
    })
    const top = await app.inject('/id')
    t.equal(top.statusCode, 200)
    t.equal(top.body, '"12345678901234567890"', 'a codec that is the whole response')
  })

  test(`${d.name}: a codec inside a codec runs outer first, then the inner one on its result`, async t => {
    const app = await build(t)
    const calls: string[] = []
    const Inner = d.codec(Type.String(), (s: string) => BigInt(s), (n: bigint) => { calls.push('inner'); return n.toString() })
    const Outer = d.codec(Type.Object({ n: Inner }), (o: { n: bigint }) => o.n, (n: bigint) => { calls.push('outer'); return { n: n * 2n } })
    const Twice = d.codec(d.codec(Type.String(), (s: string) => s, (s: string) => { calls.push('first'); return `<${s}>` }), (s: string) => s, (s: string) => { calls.push('second'); return s.toUpperCase() })
    const Schema = Type.Object({ outer: Outer, twice: Twice })
    const value = { outer: 21n, twice: 'ab' }
    app.get('/', { schema: { response: { 200: Schema } } }, async () => value)
    const res = await app.inject('/')
    t.same(res.json(), { outer: { n: '42' }, twice: '<AB>' })
    t.same(calls, ['outer', 'inner', 'second', 'first'], 'a node\'s own codec before its children\'s')
    t.same(res.json(), wire(d.encode(Schema, value)), 'what Value.Encode gives')
  })

  test(`${d.name}: a codec in a union encodes the branch it matches`, async t => {
    const app = await build(t)
    const Schema = Type.Object({ n: Type.Union([BigIntString, Type.Null()]), m: Type.Union([Type.Null(), MoneyObject]) })
    app.get('/:which', { schema: { response: { 200: Schema } } }, async (request) =>
      (request.params as { which: string }).which === 'values' ? { n: 5n, m: new Money(100n, 'USD') } : { n: null, m: null })
    const values = await app.inject('/values')
    t.same(values.json(), { n: '5', m: { amount: '1.00', currency: 'USD' } })
    t.same(values.json(), wire(d.encode(Schema, { n: 5n, m: new Money(100n, 'USD') })))
    const nulls = await app.inject('/nulls')
    t.same(nulls.json(), { n: null, m: null })
  })

  test(`${d.name}: a codec in a schema added with addSchema() is encoded through a $ref`, async t => {
    const app = await build(t)
    app.addSchema(Type.Object({ price: MoneyObject, id: BigIntString }, { $id: 'item' }))
    app.get('/whole', { schema: { response: { 200: Type.Object({ item: Type.Ref('item') }) } } }, async () => ({ item: { price: new Money(5n, 'EUR'), id: 7n } }))
    app.get('/pointer', { schema: { response: { 200: Type.Object({ id: { $ref: 'item#/properties/id' } }) } } }, async () => ({ id: 8n }))
    app.get('/root', { schema: { response: { 200: { $ref: 'item#' } } } }, async () => ({ price: new Money(10n, 'EUR'), id: 9n }))
    await app.register(async (child) => {
      child.get('/child', { schema: { response: { 200: Type.Array(Type.Ref('item')) } } }, async () => [{ price: new Money(1n, 'EUR'), id: 1n }])
    })
    t.same((await app.inject('/whole')).json(), { item: { price: { amount: '0.05', currency: 'EUR' }, id: '7' } })
    t.same((await app.inject('/pointer')).json(), { id: '8' })
    t.same((await app.inject('/root')).json(), { price: { amount: '0.10', currency: 'EUR' }, id: '9' })
    t.same((await app.inject('/child')).json(), [{ price: { amount: '0.01', currency: 'EUR' }, id: '1' }], 'a child scope resolves its parent\'s schema with its codecs')
  })

  test(`${d.name}: a staged status selects the schema whose codecs encode`, async t => {
    const app = await build(t)
    app.post('/', {
      schema: { response: { 200: Type.Object({ id: Type.String() }), 201: Type.Object({ id: BigIntString }), 204: Type.Object({ id: BigIntString }) } }
    }, async (request) => {
      request.response.statusCode = (request.query as { s?: string }).s === '204' ? 204 : 201
      return { id: 40n }
    })
    const created = await app.inject({ method: 'POST', url: '/' })
    t.equal(created.statusCode, 201)
    t.same(created.json(), { id: '40' })
    const empty = await app.inject({ method: 'POST', url: '/?s=204' })
    t.equal(empty.statusCode, 204)
    t.equal(empty.body, '', 'a dropped body is not encoded either')
  })

  test(`${d.name}: per media type, the schema of the reply's Content-Type encodes`, async t => {
    const app = await build(t)
    app.get('/*', {
      schema: {
        response: {
          200: {
            content: {
              'application/json': { schema: Type.Object({ id: BigIntString }) },
              'application/vnd.plain+json': { schema: Type.Object({ id: Type.String() }) }
            }
          }
        }
      }
    }, async (request, reply) => {
      if (request.url === '/other') reply.type('application/problem+json')
      if ((request.query as { plain?: string }).plain !== undefined) reply.type('application/vnd.plain+json')
      return { id: (request.query as { plain?: string }).plain ?? 3n }
    })
    t.same((await app.inject('/')).json(), { id: '3' })
    t.same((await app.inject('/?plain=x')).json(), { id: 'x' }, 'a media type without codecs sends the data as is')
    const none = await app.inject({ method: 'GET', url: '/other' })
    t.equal(none.statusCode, 500, 'a media type no schema declares is refused, codecs or not')
    t.equal(none.json().code, 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
  })

  test(`${d.name}: encoding runs with validateResponse: false too`, async t => {
    const app = await build(t, { validateResponse: false })
    app.get('/', { schema: { response: { 200: Type.Object({ id: BigIntString, at: DateString }) } } }, async () => ({ id: 1n, at: new Date(86400000) }))
    const res = await app.inject('/')
    t.equal(res.statusCode, 200)
    t.same(res.json(), { id: '1', at: '1970-01-02T00:00:00.000Z' })
  })

  test(`${d.name}: an encoded value that does not match is the coded 500, never coerced`, async t => {
    const logs: Array<Record<string, any>> = []
    const app = await build(t, {}, { logger: { level: 'error', stream: { write: (line: string) => logs.push(JSON.parse(line)) } } })
    const Half = d.codec(Type.Integer(), (n: number) => n, (n: number) => n / 2)
    const Num = d.codec(Type.String(), (s: string) => s, (n: number) => n)
    app.get('/half', { schema: { response: { 200: Type.Object({ id: Half }) } } }, async () => ({ id: 3 }))
    app.get('/number', { schema: { response: { 200: Type.Object({ card: Num }) } } }, async () => ({ card: 4716 }))
    for (const url of ['/half', '/number']) {
      const res = await app.inject(url)
      t.equal(res.statusCode, 500, url)
      t.equal(res.json().code, 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
      t.notOk(/1\.5|4716/.test(res.body), 'no encoded value in the body')
    }
    t.same(logs.filter(log => log.err?.code === 'FST_TEMP_RESPONSE_INVALID_RESPONSE').map(log => log.err.details[0].path), ['/id', '/card'])
  })

  test(`${d.name}: an Encode that throws is the coded 500; its message goes to the log only`, async t => {
    const logs: Array<Record<string, any>> = []
    const app = await build(t, {}, { logger: { level: 'error', stream: { write: (line: string) => logs.push(JSON.parse(line)) } } })
    const Secret = d.codec(Type.String(), (s: string) => s, () => { throw new Error('token sk_live_123 is revoked') })
    app.get('/', { schema: { response: { 200: Type.Object({ list: Type.Array(Type.Object({ key: Secret })) }) } } }, async () => ({ list: [{ key: 'a' }] }))
    const res = await app.inject('/')
    t.equal(res.statusCode, 500)
    t.same(res.json(), { statusCode: 500, code: 'FST_TEMP_RESPONSE_INVALID_RESPONSE', error: 'Internal Server Error', message: 'Response does not match the schema of status 200' })
    t.notOk(res.body.includes('sk_live_123'))
    const entry = logs.find(log => log.err?.code === 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
    t.same(entry?.err.details, [{ path: '/list/0/key', message: 'an Encode callback threw: token sk_live_123 is revoked' }])
  })

  test(`${d.name}: the handler's object is not modified`, async t => {
    const app = await build(t)
    const shared = { id: 1n, total: new Money(1n, 'EUR'), tags: ['x'] }
    const value = Object.freeze({ a: Object.freeze({ ...shared }), list: Object.freeze([Object.freeze({ ...shared })]) })
    app.get('/', {
      schema: { response: { 200: Type.Object({ a: Type.Object({ id: BigIntString, total: MoneyObject, tags: Type.Array(Type.String()) }), list: Type.Array(Type.Object({ id: BigIntString, total: MoneyObject, tags: Type.Array(Type.String()) })) }) } }
    }, async () => value)
    const res = await app.inject('/')
    t.equal(res.statusCode, 200, 'frozen data encodes: nothing is written into it')
    t.same(res.json().a, { id: '1', total: { amount: '0.01', currency: 'EUR' }, tags: ['x'] })
    t.equal(value.a.id, 1n)
    t.ok(value.list[0].total instanceof Money)
  })
}

test('typebox 1.x Type.Encode (encode only) encodes', async t => {
  const app = await build(t)
  const Cents = T.Encode(T.Integer(), (m: unknown) => Number((m as Money).cents))
  app.get('/', { schema: { response: { 200: T.Object({ cents: Cents }) } } }, async () => ({ cents: new Money(250n, 'EUR') }))
  t.same((await app.inject('/')).json(), { cents: 250 })
})

test('a route without codecs answers byte for byte as Fastify alone does', async t => {
  const schema = { response: { 200: T.Object({ id: T.Integer(), at: T.String({ format: 'date-time' }), tags: T.Array(T.String()), n: T.Union([T.Number(), T.Null()]) }) } }
  const data = { id: 1, at: new Date(0), tags: ['a'], n: null, extra: true }
  const plain = Fastify()
  t.teardown(() => plain.close())
  plain.get('/', { schema }, async () => data)
  const app = await build(t)
  app.get('/', { schema }, async () => data)
  const [a, b] = await Promise.all([plain.inject('/'), app.inject('/')])
  t.equal(b.body, a.body)
  t.equal(b.headers['content-length'], a.headers['content-length'])
})

test('a schema added before the plugin was registered has lost its codecs, and registration warns', async t => {
  const logs: Array<{ level: number, msg: string }> = []
  const app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => logs.push(JSON.parse(line)) } } })
  t.teardown(() => app.close())
  const { BigIntString } = codecsOf(dialects[0])
  app.addSchema(T.Object({ id: BigIntString }, { $id: 'early' }))
  await app.register(plugin)
  app.get('/', { schema: { response: { 200: T.Ref('early') } } }, async () => ({ id: 1n }))
  const res = await app.inject('/')
  t.equal(res.statusCode, 500, 'Fastify kept a copy without the codec: the bigint does not match')
  t.equal(res.json().code, 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
  t.same(logs.filter(log => log.level === 40).map(log => log.msg), [
    "fastify-temporary-response: shared schemas added before the plugin was registered (early) are known only as Fastify's copies, which drop TypeBox codecs and refinements. Register the plugin before addSchema() if they hold any"
  ])
})
