import { test } from 'tap'
import type { Test } from 'tap'
import { Readable } from 'node:stream'
import type { FastifyReply } from 'fastify'
import Type from 'typebox'
import { build } from './helpers/app.ts'
import { dialects } from './helpers/dialects.ts'

// The contract's "no unchecked path": on a route with response schemas and validation on, a body
// reaches the client only through the model. Strings, pre-serialized JSON and Buffers are checked
// as what they are; a status without a schema, or one changed after serialization, is refused.

const mismatch = { statusCode: 500, code: 'FST_TEMP_RESPONSE_INVALID_RESPONSE' }
const secrets = ['secret-token-123', 'hunter2', '$2b$10$', '078-05-1120']

function assertRefused (t: Test, res: { statusCode: number, body: string, json: () => unknown }, what: string): void {
  t.has(res.json(), mismatch, what)
  for (const secret of secrets) t.notOk(res.body.includes(secret), `${what}: the body holds no ${secret}`)
}

for (const { name, T, response } of dialects) {
  const User = () => T.Object({ id: T.Integer(), name: T.String() })

  test(`${name}: a returned string on an object schema is the coded 500, not text/plain`, async t => {
    const app = await build(t)
    app.get('/', { schema: { response: { 200: response(app, User()) } } }, async () => 'secret-token-123')
    assertRefused(t, await app.inject('/'), 'GET')
    const head = await app.inject({ method: 'HEAD', url: '/' })
    t.equal(head.statusCode, 500, 'HEAD is checked before Fastify empties the body')
  })

  test(`${name}: pre-serialized JSON is parsed, checked and filtered by the route's serializer`, async t => {
    const app = await build(t)
    app.get('/:case', { schema: { response: { 200: response(app, User()) } } }, async (request, reply) => {
      const { case: which } = request.params as { case: string }
      reply.type('application/json')
      if (which === 'buffer') return Buffer.from(JSON.stringify({ id: 2, name: 'b', password: 'hunter2' }))
      if (which === 'bad') return JSON.stringify({ id: 'x', name: 'a', password: 'hunter2' })
      return JSON.stringify({ id: 1, name: 'a', password: 'hunter2' })
    })
    const good = await app.inject('/string')
    t.equal(good.statusCode, 200)
    t.equal(good.body, '{"id":1,"name":"a"}', 'the password never leaves')
    t.equal((await app.inject('/buffer')).body, '{"id":2,"name":"b"}')
    assertRefused(t, await app.inject('/bad'), 'a mismatch')
    const head = await app.inject({ method: 'HEAD', url: '/string' })
    t.equal(head.statusCode, 200)
    t.equal(head.headers['content-length'], String('{"id":1,"name":"a"}'.length), 'HEAD tells the length of the filtered body')
  })

  test(`${name}: a Buffer of a non-JSON type is the coded 500`, async t => {
    const app = await build(t)
    app.get('/', { schema: { response: { 200: response(app, User()) } } }, async () => Buffer.from('secret-token-123'))
    assertRefused(t, await app.inject('/'), 'octet-stream')
  })

  test(`${name}: a staged status without a schema (201, 410) is the coded 500`, async t => {
    const app = await build(t)
    app.get('/:status', { schema: { response: { 200: response(app, User()) } } }, async request => {
      request.response.statusCode = Number((request.params as { status: string }).status)
      request.response.headers.set('X-Staged', 'yes')
      return { id: 1, name: 'a', passwordHash: '$2b$10$abc', ssn: '078-05-1120' }
    })
    for (const status of ['201', '410']) {
      const res = await app.inject(`/${status}`)
      assertRefused(t, res, status)
      t.equal(res.headers['x-staged'], undefined, `${status}: the error response drops the staged header`)
    }
    t.equal((await app.inject('/200')).body, '{"id":1,"name":"a"}')
  })

  test(`${name}: reply.code(404) with an object on a route that declares only 200 is the coded 500`, async t => {
    const app = await build(t)
    app.get('/', { schema: { response: { 200: response(app, User()) } } }, async (_request, reply) => {
      return (reply as FastifyReply).code(404).send({ id: 1, name: 'a', ssn: '078-05-1120' })
    })
    assertRefused(t, await app.inject('/'), '404')
  })

  test(`${name}: a status staged in an application-level onSend hook is refused at the write`, async t => {
    const app = await build(t)
    app.addHook('onSend', async (request, _reply, payload) => {
      request.response.statusCode = 201
      return payload
    })
    app.get('/', { schema: { response: { 200: response(app, User()), 201: response(app, User()) } } }, async () => ({ id: 1, name: 'a', ssn: '078-05-1120' }))
    assertRefused(t, await app.inject('/'), 'staged after serialization')
  })
}

