import { test } from 'tap'
import { FormatRegistry, Type } from '@sinclair/typebox'
import Type1 from 'typebox'
import { draft07 } from '../helpers/ajv.ts'
import { build } from '../helpers/app.ts'

const User = Type.Object({ id: Type.Integer(), name: Type.String() })

test('a mismatch becomes a 500 that reveals no data, with the failing path in the log', async t => {
  const logs: Array<Record<string, any>> = []
  const stream = { write: (line: string) => logs.push(JSON.parse(line)) }
  const app = await build(t, {}, { logger: { level: 'error', stream } })
  app.get('/', { schema: { response: { 200: User } } }, async () => ({ id: 'not-a-number', password: 'x' }))
  const res = await app.inject('/')
  t.equal(res.statusCode, 500)
  t.same(res.json(), {
    statusCode: 500,
    code: 'FST_TEMP_RESPONSE_INVALID_RESPONSE',
    error: 'Internal Server Error',
    message: 'Response does not match the schema of status 200'
  })
  t.notOk(res.body.includes('not-a-number'))
  t.notOk(res.body.includes('password'))
  const entry = logs.find(log => log.err?.code === 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
  t.ok(entry, 'the error is logged')
  t.same([...new Set(entry?.err.details.map((detail: { path: string }) => detail.path))].sort(), ['/id', '/name'])
  t.notOk(JSON.stringify(entry).includes('not-a-number'), 'the log names paths, not values')
})

test('with validateResponse: false the data goes to fast-json-stringify as is', async t => {
  const app = await build(t, { validateResponse: false })
  app.get('/', { schema: { response: { 200: Type.Object({ id: Type.Integer(), name: Type.Optional(Type.String()) }) } } }, async () => ({ id: '12', password: 'x' }))
  const res = await app.inject('/')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { id: 12 }, 'coerced and filtered, not validated')
})

test('with validateResponse: false, fast-json-stringify\'s own error echoes the value', async t => {
  const app = await build(t, { validateResponse: false })
  app.get('/', { schema: { response: { 200: User } } }, async () => ({ id: 'not-a-number', password: 'x' }))
  const res = await app.inject('/')
  t.equal(res.statusCode, 500)
  t.equal(res.json().message, 'The value "not-a-number" cannot be converted to an integer.')
  t.notOk(res.body.includes('password'))
})

test('validateResponse is overridable per route', async t => {
  const app = await build(t, { validateResponse: false })
  app.get('/strict', { schema: { response: { 200: User } }, config: { temporaryResponse: { validateResponse: true } } }, async () => ({ id: 'x', name: 'n' }))
  const res = await app.inject('/strict')
  t.equal(res.statusCode, 500)
})

test('undeclared properties never leave the server, nested and in arrays', async t => {
  const app = await build(t)
  const Item = Type.Object({ sku: Type.String(), price: Type.Number() })
  app.get('/', {
    schema: {
      response: {
        200: Type.Object({
          user: User,
          items: Type.Array(Item),
          meta: Type.Object({ total: Type.Integer() }, { additionalProperties: false })
        })
      }
    }
  }, async () => ({
    password: 'top-secret',
    user: { id: 1, name: 'ann', password: 'secret', internal: { token: 't' } },
    items: [{ sku: 'a', price: 1, cost: 0.5 }, { sku: 'b', price: 2, internal: true }],
    meta: { total: 2 }
  }))
  const res = await app.inject('/')
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    user: { id: 1, name: 'ann' },
    items: [{ sku: 'a', price: 1 }, { sku: 'b', price: 2 }],
    meta: { total: 2 }
  })
  t.notOk(res.body.includes('secret'))
})

test('additionalProperties: false makes extra properties a mismatch', async t => {
  const app = await build(t)
  app.get('/', { schema: { response: { 200: Type.Object({ id: Type.Integer() }, { additionalProperties: false }) } } }, async () => ({ id: 1, password: 'x' }))
  const res = await app.inject('/')
  t.equal(res.statusCode, 500)
  t.notOk(res.body.includes('password'))
})

