import { test } from 'tap'
import { Readable } from 'node:stream'
import { Type } from '@sinclair/typebox'
import Fastify from 'fastify'
import plugin from '../../plugin/index.ts'
import { build, list } from '../helpers/app.ts'

// Merge rules 1 (status), 2 (headers), 5 (no body) and 6 (never broken),
// for every payload kind of rule 4. Errors (rule 3) are in on-error.test.ts.

const payloads: Record<string, () => unknown> = {
  object: () => ({ hello: 'world' }),
  null: () => null,
  string: () => 'text',
  buffer: () => Buffer.from('bytes'),
  'node stream': () => Readable.from(['chunk']),
  'web stream': () => new ReadableStream({
    start (controller) {
      controller.enqueue(new TextEncoder().encode('web'))
      controller.close()
    }
  }),
  'web response': () => new Response('web response', { headers: { 'content-type': 'text/plain' } })
}

for (const [kind, make] of Object.entries(payloads)) {
  test(`staged headers and cookies reach the client with a ${kind} payload`, async t => {
    const app = await build(t)
    app.addHook('onRequest', async request => {
      request.response.headers.set('X-From-Hook', 'hook')
    })
    app.get('/', async request => {
      request.response.headers.set('X-Cat-Dog', 'alone in the world')
      request.response.setCookie('fakesession', 'fake-cookie-session-value')
      return make()
    })
    const res = await app.inject('/')
    t.equal(res.statusCode, 200)
    t.equal(res.headers['x-from-hook'], 'hook')
    t.equal(res.headers['x-cat-dog'], 'alone in the world')
    t.same(res.headers['set-cookie'], ['fakesession=fake-cookie-session-value; Path=/; SameSite=Lax'])
  })

  test(`explicit reply headers win over staged ones with a ${kind} payload`, async t => {
    const app = await build(t)
    app.get('/', async (request, reply) => {
      request.response.headers.set('X-Both', 'staged')
      reply.header('X-Both', 'explicit')
      return make()
    })
    const res = await app.inject('/')
    t.equal(res.headers['x-both'], 'explicit')
  })

  test(`a staged status is the response status with a ${kind} payload, except for a Response`, async t => {
    const app = await build(t)
    app.get('/', async request => {
      request.response.statusCode = 202
      return make()
    })
    const res = await app.inject('/')
    t.equal(res.statusCode, kind === 'web response' ? 200 : 202)
  })

  test(`a staged 204 drops the ${kind} body and its framing headers`, async t => {
    const app = await build(t)
    app.get('/', async request => {
      request.response.statusCode = 204
      return make()
    })
    const res = await app.inject('/')
    if (kind === 'web response') {
      t.equal(res.statusCode, 200, 'a returned Response keeps its own status')
      return
    }
    t.equal(res.statusCode, 204)
    t.equal(res.body, '')
    t.equal(res.headers['content-type'], undefined)
    t.equal(res.headers['content-length'], undefined)
  })
}