test('a string schema accepts a returned string, sent as plain Fastify sends it', async t => {
  const app = await build(t)
  app.get('/:text', { schema: { response: { 200: Type.String({ maxLength: 5 }) } } }, async request => (request.params as { text: string }).text)
  const res = await app.inject('/hello')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/plain; charset=utf-8')
  t.equal(res.body, 'hello')
  assertRefused(t, await app.inject('/secret-token-123'), 'too long')
})

test('text of another type is checked as the string it is', async t => {
  const app = await build(t)
  app.get('/:type', { schema: { response: { 200: Type.Object({ id: Type.Integer() }) } } }, async (request, reply) => {
    reply.type((request.params as { type: string }).type === 'html' ? 'text/html' : 'application/json')
    return '<p>secret-token-123</p>'
  })
  assertRefused(t, await app.inject('/html'), 'text/html on an object schema')
  assertRefused(t, await app.inject('/json'), 'a JSON type whose body is not JSON')
})

test('a Buffer that is not UTF-8 under a JSON type is the coded 500', async t => {
  const app = await build(t)
  app.get('/', { schema: { response: { 200: Type.String() } } }, async (_request, reply) => {
    reply.type('application/json')
    return Buffer.from([0x22, 0xff, 0x22])
  })
  assertRefused(t, await app.inject('/'), 'invalid UTF-8')
})

test('+json types, 2xx and default keys serialize with the schema Fastify would pick', async t => {
  const app = await build(t)
  const schema = {
    '2xx': Type.Object({ data: Type.Object({ id: Type.String() }) }),
    default: Type.Object({ message: Type.String() })
  }
  app.get('/:status', { schema: { response: schema } }, async (request, reply) => {
    const status = Number((request.params as { status: string }).status)
    reply.code(status).type('application/vnd.api+json')
    return status < 300
      ? JSON.stringify({ data: { id: '1', secret: 'hunter2' } })
      : JSON.stringify({ message: 'gone', ssn: '078-05-1120' })
  })
  const created = await app.inject('/201')
  t.equal(created.statusCode, 201)
  t.equal(created.body, '{"data":{"id":"1"}}')
  const gone = await app.inject('/410')
  t.equal(gone.statusCode, 410)
  t.equal(gone.body, '{"message":"gone"}')
})

test('content-keyed schemas: a string of a type no entry declares is the coded 500, */* serves any', async t => {
  const app = await build(t)
  app.get('/:status', {
    schema: {
      response: {
        200: { content: { 'application/json': { schema: Type.Object({ id: Type.Integer() }) } } },
        202: { content: { '*/*': { schema: Type.Object({ id: Type.Integer() }) } } }
      }
    }
  }, async (request, reply) => {
    const status = Number((request.params as { status: string }).status)
    ;(reply as FastifyReply).code(status).type('application/problem+json')
    return JSON.stringify({ id: 1, password: 'hunter2' })
  })
  assertRefused(t, await app.inject('/200'), 'no entry for application/problem+json')
  const any = await app.inject('/202')
  t.equal(any.statusCode, 202)
  t.equal(any.body, '{"id":1}')
})

test('a serializer compiler that gives no serializer for the status refuses pre-serialized JSON', async t => {
  const app = await build(t)
  app.get('/', {
    serializerCompiler: () => undefined as never,
    schema: { response: { 200: Type.Object({ id: Type.Integer() }) } }
  }, async (_request, reply) => reply.type('application/json').send('{"id":1,"password":"hunter2"}'))
  assertRefused(t, await app.inject('/'), 'no serializer')
})