test('no coercion: a number where a string is declared is a mismatch, and so is "false" for a boolean', async t => {
  const app = await build(t)
  app.get('/number', { schema: { response: { 200: Type.Object({ name: Type.String() }) } } }, async () => ({ name: 42 }))
  app.get('/boolean', { schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async () => ({ ok: 'false' }))
  t.equal((await app.inject('/number')).statusCode, 500)
  t.equal((await app.inject('/boolean')).statusCode, 500)
})

test('format, enum and bounds are checked', async t => {
  const app = await build(t)
  app.get('/:case', {
    schema: {
      response: {
        200: Type.Object({
          email: Type.String({ format: 'email' }),
          role: Type.Union([Type.Literal('admin'), Type.Literal('user')]),
          age: Type.Integer({ minimum: 0, maximum: 150 })
        })
      }
    }
  }, async request => {
    const good = { email: 'a@example.com', role: 'user', age: 30 }
    const overrides: Record<string, object> = { good: {}, email: { email: 'nope' }, role: { role: 'root' }, age: { age: 200 } }
    return { ...good, ...overrides[(request.params as { case: string }).case] }
  })
  t.equal((await app.inject('/good')).statusCode, 200)
  t.equal((await app.inject('/email')).statusCode, 500)
  t.equal((await app.inject('/role')).statusCode, 500)
  t.equal((await app.inject('/age')).statusCode, 500)
})

test('a format the application registered itself is kept', async t => {
  FormatRegistry.Set('even-length', value => value.length % 2 === 0)
  t.teardown(() => FormatRegistry.Delete('even-length'))
  const app = await build(t)
  app.get('/:value', { schema: { response: { 200: Type.Object({ v: Type.String({ format: 'even-length' }) }) } } }, async request => ({ v: (request.params as { value: string }).value }))
  t.equal((await app.inject('/ab')).statusCode, 200)
  t.equal((await app.inject('/abc')).statusCode, 500)
})

test('a Date passes for date-time, date and time strings, and is serialized by Fastify', async t => {
  const app = await build(t)
  app.get('/', {
    schema: {
      response: {
        200: Type.Object({
          at: Type.String({ format: 'date-time' }),
          day: Type.String({ format: 'date' }),
          clock: Type.String({ format: 'time' }),
          when: Type.Optional(Type.Array(Type.String({ format: 'date-time' })))
        })
      }
    }
  }, async () => {
    const date = new Date('2024-05-06T07:08:09.000Z')
    return { at: date, day: date, clock: date, when: [date] }
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { at: '2024-05-06T07:08:09.000Z', day: '2024-05-06', clock: '07:08:09Z', when: ['2024-05-06T07:08:09.000Z'] })
})

test('an invalid Date, or a Date where a plain string is declared, is a mismatch', async t => {
  const app = await build(t)
  app.get('/invalid', { schema: { response: { 200: Type.Object({ at: Type.String({ format: 'date-time' }) }) } } }, async () => ({ at: new Date('nope') }))
  app.get('/plain', { schema: { response: { 200: Type.Object({ n: Type.Number() }) } } }, async () => ({ n: new Date() }))
  t.equal((await app.inject('/invalid')).statusCode, 500)
  t.equal((await app.inject('/plain')).statusCode, 500)
})

test('an object with toJSON() is checked as its toJSON() result', async t => {
  class Money {
    cents: number
    constructor (cents: number) { this.cents = cents }
    toJSON () { return { amount: this.cents / 100, currency: 'EUR' } }
  }
  const app = await build(t)
  const Price = Type.Object({ price: Type.Object({ amount: Type.Number(), currency: Type.String() }) })
  app.get('/good', { schema: { response: { 200: Price } } }, async () => ({ price: new Money(150) }))
  app.get('/bad', { schema: { response: { 200: Type.Object({ price: Type.String() }) } } }, async () => ({ price: new Money(150) }))
  app.get('/throws', { schema: { response: { 200: Type.Object({ n: Type.Number() }) } } }, async () => ({ n: { toJSON () { throw new Error('no') } } }))
  const good = await app.inject('/good')
  t.equal(good.statusCode, 200)
  t.same(good.json(), { price: { amount: 1.5, currency: 'EUR' } })
  t.equal((await app.inject('/bad')).statusCode, 500)
  t.equal((await app.inject('/throws')).statusCode, 500)
})

test('a staged 201 picks the 201 schema for filtering and validation', async t => {
  const app = await build(t)
  app.post('/', {
    schema: {
      response: {
        200: Type.Object({ id: Type.String() }),
        201: Type.Object({ id: Type.Integer(), created: Type.Boolean() })
      }
    }
  }, async request => {
    request.response.statusCode = 201
    return { id: 5, created: true, password: 'x' }
  })
  const res = await app.inject({ method: 'POST', url: '/' })
  t.equal(res.statusCode, 201)
  t.same(res.json(), { id: 5, created: true })
})

test('a staged value of a declared header is checked as the string it will be on the wire', async t => {
  const app = await build(t)
  app.get('/:value', {
    schema: { response: { 200: Type.Object({ ok: Type.Boolean() }, { headers: { 'X-Count': Type.Integer(), 'x-free': { type: 'string' } } }) } }
  }, async request => {
    request.response.headers.set('x-count', (request.params as { value: string }).value)
    request.response.headers.set('x-free', 'anything')
    return { ok: true }
  })
  const good = await app.inject('/3')
  t.equal(good.statusCode, 200)
  t.equal(good.headers['x-count'], '3')
  const bad = await app.inject('/abc')
  t.equal(bad.statusCode, 500)
  t.equal(bad.json().code, 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
  t.equal(bad.headers['x-count'], undefined, 'the bad value never reaches the client')
  t.equal((await app.inject('/3.5')).statusCode, 500)
  t.equal((await app.inject('/true')).statusCode, 500)
})

test('a declared boolean or number header accepts exactly its spelling', async t => {
  const app = await build(t)
  app.get('/:flag/:ratio', {
    schema: { response: { 200: Type.Null({ headers: { 'x-flag': Type.Boolean(), 'x-ratio': Type.Number({ maximum: 1 }) } }) } }
  }, async request => {
    const { flag, ratio } = request.params as { flag: string, ratio: string }
    request.response.headers.set('x-flag', flag)
    request.response.headers.set('x-ratio', ratio)
    return null
  })
  t.equal((await app.inject('/true/0.5')).statusCode, 200)
  t.equal((await app.inject('/false/1e-1')).statusCode, 200)
  t.equal((await app.inject('/yes/0.5')).statusCode, 500)
  t.equal((await app.inject('/true/2')).statusCode, 500)
  t.equal((await app.inject('/true/0x1')).statusCode, 500)
})

test('declared headers are checked for string payloads too, and not when validation is off', async t => {
  const app = await build(t)
  const schema = { response: { 200: Type.String({ headers: { 'x-n': Type.Integer() } } as object) } }
  app.get('/on', { schema }, async request => {
    request.response.headers.set('x-n', 'abc')
    return 'text'
  })
  app.get('/off', { schema, config: { temporaryResponse: { validateResponse: false } } }, async request => {
    request.response.headers.set('x-n', 'abc')
    return 'text'
  })
  t.equal((await app.inject('/on')).statusCode, 500)
  const off = await app.inject('/off')
  t.equal(off.statusCode, 200)
  t.equal(off.headers['x-n'], 'abc')
})

test('plain JSON-Schema response schemas still filter, and are not validated', async t => {
  const app = await build(t)
  app.get('/', {
    schema: { response: { 200: { type: 'object', properties: { id: { type: 'integer' } } } } }
  }, async () => ({ id: 1, password: 'x' }))
  const res = await app.inject('/')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { id: 1 })
})

test('content-type keyed response schemas are left to Fastify', async t => {
  const app = await build(t)
  app.get('/', {
    schema: { response: { 200: { content: { 'application/json': { schema: User } } } } }
  }, async () => ({ id: 1, name: 'a', password: 'x' }))
  const res = await app.inject('/')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { id: 1, name: 'a' })
})

test('an error handler\'s body is checked against the schema of its status', async t => {
  const app = await build(t)
  app.setErrorHandler(async (_error, _request, reply) => reply.code(400).send({ wrong: true }))
  app.get('/', { schema: { response: { 400: Type.Object({ message: Type.String() }) } } }, async () => {
    throw new Error('boom')
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 500)
  t.equal(res.json().code, 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
})

test('a Type.Ref() to an addSchema() schema is resolved and validated, headers included', async t => {
  const app = await build(t)
  app.addSchema(Type.Object({ id: Type.Integer() }, { $id: 'Thing' }))
  app.get('/:id', {
    schema: { response: { 200: Type.Ref('Thing', { headers: { 'x-n': Type.Ref('Thing') } }) } }
  }, async request => ({ id: Number((request.params as { id: string }).id), extra: 1 }))
  const res = await app.inject('/1')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { id: 1 }, 'Fastify serializes and filters by it')
  t.equal((await app.inject('/1.5')).statusCode, 500)
})

test('ready() fails, naming the route, status and reason, for a schema the plugin cannot check', async t => {
  // Fastify refuses an unresolvable $ref in a body schema itself; a declared header's is the plugin's.
  const cases: Array<[string, object, RegExp]> = [
    ['an unresolvable $ref', Type.Object({}, { headers: { 'x-n': { $ref: 'nowhere#' } } }), /header x-n\) cannot be checked: \$ref "nowhere#" names no schema/],
    ['an unknown format', Type.Object({ v: Type.String({ format: 'no-such-format' }) }), /format "no-such-format" is known to no format registry/],
    // Not valid draft-07: refused, as fast-json-stringify refuses them, before the plugin's own reading.
    ['a non-JSON type', Type.Object({}, { headers: { 'x-at': Type.Date() } }), /header x-at\) cannot be checked: it is not a valid draft-07 schema \(data\/type must be equal to one of the allowed values; it is "Date"\)/],
    ['an invalid pattern', Type.Object({}, { headers: { 'x-p': Type.String({ pattern: '(' }) } }), /header x-p\) cannot be checked: it is not a valid draft-07 schema \(data\/pattern must match format "regex"; it is "\("\)/],
    // Valid draft-07 (plain Fastify starts with it), but not a pattern with the u flag the checker uses.
    ['a pattern only the u flag refuses', Type.Object({ v: Type.String({ pattern: '\\-' }) }), /the checker cannot compile it \(Invalid regular expression: \/\\-\/u/]
  ]
  for (const [name, schema, reason] of cases) {
    const app = await build(t)
    app.get('/things', { schema: { response: { 201: schema } } }, async () => ({}))
    const error = await app.ready().then(() => null, (err: Error & { code?: string }) => err)
    t.equal(error?.code, 'FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA', name)
    t.match(error?.message, /^The response schema of GET \/things \(status 201[ )]/, name)
    t.match(error?.message, reason, name)
  }
})