test('a staged status selects the response schema of that status', async t => {
  const app = await build(t)
  app.get('/', {
    schema: {
      response: {
        200: Type.Object({ ok: Type.Boolean() }),
        201: Type.Object({ id: Type.Integer() })
      }
    }
  }, async request => {
    request.response.statusCode = 201
    return { id: 7, secret: 'never sent', ok: true }
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 201)
  t.same(res.json(), { id: 7 })
})

test('a staged status falls back to the 2xx and then the default schema, as Fastify does', async t => {
  const app = await build(t)
  app.get('/:status', {
    schema: {
      response: {
        '2xx': Type.Object({ range: Type.String() }),
        default: Type.Object({ fallback: Type.String() })
      }
    }
  }, async (request) => {
    request.response.statusCode = Number((request.params as { status: string }).status)
    return { range: '2xx', fallback: 'default', extra: true }
  })
  t.same((await app.inject('/203')).json(), { range: '2xx' })
  const res = await app.inject('/409')
  t.equal(res.statusCode, 409)
  t.same(res.json(), { fallback: 'default' })
})

test('reply.code() other than 200 wins over the staged status', async t => {
  const app = await build(t)
  app.get('/', async (request, reply) => {
    request.response.statusCode = 201
    reply.code(202)
    return { ok: true }
  })
  t.equal((await app.inject('/')).statusCode, 202)
})

test('the staged status wins over an explicit reply.code(200), which Fastify cannot tell from its default', async t => {
  const app = await build(t)
  app.get('/', async (request, reply) => {
    reply.code(200)
    request.response.statusCode = 201
    return 'created'
  })
  t.equal((await app.inject('/')).statusCode, 201)
})

test('a staged status set in a preSerialization hook still selects the schema', async t => {
  const app = await build(t)
  app.addHook('preSerialization', async (request, _reply, payload) => {
    request.response.statusCode = 201
    return payload
  })
  app.get('/', {
    schema: { response: { 200: Type.Object({ a: Type.String() }), 201: Type.Object({ b: Type.String() }) } }
  }, async () => ({ a: 'a', b: 'b' }))
  const res = await app.inject('/')
  t.equal(res.statusCode, 201)
  t.same(res.json(), { b: 'b' })
})

test('a staged 205 carries no body and at most Content-Length: 0; a 304 none', async t => {
  const app = await build(t)
  app.get('/:status', async request => {
    request.response.statusCode = Number((request.params as { status: string }).status)
    request.response.headers.set('Content-Type', 'text/html')
    return { body: 'dropped' }
  })
  const reset = await app.inject('/205')
  t.equal(reset.statusCode, 205)
  t.equal(reset.body, '')
  t.equal(reset.headers['content-type'], undefined)
  t.ok(reset.headers['content-length'] === undefined || reset.headers['content-length'] === '0')
  const notModified = await app.inject('/304')
  t.equal(notModified.statusCode, 304)
  t.equal(notModified.body, '')
  t.equal(notModified.headers['content-type'], undefined)
  t.equal(notModified.headers['content-length'], undefined)
})

test('a status set with reply.code(204) is left to Fastify', async t => {
  const app = await build(t)
  app.get('/', async (request, reply) => {
    request.response.headers.set('X-A', '1')
    reply.code(204)
    return ''
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 204)
  t.equal(res.headers['x-a'], '1')
})

test('Set-Cookie lines are all kept, the reply\'s own first', async t => {
  const app = await build(t)
  app.get('/', async (request, reply) => {
    request.response.setCookie('staged', '1')
    reply.header('Set-Cookie', 'own=1')
    reply.header('Set-Cookie', 'own=2')
    request.response.setCookie('staged', '2', { httpOnly: true })
    return 'ok'
  })
  const res = await app.inject('/')
  t.same(res.headers['set-cookie'], [
    'own=1',
    'own=2',
    'staged=1; Path=/; SameSite=Lax',
    'staged=2; Path=/; HttpOnly; SameSite=Lax'
  ])
})

test('a returned Response keeps its own Set-Cookie lines first and its headers win', async t => {
  const app = await build(t)
  app.get('/', async request => {
    request.response.setCookie('staged', '1')
    request.response.headers.set('X-Both', 'staged')
    request.response.headers.set('X-Only-Staged', 'staged')
    const headers = new Headers({ 'x-both': 'response' })
    headers.append('set-cookie', 'response=1')
    return new Response('body', { status: 201, headers })
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 201)
  t.equal(res.body, 'body')
  t.equal(res.headers['x-both'], 'response')
  t.equal(res.headers['x-only-staged'], 'staged')
  t.same(res.headers['set-cookie'], ['response=1', 'staged=1; Path=/; SameSite=Lax'])
})

test('Vary is merged as a token list, case-insensitively and without duplicates', async t => {
  const app = await build(t)
  app.get('/', async (request, reply) => {
    reply.header('Vary', 'Origin, Accept-Encoding')
    request.response.headers.set('Vary', 'accept-encoding, Accept-Language')
    return 'ok'
  })
  const res = await app.inject('/')
  t.same(list(res.headers.vary), ['Origin', 'Accept-Encoding', 'accept-language'])
})

test('Vary: * absorbs every other element', async t => {
  const app = await build(t)
  app.get('/', async (request, reply) => {
    reply.header('Vary', 'Origin')
    request.response.headers.set('Vary', '*')
    return 'ok'
  })
  t.equal((await app.inject('/')).headers.vary, '*')
})

test('a staged Vary merges into the Vary of a returned Response', async t => {
  const app = await build(t)
  app.get('/', async request => {
    request.response.headers.append('Vary', 'Accept-Language')
    return new Response('x', { headers: { vary: 'Origin' } })
  })
  t.same(list((await app.inject('/')).headers.vary), ['Origin', 'accept-language'])
})

test('a staged Content-Type replaces the default one Fastify picks', async t => {
  const app = await build(t)
  const bodies: Record<string, unknown> = { json: { a: 1 }, text: 'text', octet: Buffer.from('x') }
  app.get('/:kind', async request => {
    request.response.headers.set('Content-Type', 'application/vnd.api+json')
    return bodies[(request.params as { kind: string }).kind]
  })
  for (const kind of Object.keys(bodies)) {
    const res = await app.inject(`/${kind}`)
    t.equal(res.headers['content-type'], 'application/vnd.api+json', kind)
    t.equal(res.rawPayload.length, Number(res.headers['content-length']), `${kind} length`)
  }
})

test('an explicit Content-Type wins over a staged one, and only one is sent', async t => {
  const app = await build(t)
  app.get('/', async (request, reply) => {
    request.response.headers.set('Content-Type', 'text/html')
    reply.type('text/csv')
    return 'a,b'
  })
  const res = await app.inject('/')
  t.equal(res.headers['content-type'], 'text/csv')
  t.equal(res.raw.res.getHeader('content-type'), 'text/csv')
})

test('appended values are sent as one header line', async t => {
  const app = await build(t)
  app.get('/', async request => {
    request.response.headers.append('X-Multi', 'a')
    request.response.headers.append('X-Multi', 'b')
    return 'ok'
  })
  t.equal((await app.inject('/')).headers['x-multi'], 'a, b')
})

test('reply.redirect() carries the staged cookie: a login that redirects', async t => {
  const app = await build(t)
  app.post('/login', async (request, reply) => {
    request.response.setCookie('session', 'abc', { httpOnly: true })
    request.response.statusCode = 201
    return reply.redirect('/home', 303)
  })
  const res = await app.inject({ method: 'POST', url: '/login' })
  t.equal(res.statusCode, 303, 'the redirect status set by reply.redirect() wins')
  t.equal(res.headers.location, '/home')
  t.same(res.headers['set-cookie'], ['session=abc; Path=/; HttpOnly; SameSite=Lax'])
})

test('a reply sent early from onRequest carries what was staged before it', async t => {
  const app = await build(t)
  app.addHook('onRequest', async (request, reply) => {
    request.response.headers.set('X-Early', 'yes')
    request.response.statusCode = 202
    return reply.send({ early: true })
  })
  app.get('/', async () => ({ late: true }))
  const res = await app.inject('/')
  t.equal(res.statusCode, 202)
  t.equal(res.headers['x-early'], 'yes')
  t.same(res.json(), { early: true })
})

test('a reply sent early from onRequest without touching the holder is left alone', async t => {
  const app = await build(t)
  app.addHook('onRequest', async (_request, reply) => reply.code(401).send({ denied: true }))
  app.get('/', async () => ({ late: true }))
  const res = await app.inject('/')
  t.equal(res.statusCode, 401)
  t.same(res.json(), { denied: true })
})

test('an early reply from preHandler sends staged headers from earlier hooks', async t => {
  const app = await build(t)
  app.addHook('preValidation', async request => {
    request.response.headers.set('X-Pre-Validation', '1')
  })
  app.get('/', {
    preHandler: async (request, reply) => {
      request.response.setCookie('p', '1')
      return reply.send('from preHandler')
    }
  }, async () => 'never')
  const res = await app.inject('/')
  t.equal(res.body, 'from preHandler')
  t.equal(res.headers['x-pre-validation'], '1')
  t.same(res.headers['set-cookie'], ['p=1; Path=/; SameSite=Lax'])
})

for (const kind of ['object', 'string', 'node stream', 'web stream', 'web response']) {
  test(`a HEAD request to a GET route returning a ${kind} carries the staged headers and no body`, async t => {
    const app = await build(t)
    app.get('/', async request => {
      request.response.headers.set('X-Cat-Dog', 'alone in the world')
      request.response.setCookie('c', '1')
      return payloads[kind]()
    })
    const get = await app.inject('/')
    const head = await app.inject({ method: 'HEAD', url: '/' })
    t.equal(head.statusCode, 200)
    t.equal(head.body, '')
    t.equal(head.headers['x-cat-dog'], 'alone in the world')
    t.same(head.headers['set-cookie'], ['c=1; Path=/; SameSite=Lax'])
    t.equal(head.headers['content-type'], get.headers['content-type'])
  })
}

test('a HEAD request to a GET route returning a Response works without touching the holder', async t => {
  const app = await build(t)
  app.get('/', async () => new Response('hello', { status: 201, headers: { 'x-response': 'yes' } }))
  const res = await app.inject({ method: 'HEAD', url: '/' })
  t.equal(res.statusCode, 201)
  t.equal(res.headers['x-response'], 'yes')
  t.equal(res.body, '')
})

test('a HEAD route with a staged 204 has no Content-Length', async t => {
  const app = await build(t)
  app.get('/', async request => {
    request.response.statusCode = 204
    return 'gone'
  })
  const res = await app.inject({ method: 'HEAD', url: '/' })
  t.equal(res.statusCode, 204)
  t.equal(res.headers['content-length'], undefined)
})

test('a hijacked reply is left alone', async t => {
  const app = await build(t)
  app.get('/', async (request, reply) => {
    request.response.headers.set('X-Staged', 'never')
    reply.hijack()
    reply.raw.writeHead(200, { 'content-type': 'text/plain' })
    reply.raw.end('raw')
  })
  const res = await app.inject('/')
  t.equal(res.body, 'raw')
  t.equal(res.headers['x-staged'], undefined)
})

test('a route that never touches request.response is left to Fastify', async t => {
  const app = await build(t)
  app.get('/', async (_request, reply) => {
    reply.code(204)
    return { ignored: true }
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
})

test('reply.send() with no payload carries staged headers and status', async t => {
  const app = await build(t)
  app.get('/', (request, reply) => {
    request.response.headers.set('X-Empty', 'yes')
    request.response.statusCode = 202
    reply.send()
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 202)
  t.equal(res.headers['x-empty'], 'yes')
})

test('a consumed Response body is rejected by Fastify as before', async t => {
  const app = await build(t)
  app.get('/', async request => {
    request.response.headers.set('X-A', '1')
    const response = new Response('used')
    await response.text()
    return response
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 500)
  t.equal(res.json().code, 'FST_ERR_REP_RESPONSE_BODY_CONSUMED')
})

test('a route added before the plugin loaded (register() not awaited) merges; without response schemas, without a warning', async t => {
  const logs: Array<Record<string, any>> = []
  const app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => logs.push(JSON.parse(line)) } } })
  t.teardown(() => app.close())
  app.register(plugin, { keepOnError: ['x-kept'] })
  app.get('/early', { config: { temporaryResponse: { keepOnError: true } } }, async request => {
    request.response.headers.set('X-Early', 'yes')
    request.response.statusCode = (request.query as { fail?: string }).fail === undefined ? 201 : 200
    if ((request.query as { fail?: string }).fail !== undefined) throw new Error('boom')
    return { ok: true }
  })
  app.get('/untouched', async () => 'ok')
  const res = await app.inject('/early')
  t.equal(res.statusCode, 201)
  t.equal(res.headers['x-early'], 'yes')
  const failed = await app.inject('/early?fail')
  t.equal(failed.statusCode, 500)
  t.equal(failed.headers['x-early'], 'yes', 'the route\'s own keepOnError applies')
  t.equal((await app.inject('/untouched')).body, 'ok')
  t.same(logs.filter(log => log.level === 40), [], 'nothing differs from a route added after the plugin: no warning')
})

test('a body dropped for a staged 204 is drained, even if it fails', async t => {
  const app = await build(t)
  app.get('/node', async request => {
    request.response.statusCode = 204
    return new Readable({ read () { this.destroy(new Error('broken source')) } })
  })
  app.get('/web', async request => {
    request.response.statusCode = 204
    return new ReadableStream({ cancel () { throw new Error('cannot cancel') } })
  })
  for (const url of ['/node', '/web']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 204, url)
    t.equal(res.body, '', url)
  }
})

test('obs-text in a staged header survives a string body: it is sent as a Buffer', async t => {
  const app = await build(t)
  app.get('/', async request => {
    request.response.headers.set('X-Latin1', 'caf\u00e9')
    return 'text body'
  })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const { request } = await import('node:http')
  const raw = await new Promise<Buffer>((resolve, reject) => {
    request(address, res => {
      const index = res.rawHeaders.findIndex(name => name.toLowerCase() === 'x-latin1')
      resolve(Buffer.from(res.rawHeaders[index + 1], 'latin1'))
      res.resume()
    }).on('error', reject).end()
  })
  t.same([...raw], [0x63, 0x61, 0x66, 0xe9])
})

test('a Vary the reply holds as an array is merged like a list', async t => {
  const app = await build(t)
  app.get('/', async (request, reply) => {
    reply.header('Vary', ['Origin', 'Accept'])
    request.response.headers.set('Vary', 'accept, Accept-Language')
    return 'ok'
  })
  t.same(list((await app.inject('/')).headers.vary), ['Origin', 'Accept', 'accept-language'])
})

test('Set-Cookie lines set on reply.raw are kept, before the staged ones', async t => {
  const app = await build(t)
  app.get('/', async (request, reply) => {
    reply.raw.setHeader('Set-Cookie', ['raw=1', 'raw=2'])
    request.response.setCookie('staged', '1')
    return 'ok'
  })
  t.same((await app.inject('/')).headers['set-cookie'], ['raw=1', 'raw=2', 'staged=1; Path=/; SameSite=Lax'])
})

test('a Response\'s own Vary is merged with the reply\'s, not over it', async t => {
  const app = await build(t)
  app.get('/', async (request, reply) => {
    reply.header('Vary', 'Origin')
    request.response.headers.set('X-A', '1')
    return new Response('x', { headers: { vary: 'Accept' } })
  })
  t.same(list((await app.inject('/')).headers.vary), ['Origin', 'Accept'])
})