test('statuses that carry no body are not refused for lacking a schema', async t => {
  const app = await build(t)
  app.get('/:case', { schema: { response: { 200: Type.Object({ id: Type.Integer() }) } } }, async (request, reply) => {
    const which = (request.params as { case: string }).case
    if (which.startsWith('staged-204')) request.response.statusCode = 204
    if (which.startsWith('staged-205')) request.response.statusCode = 205
    if (which.startsWith('code-304')) (reply as FastifyReply).code(304)
    if (which.startsWith('code-205')) (reply as FastifyReply).code(205)
    return which.endsWith('object') ? { id: 1 } : 'secret-token-123'
  })
  const staged = await app.inject('/staged-204')
  t.equal(staged.statusCode, 204)
  t.equal(staged.body, '')
  const staged205 = await app.inject('/staged-205')
  t.equal(staged205.statusCode, 205)
  t.equal(staged205.body, '')
  t.equal((await app.inject('/code-304')).statusCode, 304)
  assertRefused(t, await app.inject('/code-205'), 'a 205 set with reply.code() carries its body')
  t.equal((await app.inject('/staged-204-object')).statusCode, 204)
  t.equal((await app.inject('/staged-205-object')).statusCode, 205)
  t.equal((await app.inject('/code-304-object')).statusCode, 304)
})

test('an empty reply.send() has no body to check', async t => {
  const app = await build(t)
  app.get('/', { schema: { response: { 200: Type.Object({ id: Type.Integer() }) } } }, (_request, reply) => {
    ;(reply as FastifyReply).code(404).send()
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 404)
  t.equal(res.body, '')
})

test('a status changed with reply.code() after serialization is refused, even when both have schemas', async t => {
  const app = await build(t)
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.code(201)
    return payload
  })
  const User = Type.Object({ id: Type.Integer() })
  app.get('/', { schema: { response: { 200: User, 201: User } } }, async () => ({ id: 1 }))
  assertRefused(t, await app.inject('/'), 'reply.code(201) in onSend')
})

test('a body an onSend hook puts in place of the serialized one is checked again; the serialized one passes as it is', async t => {
  const app = await build(t)
  const User = Type.Object({ id: Type.Integer() })
  const replace = (body: unknown) => async (_request: unknown, reply: FastifyReply, payload: unknown) => reply.statusCode === 200 ? body : payload
  app.get('/invalid', { schema: { response: { 200: User } }, onSend: replace('{"id":"x","secret":"hunter2"}') }, async () => ({ id: 1 }))
  app.get('/extra', { schema: { response: { 200: User } }, onSend: replace(Buffer.from('{"secret":"hunter2","id":2}')) }, async () => ({ id: 1 }))
  app.get('/same', { schema: { response: { 200: User } }, onSend: async (_request, _reply, payload) => payload }, async () => ({ id: 3 }))
  let seen: unknown
  app.get('/copy', {
    schema: { response: { 200: User } },
    onSend: async (_request, _reply, payload) => { seen = payload; return `${payload as string} `.trim() }
  }, async () => ({ id: 4 }))
  assertRefused(t, await app.inject('/invalid'), 'an invalid replacement')
  const extra = await app.inject('/extra')
  t.same([extra.statusCode, extra.body], [200, '{"id":2}'], 'a valid one is filtered and written again')
  t.same([(await app.inject('/same')).body], ['{"id":3}'])
  const copy = await app.inject('/copy')
  t.same([copy.statusCode, copy.body, seen], [200, '{"id":4}', '{"id":4}'], 'an equal string is the body the model wrote')
})

test('a status staged in onSend for a returned string selects the schema it is checked against', async t => {
  const app = await build(t)
  app.addHook('onSend', async (request, _reply, payload) => {
    request.response.statusCode = 201
    return payload
  })
  app.get('/', { schema: { response: { 200: Type.Object({ id: Type.Integer() }), 201: Type.String() } } }, async () => 'created')
  const res = await app.inject('/')
  t.equal(res.statusCode, 201)
  t.equal(res.body, 'created')
})