test('validateResponse: false builds no checker, so ready() accepts what the plugin cannot check', async t => {
  const app = await build(t, { validateResponse: false })
  app.get('/', { schema: { response: { 200: Type.Object({ v: Type.String({ format: 'no-such-format' }) }) } } }, async () => ({ v: 'x' }))
  const res = await app.inject('/')
  t.equal(res.statusCode, 200)
})

test('the log gets at most ten mismatches', async t => {
  const logs: Array<Record<string, any>> = []
  const app = await build(t, {}, { logger: { level: 'error', stream: { write: (line: string) => logs.push(JSON.parse(line)) } } })
  const wide = Type.Object(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, Type.Integer()])))
  app.get('/', { schema: { response: { 200: wide } } }, async () => ({}))
  t.equal((await app.inject('/')).statusCode, 500)
  t.equal(logs.find(log => log.err?.code === 'FST_TEMP_RESPONSE_INVALID_RESPONSE')?.err.details.length, 10)
})

test('an object whose toJSON() breaks the schema is a mismatch even if the object fits it', async t => {
  class Masked {
    id = 1
    toJSON () { return { id: 'secret-abc' } }
  }
  const app = await build(t)
  app.get('/', { schema: { response: { 200: Type.Object({ id: Type.Integer() }) } } }, async () => new Masked())
  const res = await app.inject('/')
  t.equal(res.statusCode, 500)
  t.equal(res.json().code, 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
  t.notOk(res.body.includes('secret'))
})

test('a body dropped for a staged 204 is not validated', async t => {
  const app = await build(t)
  app.get('/', { schema: { response: { '2xx': Type.Object({ ok: Type.Boolean() }) } } }, async request => {
    request.response.statusCode = 204
    return null
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
})

test('a declared header that an explicit one overrides is not checked: the staged value is never sent', async t => {
  const app = await build(t)
  app.get('/', { schema: { response: { 200: Type.Object({ ok: Type.Boolean() }, { headers: { 'x-n': Type.Integer() } }) } } }, async (request, reply) => {
    request.response.headers.set('X-N', 'abc')
    reply.header('X-N', '5')
    return { ok: true }
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-n'], '5')
})

test('toJSON() results are checked inside arrays too', async t => {
  class Money {
    cents: number
    constructor (cents: number) { this.cents = cents }
    toJSON () { return { amount: this.cents / 100 } }
  }
  const app = await build(t)
  const Prices = Type.Object({ prices: Type.Array(Type.Object({ amount: Type.Number({ maximum: 10 }) })) })
  app.get('/:n', { schema: { response: { 200: Prices } } }, async request => ({
    prices: [new Money(100), new Money(Number((request.params as { n: string }).n))]
  }))
  const good = await app.inject('/500')
  t.equal(good.statusCode, 200)
  t.same(good.json(), { prices: [{ amount: 1 }, { amount: 5 }] })
  t.equal((await app.inject('/5000')).statusCode, 500)
})

// The contract's "no unchecked path": a final status without a schema is the coded 500, so a
// staged status the schema does not cover no longer sends its body (or a declared header) unchecked.
test('a staged status the schema does not cover is the coded 500, without the staged headers', async t => {
  const app = await build(t)
  app.get('/', { schema: { response: { 200: Type.Object({ ok: Type.Boolean() }, { headers: { 'x-n': Type.Integer() } }) } } }, async request => {
    request.response.statusCode = 202
    request.response.headers.set('X-N', 'abc')
    return { ok: true }
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 500)
  t.equal(res.json().code, 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
  t.equal(res.headers['x-n'], undefined)
})

test('media types: the schema is chosen by the reply\'s Content-Type, as Fastify chooses its serializer', async t => {
  const app = await build(t)
  app.get('/:type', {
    schema: {
      response: {
        200: {
          content: {
            'application/json': { schema: Type.Object({ id: Type.Integer() }) },
            'application/vnd.api+json': { schema: Type.Object({ data: Type.Object({ id: Type.String() }) }) }
          }
        },
        '4xx': { content: { '*/*': { schema: Type.Object({ message: Type.String() }) } } }
      }
    }
  }, async (request, reply) => {
    const type = (request.params as { type: string }).type
    if (type === 'api') return reply.type('application/vnd.api+json').send({ data: { id: '1', extra: 1 } })
    if (type === 'api-bad') return reply.type('application/vnd.api+json').send({ id: 1 })
    if (type === 'other') return reply.type('application/x-other+json').send({ id: 1 })
    if (type === 'missing') return reply.code(404).type('application/problem+json').send({ message: 'no', detail: 'x' })
    return { id: 1, extra: 1 }
  })
  t.equal((await app.inject('/json')).body, '{"id":1}')
  t.equal((await app.inject('/api')).body, '{"data":{"id":"1"}}')
  t.equal((await app.inject('/api-bad')).json().code, 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
  const missing = await app.inject('/missing')
  t.equal(missing.statusCode, 404)
  t.equal(missing.body, '{"message":"no"}', '*/* serves any media type')
  // Fastify would send this unfiltered (JSON.stringify): no schema declares the media type.
  const other = await app.inject('/other')
  t.equal(other.statusCode, 500)
  t.equal(other.json().code, 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
})

test('$ref: shared schemas resolve as Fastify resolves them, added before or after the route, nested and recursive', async t => {
  const app = await build(t)
  app.addSchema({ $id: 'address', type: 'object', properties: { city: { type: 'string' } }, required: ['city'] })
  app.get('/:case', {
    schema: {
      response: {
        200: {
          type: 'object',
          properties: {
            user: { $ref: 'user#' },
            id: { $ref: 'user#/properties/id' },
            tree: { $ref: 'node' }
          }
        }
      }
    }
  }, async request => {
    const good = { user: { id: 1, address: { city: 'Rome', zip: 'x' } }, id: 2, tree: { v: 1, children: [{ v: 2, children: [] }] } }
    const c = (request.params as { case: string }).case
    if (c === 'user') return { ...good, user: { id: 1, address: {} } }
    if (c === 'tree') return { ...good, tree: { v: 1, children: [{ v: 'deep' }] } }
    if (c === 'pointer') return { ...good, id: 2.5 }
    return good
  })
  // Added after the route, in the same scope: Fastify builds serializers at ready(), and so do we.
  app.addSchema({ $id: 'user', type: 'object', properties: { id: { type: 'integer' }, address: { $ref: 'address#' } }, required: ['id', 'address'] })
  app.addSchema(Type.Recursive(This => Type.Object({ v: Type.Integer(), children: Type.Array(This) }), { $id: 'node' }))
  const good = await app.inject('/good')
  t.equal(good.statusCode, 200)
  t.same(good.json(), { user: { id: 1, address: { city: 'Rome' } }, id: 2, tree: { v: 1, children: [{ v: 2, children: [] }] } })
  t.equal((await app.inject('/user')).statusCode, 500)
  t.equal((await app.inject('/tree')).statusCode, 500)
  t.equal((await app.inject('/pointer')).statusCode, 500)
})

test('$ref: each encapsulated scope resolves its own shared schemas', async t => {
  const app = await build(t)
  for (const [prefix, type] of [['/a', 'integer'], ['/b', 'string']]) {
    await app.register(async scope => {
      scope.addSchema({ $id: 'thing', type: 'object', properties: { v: { type } }, required: ['v'] })
      scope.get('/:v', { schema: { response: { 200: { $ref: 'thing#' } } } }, async request => ({ v: Number((request.params as { v: string }).v) }))
    }, { prefix })
  }
  t.equal((await app.inject('/a/1')).statusCode, 200)
  t.equal((await app.inject('/b/1')).statusCode, 500, 'a number where scope b declares a string')
})

test('nullable: true, the OpenAPI keyword Fastify\'s serializer honours, accepts null', async t => {
  const app = await build(t)
  app.get('/:case', {
    schema: { response: { 200: { type: 'object', properties: { name: { type: 'string', nullable: true } }, required: ['name'] } } }
  }, async request => ({ name: (request.params as { case: string }).case === 'null' ? null : 7 }))
  const res = await app.inject('/null')
  t.equal(res.statusCode, 200)
  t.equal(res.body, '{"name":null}')
  t.equal((await app.inject('/number')).statusCode, 500)
})

test('a format registered in typebox 1.x\'s registry is used', async t => {
  const { default: Type1 } = await import('typebox')
  const Format = await import('typebox/format')
  Format.Set('odd-length', value => value.length % 2 === 1)
  t.teardown(() => Format.Reset())
  const app = await build(t)
  app.get('/:value', { schema: { response: { 200: Type1.Object({ v: Type1.String({ format: 'odd-length' }) }) } } }, async request => ({ v: (request.params as { value: string }).value }))
  t.equal((await app.inject('/abc')).statusCode, 200)
  t.equal((await app.inject('/ab')).statusCode, 500)
})

test('multipleOf is read as Ajv reads it, on the direct path and the steps alike', async t => {
  const ajv = draft07()
  const app = await build(t)
  const values = [19.99, 0.07, 0.3, 12.5, 1.00000000001, 799576780.75, 98999158.4, 3, 1e21, 9e20, -0.07, 0]
  const divisors = [0.01, 0.1, 1, 0.5]
  // A `not` beside it keeps the schema off the direct path: the plan's steps and typebox's check serve it.
  const direct = (divisor: number) => ({ type: 'object', properties: { n: { type: 'number', multipleOf: divisor } }, required: ['n'] })
  const steps = (divisor: number) => ({ type: 'object', properties: { n: { type: 'number', multipleOf: divisor, not: { const: -1 } } }, required: ['n'] })
  for (const divisor of divisors) {
    app.get(`/direct/${divisor}`, { schema: { response: { 200: direct(divisor) } } }, async request => ({ n: Number((request.query as { n: string }).n) }))
    app.get(`/steps/${divisor}`, { schema: { response: { 200: steps(divisor) } } }, async request => ({ n: Number((request.query as { n: string }).n) }))
  }
  for (const divisor of divisors) {
    const verdict = ajv.compile(direct(divisor))
    for (const n of values) {
      const expected = verdict({ n }) ? 200 : 500
      for (const path of ['direct', 'steps']) {
        t.equal((await app.inject(`/${path}/${divisor}?n=${n}`)).statusCode, expected, `${n} under multipleOf ${divisor}, ${path}: as Ajv says`)
      }
    }
  }
})

test('multipleOf: a quotient too large for a double is a multiple where the dividend is an integer and the divisor 1/n', async t => {
  // The test suite's optional float-overflow case (Ajv refuses it: Infinity is not parseInt(Infinity)).
  const app = await build(t)
  app.get('/half', { schema: { response: { 200: { type: 'integer', multipleOf: 0.5 } } } }, async () => 1e308)
  app.get('/third', { schema: { response: { 200: { type: 'integer', multipleOf: 0.3 } } } }, async () => 1e308)
  t.equal((await app.inject('/half')).statusCode, 200)
  t.equal((await app.inject('/third')).statusCode, 500, '1/0.3 is not an integer as a double')
})

test('a typebox Refine is checked, each route by its own refinement, on what is sent', async t => {
  const logs: Array<Record<string, any>> = []
  const stream = { write: (line: string) => logs.push(JSON.parse(line)) }
  const app = await build(t, {}, { logger: { level: 'error', stream } })
  const seen: unknown[] = []
  // Two schemas alike in JSON, but for the function of their refinement.
  app.get('/long', { schema: { response: { 200: Type1.Object({ s: Type1.Refine(Type1.String(), value => value.length > 3) }) } } }, async () => ({ s: 'long enough' }))
  app.get('/x', { schema: { response: { 200: Type1.Object({ s: Type1.Refine(Type1.String(), value => value === 'x', () => 'must be x') }) } } }, async () => ({ s: 'long enough' }))
  const Page = Type1.Refine(Type1.Object({ a: Type1.Integer(), b: Type1.Integer() }), value => { seen.push(value); return value.a < value.b })
  app.get('/page/:a', { schema: { response: { 200: Page } } }, async request => ({ a: Number((request.params as { a: string }).a), b: 5, secret: 'never sent' }))
  t.equal((await app.inject('/long')).statusCode, 200)
  t.equal((await app.inject('/x')).statusCode, 500, 'the second route runs its own refinement, not the first one\'s')
  t.same(logs.find(log => log.err?.code === 'FST_TEMP_RESPONSE_INVALID_RESPONSE')?.err.details, [{ path: '/s', message: 'must be x' }])
  t.same((await app.inject('/page/1')).json(), { a: 1, b: 5 })
  t.same(seen, [{ a: 1, b: 5 }], 'the refinement sees the value that is sent, filtered, once')
  seen.length = 0
  t.equal((await app.inject('/page/7')).statusCode, 500)
  t.ok(seen.length > 0 && seen.every(value => JSON.stringify(value) === '{"a":7,"b":5}'), 'a failing one too (again for the log\'s messages)')
})

test('a ~refine that is not a list of refinements is refused at ready()', async t => {
  const app = await build(t)
  app.get('/', { schema: { response: { 200: { type: 'string', '~refine': [{ check: true }] } } } }, async () => 'x')
  await t.rejects(async () => { await app.ready() }, { code: 'FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA', message: /~refine at \/\$defs\/schema is not a list of typebox refinements/ })
})

test('a typebox Refine beside multipleOf: both are checked', async t => {
  const app = await build(t)
  app.get('/:n', { schema: { response: { 200: Type1.Object({ n: Type1.Refine(Type1.Number({ multipleOf: 2 }), value => value < 10) }) } } }, async request => ({ n: Number((request.params as { n: string }).n) }))
  t.same(await Promise.all(['4', '12', '3'].map(async n => (await app.inject(`/${n}`)).statusCode)), [200, 500, 500])
})

test('a typebox Refine that throws is the coded 500, and its message stays in the log', async t => {
  const logs: Array<Record<string, any>> = []
  const stream = { write: (line: string) => logs.push(JSON.parse(line)) }
  const app = await build(t, {}, { logger: { level: 'error', stream } })
  app.get('/', { schema: { response: { 200: Type1.Object({ s: Type1.Refine(Type1.String(), () => { throw new Error('refinement broke') }) }) } } }, async () => ({ s: 'secret value' }))
  const res = await app.inject('/')
  t.equal(res.statusCode, 500)
  t.equal(res.json().code, 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
  t.notOk(res.body.includes('secret value') || res.body.includes('refinement broke'))
  t.same(logs.find(log => log.err?.code === 'FST_TEMP_RESPONSE_INVALID_RESPONSE')?.err.details, [{ path: '', message: 'the data cannot be checked: refinement broke' }])
})

test('uniqueItems is read as Ajv reads it: -0 is the 0 it is sent as, and no hash takes distinct items for equal', async t => {
  const ajv = draft07()
  const app = await build(t)
  const cases: Array<[object, unknown]> = [
    [{ type: 'array', items: { type: 'number' }, uniqueItems: true }, [0, -0]],
    [{ type: 'array', uniqueItems: true }, [{ a: 0 }, { a: -0 }]],
    [{ type: 'array', items: { type: 'array' }, uniqueItems: true }, [[1, { b: -0 }], [1, { b: 0 }]]],
    [{ type: 'array', items: { type: 'integer' }, not: { uniqueItems: true } }, [0, -0]],
    [{ type: 'array', items: { type: 'number' }, uniqueItems: true }, [0, 1]],
    // Items the checker's own hashes take for equal: valid data.
    [{ type: 'array', uniqueItems: true }, [['a', 'b'], ['a\nb']]],
    [{ type: 'array', uniqueItems: true }, [['', null], ['\u0006']]],
    [{ type: 'array', items: { type: 'string' }, uniqueItems: true }, ['\ud800', '\udc00', '\ufffd']],
    [{ type: 'array', uniqueItems: true }, [{ a: 1, b: [2] }, { b: [2], a: 1 }]]
  ]
  cases.forEach(([schema, value], i) => app.get(`/${i}`, { schema: { response: { 200: schema } } }, async () => value))
  const verdicts = []
  for (let i = 0; i < cases.length; i++) {
    const res = await app.inject(`/${i}`)
    verdicts.push(res.statusCode)
    if (res.statusCode === 200) t.ok(ajv.validate(cases[i][0], res.json()), `${res.body} passes Ajv`)
  }
  t.same(verdicts, [500, 500, 500, 200, 200, 200, 200, 200, 500])
})

test('a typebox Refine is handed a copy: what it changes is never sent', async t => {
  const app = await build(t)
  const Mutating = Type1.Refine(Type1.Object({ a: Type1.Number(), list: Type1.Array(Type1.Number()) }), value => {
    (value as Record<string, unknown>).a = 'evil';
    (value.list as unknown[]).push('x')
    return true
  })
  app.get('/', { schema: { response: { 200: Mutating } } }, async () => ({ a: 1, list: [2] }))
  const res = await app.inject('/')
  t.equal(res.statusCode, 200)
  t.equal(res.body, '{"a":1,"list":[2]}', 'the checked value, as JSON')
})

test('a typebox Refine beside a Ref, or inside a shared schema, is checked', async t => {
  const app = await build(t)
  const even = (value: number): boolean => value % 2 === 0
  app.addSchema(Type1.Number({ $id: 'Num' }))
  app.addSchema(Type1.Refine(Type1.Number({ $id: 'EvenNum' }), even))
  app.get('/ref/:n', { schema: { response: { 200: Type1.Object({ n: Type1.Refine(Type1.Ref('Num'), even) }) } } }, async request => ({ n: Number((request.params as { n: string }).n) }))
  app.get('/shared/:n', { schema: { response: { 200: Type1.Object({ n: Type1.Ref('EvenNum') }) } } }, async request => ({ n: Number((request.params as { n: string }).n) }))
  t.same(await Promise.all(['/ref/4', '/ref/3', '/shared/4', '/shared/3'].map(async url => (await app.inject(url)).statusCode)), [200, 500, 200, 500])
})

test('a declared header whose Refine throws is the coded 500, its message never sent', async t => {
  const app = await build(t)
  const schema = {
    type: 'object',
    properties: { a: { type: 'number' } },
    headers: { 'x-n': Type1.Refine(Type1.String(), value => { throw new Error(`bad header ${value}`) }) }
  }
  app.get('/', { schema: { response: { 200: schema } } }, async request => {
    request.response.headers.set('x-n', 'secret-token-123')
    return { a: 1 }
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 500)
  t.equal(res.json().code, 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
  t.notOk(res.body.includes('secret-token-123') || res.body.includes('bad header'))
  t.equal(res.headers['x-n'], undefined)
})

test('keys named like the bundle\'s own (~multipleOf, ~uniqueItems) are not keywords', async t => {
  const app = await build(t)
  app.get('/n', { schema: { response: { 200: { type: 'object', properties: { n: { type: 'number', '~multipleOf': 3 } } } } } }, async () => ({ n: 4 }))
  app.get('/l', { schema: { response: { 200: { type: 'object', properties: { l: { type: 'array', '~uniqueItems': true } } } } } }, async () => ({ l: [1, 1] }))
  t.equal((await app.inject('/n')).body, '{"n":4}')
  t.equal((await app.inject('/l')).body, '{"l":[1,1]}')
})

test('where no type is checked, a value is read as JSON writes it: a non-finite number is null, a bigint a coded 500', async t => {
  const app = await build(t)
  const value = (request: { query: unknown }): unknown => ({ big: 4n, inf: Infinity, nan: Number.NaN })[(request.query as { v: string }).v]
  app.get('/not-null', { schema: { response: { 200: { type: 'object', properties: { a: { minimum: 0, not: { type: 'null' } } } } } } }, async request => ({ a: value(request) }))
  app.get('/multiple', { schema: { response: { 200: { type: 'object', properties: { a: { multipleOf: 2 } } } } } }, async request => ({ a: value(request) }))
  app.get('/unique', { schema: { response: { 200: { type: 'array', uniqueItems: true, items: { minimum: 0 } } } } }, async () => [Infinity, null])
  t.equal((await app.inject('/not-null?v=inf')).statusCode, 500, 'null is what would be sent, and `not null` refuses it')
  t.equal((await app.inject('/multiple?v=nan')).body, '{"a":null}', 'as plain Fastify sends it')
  t.equal((await app.inject('/unique')).statusCode, 500, '[null,null] is not unique')
  const big = await app.inject('/multiple?v=big')
  t.equal(big.statusCode, 500)
  t.equal(big.json().code, 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
})

test('routes whose schemas differ only by their refinements never share a check', async t => {
  class Is {
    readonly wanted: number
    constructor (wanted: number) {
      this.wanted = wanted
    }

    check (value: unknown): boolean { return value === this.wanted }
    error (): string { return `must be ${this.wanted}` }
  }
  const refined = (refinement: Is): object => {
    const n = { type: 'number' }
    Object.defineProperty(n, '~refine', { value: [refinement] })
    return { type: 'object', properties: { n } }
  }
  const app = await build(t)
  app.get('/one', { schema: { response: { 200: refined(new Is(1)) } } }, async () => ({ n: 1 }))
  app.get('/two', { schema: { response: { 200: refined(new Is(2)) } } }, async () => ({ n: 1 }))
  t.same(await Promise.all(['/one', '/two'].map(async url => (await app.inject(url)).statusCode)), [200, 500])
})

test('a const or enum that JSON cannot hold is refused at ready(): no response can equal it', async t => {
  for (const [name, node] of [['const', { const: Infinity }], ['const', { const: new Date(0) }], ['enum', { enum: ['a', /a/] }], ['const', { const: { a: [Symbol('s')] } }]] as const) {
    const app = await build(t)
    app.get('/', { schema: { response: { 200: { type: 'object', properties: { d: node } } } } }, async () => ({ d: 'a' }))
    await t.rejects(async () => { await app.ready() }, { code: 'FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA', message: new RegExp(`${name} at /\\$defs/schema/properties/d holds a value JSON cannot`) })
  }
})

test('a union branch with a refinement, beside a codec, is tried on a value that cannot be copied', async t => {
  const app = await build(t)
  const DateCodec = Type1.Codec(Type1.String({ format: 'date-time' })).Decode(value => new Date(value)).Encode(value => value.toISOString())
  const Positive = Type1.Refine(Type1.Object({ a: Type1.Number() }), value => value.a > 0)
  app.get('/:a', { schema: { response: { 200: Type1.Union([Positive, DateCodec]) } } }, async request => ({ a: Number((request.params as { a: string }).a), helper () { return 1 } }))
  t.equal((await app.inject('/1')).body, '{"a":1}')
  t.equal((await app.inject('/-1')).statusCode, 500)
})

test('uniqueItems over many distinct objects', async t => {
  const app = await build(t)
  const items = Array.from({ length: 5000 }, (_, i) => ({ id: i, tags: [String(i % 7)] }))
  app.get('/:dup', { schema: { response: { 200: { type: 'array', uniqueItems: true, items: { type: 'object', properties: { id: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } } } } } } },
    async request => (request.params as { dup: string }).dup === 'yes' ? [...items, { tags: [String(4996 % 7)], id: 4996 }] : items)
  t.equal((await app.inject('/no')).statusCode, 200)
  t.equal((await app.inject('/yes')).statusCode, 500, 'the duplicate, keys in another order')
})
