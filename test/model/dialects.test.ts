import { test } from 'tap'
import { build } from '../helpers/app.ts'
import { dialects } from '../helpers/dialects.ts'

// The response model's promise, case by case, in every way a Fastify user writes a response
// schema: typebox 1.x, @sinclair/typebox 0.34, plain JSON Schema, a $ref to a shared schema
// (whole, and through a JSON pointer) and a content-keyed schema.

const mismatch = { statusCode: 500, code: 'FST_TEMP_RESPONSE_INVALID_RESPONSE' }

for (const { name, T, response } of dialects) {
  const User = () => T.Object({ id: T.Integer(), name: T.String(), admin: T.Optional(T.Boolean()) })

  test(`${name}: valid data is filtered and serialized as plain Fastify does`, async t => {
    const app = await build(t)
    app.get('/', { schema: { response: { 200: response(app, User()) } } }, async () => ({ id: 1, name: 'a', admin: true, secret: 's' }))
    const res = await app.inject('/')
    t.equal(res.statusCode, 200)
    t.equal(res.body, '{"id":1,"name":"a","admin":true}')
  })

  const mismatches: Array<[string, unknown]> = [
    ['a string for an integer', { id: 'nope-value', name: 'a' }],
    ['a missing property', { id: 1 }],
    ['1.5 for an integer', { id: 1.5, name: 'a' }],
    ['"true" for a boolean', { id: 1, name: 'a', admin: 'true' }],
    ['a number for a string', { id: 1, name: 4716 }],
    ['null for an object', null]
  ]
  for (const [what, data] of mismatches) {
    test(`${name}: ${what} is a coded 500 that reveals none of the data`, async t => {
      const app = await build(t)
      app.get('/', { schema: { response: { 200: response(app, User()) } } }, async () => data)
      const res = await app.inject('/')
      t.has(res.json(), mismatch)
      for (const value of ['nope-value', '1.5', '4716', 'true']) t.notOk(res.body.includes(value), `the body holds no ${value}`)
    })
  }

  test(`${name}: nested objects and arrays are filtered and checked`, async t => {
    const app = await build(t)
    const schema = T.Object({ users: T.Array(User()), total: T.Integer() })
    app.get('/:n', { schema: { response: { 200: response(app, schema) } } }, async request => {
      const n = (request.params as { n: string }).n
      return { users: [{ id: 1, name: 'a', password: 'p' }, { id: n === 'bad' ? 'x' : 2, name: 'b' }], total: 2, internal: true }
    })
    const good = await app.inject('/good')
    t.equal(good.statusCode, 200)
    t.same(good.json(), { users: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }], total: 2 })
    t.has((await app.inject('/bad')).json(), mismatch)
  })

  test(`${name}: a Date is checked as the string Fastify writes for it`, async t => {
    const app = await build(t)
    const schema = T.Object({
      at: T.String({ format: 'date-time' }),
      day: T.String({ format: 'date' }),
      clock: T.String({ format: 'time' }),
      createdAt: T.String(),
      short: T.Optional(T.String({ maxLength: 10 }))
    })
    app.get('/:case', { schema: { response: { 200: response(app, schema) } } }, async request => {
      const date = new Date('2024-05-06T07:08:09.000Z')
      const value = { at: date, day: date, clock: date, createdAt: date }
      const c = (request.params as { case: string }).case
      return c === 'good' ? value : c === 'invalid' ? { ...value, at: new Date('nope') } : { ...value, short: date }
    })
    const good = await app.inject('/good')
    t.equal(good.statusCode, 200)
    t.same(good.json(), { at: '2024-05-06T07:08:09.000Z', day: '2024-05-06', clock: '07:08:09Z', createdAt: '2024-05-06T07:08:09.000Z' })
    t.has((await app.inject('/invalid')).json(), mismatch, 'an invalid Date')
    t.has((await app.inject('/long')).json(), mismatch, 'the ISO string is longer than maxLength')
  })

  test(`${name}: an object with toJSON() is checked as its result`, async t => {
    const app = await build(t)
    class Money {
      cents: number
      constructor (cents: number) { this.cents = cents }
      toJSON () { return { amount: this.cents / 100, currency: this.cents < 0 ? 0 : 'EUR' } }
    }
    const schema = T.Object({ price: T.Object({ amount: T.Number(), currency: T.String() }) })
    app.get('/:cents', { schema: { response: { 200: response(app, schema) } } }, async request => ({ price: new Money(Number((request.params as { cents: string }).cents)) }))
    const good = await app.inject('/150')
    t.equal(good.statusCode, 200)
    t.same(good.json(), { price: { amount: 1.5, currency: 'EUR' } })
    t.has((await app.inject('/-1')).json(), mismatch)
  })

  test(`${name}: a declared header is checked as the string it is on the wire, and exposed`, async t => {
    const app = await build(t, { cors: { origin: '*' } })
    const schema = T.Object({ ok: T.Boolean() }, { headers: { 'X-Count': T.Integer() } })
    app.get('/:count', { schema: { response: { 200: response(app, schema) } } }, async request => {
      request.response.headers.set('x-count', (request.params as { count: string }).count)
      return { ok: true }
    })
    const good = await app.inject({ url: '/3', headers: { origin: 'https://app.example' } })
    t.equal(good.statusCode, 200)
    t.equal(good.headers['x-count'], '3')
    t.equal(good.headers['access-control-expose-headers'], 'x-count')
    for (const bad of ['abc', '3.5', 'true']) {
      const res = await app.inject(`/${bad}`)
      t.has(res.json(), mismatch, bad)
      t.equal(res.headers['x-count'], undefined, `${bad} never reaches the client`)
    }
  })

  test(`${name}: a staged status selects its schema`, async t => {
    const app = await build(t)
    app.post('/', {
      schema: { response: { 200: response(app, T.Object({ id: T.String() })), 201: response(app, User()) } }
    }, async request => {
      request.response.statusCode = 201
      return { id: 5, name: 'a', secret: 's' }
    })
    const res = await app.inject({ method: 'POST', url: '/' })
    t.equal(res.statusCode, 201)
    t.equal(res.body, '{"id":5,"name":"a"}')
  })
}