test('error responses are not the model\'s: the error handler\'s body is sent, with or without request.response', async t => {
  const app = await build(t)
  app.setErrorHandler((error, request, reply) => {
    if (request.url === '/object') return reply.code(418).send({ message: (error as Error).message })
    return reply.code(418).type('text/plain').send(`failed: ${(error as Error).message}`)
  })
  const schema = { response: { 200: Type.Object({ id: Type.Integer() }) } }
  app.get('/text', { schema }, async () => { throw new Error('text') })
  app.get('/object', { schema }, async request => {
    request.response.headers.set('X-A', '1')
    throw new Error('object')
  })
  const text = await app.inject('/text')
  t.equal(text.statusCode, 418)
  t.equal(text.body, 'failed: text')
  const object = await app.inject('/object')
  t.equal(object.statusCode, 418)
  t.equal(object.body, '{"message":"object"}')
})

test('reply.callNotFound() from a route with a model answers with the 404 handler\'s body', async t => {
  const app = await build(t)
  app.get('/', { schema: { response: { 200: Type.Object({ id: Type.Integer() }) } } }, (_request, reply) => {
    reply.callNotFound()
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 404)
  t.equal(res.json().message, 'Route GET:/ not found')
})

test('the explicit ways around the model: a stream, a Web Response, reply.hijack(), validateResponse: false', async t => {
  const app = await build(t)
  const schema = { response: { 200: Type.Object({ id: Type.Integer() }) } }
  app.get('/stream', { schema }, async () => Readable.from(['streamed']))
  app.get('/web-stream', { schema }, async () => new ReadableStream({ start (c) { c.enqueue(new TextEncoder().encode('web')); c.close() } }))
  app.get('/response', { schema }, async () => new Response('response'))
  app.get('/hijack', { schema }, (_request, reply) => {
    reply.hijack()
    reply.raw.end('hijacked')
  })
  app.get('/off', { schema, config: { temporaryResponse: { validateResponse: false } } }, async () => 'unchecked')
  for (const [url, body] of [['/stream', 'streamed'], ['/web-stream', 'web'], ['/response', 'response'], ['/hijack', 'hijacked'], ['/off', 'unchecked']]) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 200, url)
    t.equal(res.body, body, url)
  }
})

test('over real HTTP: a returned secret string is the coded 500, pre-serialized JSON arrives filtered', async t => {
  const app = await build(t)
  app.get('/:case', { schema: { response: { 200: Type.Object({ id: Type.Integer() }) } } }, async (request, reply) => {
    if ((request.params as { case: string }).case === 'text') return 'secret-token-123'
    return reply.type('application/json').send(JSON.stringify({ id: 1, password: 'hunter2' }))
  })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const text = await fetch(`${address}/text`)
  t.equal(text.status, 500)
  const body = await text.text()
  t.notOk(body.includes('secret-token-123'))
  t.equal(JSON.parse(body).code, 'FST_TEMP_RESPONSE_INVALID_RESPONSE')
  const json = await fetch(`${address}/json`)
  t.equal(json.status, 200)
  t.equal(json.headers.get('content-type'), 'application/json; charset=utf-8')
  t.equal(await json.text(), '{"id":1}')
})

test('a returned Web Response keeps its own status, even one without a schema, and its headers are not the model\'s', async t => {
  const app = await build(t)
  const schema = { response: { 200: Type.Object({ id: Type.Integer() }, { headers: { 'x-n': Type.Integer() } }) } }
  app.get('/', { schema }, async request => {
    request.response.headers.set('X-N', 'abc')
    return new Response('gone', { status: 410 })
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 410)
  t.equal(res.body, 'gone')
  t.equal(res.headers['x-n'], 'abc', 'x-n is declared for 200 only')
})

test('a serializer of the application that throws on a re-checked body is the coded 500; its message, value included, goes to the log only', async t => {
  const app = await build(t)
  app.get('/', {
    schema: { response: { 200: Type.Object({ id: Type.String() }) } },
    serializerCompiler: () => (data) => { throw new Error(`The value "${(data as { id: string }).id}" cannot be written`) }
  }, async (_request, reply) => {
    reply.type('application/json')
    return JSON.stringify({ id: 'secret-token-123' })
  })
  const res = await app.inject('/')
  assertRefused(t, res, 'GET')
})
