import { Readable } from 'node:stream'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import plugin from '../../plugin/index.ts'
import { createHttp2Client, createHttpsClient, tls } from './wire-client.ts'
import type { WireClient } from './wire-client.ts'

// One app, served three ways: HTTP/2 in cleartext, HTTP/2 over TLS, and HTTP/1.1 over TLS to
// that same server (`https: { allowHTTP1: true }`). Every route stages something, so the tests
// can compare what each client receives.

export const origin = 'https://app.example'

export interface Transport {
  name: string
  /** The ALPN protocol (h2, h2c) or HTTP version the client must see. */
  protocol: string
  server: () => FastifyInstance
  client: (address: string) => WireClient
}

const secureServer = () => Fastify({ http2: true, https: { allowHTTP1: true, ...tls } }) as unknown as FastifyInstance

export const transports: Transport[] = [
  { name: 'HTTP/2 cleartext (h2c)', protocol: 'h2c', server: () => Fastify({ http2: true }) as unknown as FastifyInstance, client: address => createHttp2Client(address) },
  { name: 'HTTP/2 over TLS', protocol: 'h2', server: secureServer, client: address => createHttp2Client(address, tls.cert) },
  { name: 'HTTP/1.1 over TLS, same server (allowHTTP1)', protocol: 'http/1.1', server: secureServer, client: address => createHttpsClient(address, tls.cert) }
]

const stagedSchema = {
  response: {
    200: Type.Object({ message: Type.String() }),
    201: Type.Object({ id: Type.Integer() }, { headers: { 'X-Declared': Type.String() } })
  }
}

function teapot (): Error {
  return Object.assign(new Error('teapot'), { statusCode: 418 })
}

/** The app on `transport`, listening on 127.0.0.1, with the plugin and @fastify/cors. */
export async function buildWireApp (transport: Transport): Promise<{ app: FastifyInstance, address: string }> {
  const app = transport.server()
  await app.register(plugin, { cors: { origin: [origin], credentials: true } })
  app.addHook('onRequest', async request => { request.response.headers.set('X-Hook', 'onRequest') })
  app.addHook('preHandler', async request => { request.response.headers.append('X-Hook', 'preHandler') })
  stagingRoutes(app)
  outcomeRoutes(app)
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, address }
}

/** Routes that stage headers, a status and cookies. */
function stagingRoutes (app: FastifyInstance): void {
  // The staged 201 selects its own schema: the 200 one would keep `message`, not `id`.
  app.get('/staged', { schema: stagedSchema }, async request => {
    request.response.headers.set('X-Cat-Dog', 'alone in the world')
    request.response.headers.set('X-Declared', 'declared')
    request.response.headers.set('Content-Type', 'application/vnd.cat+json')
    request.response.headers.append('Content-Language', 'en')
    request.response.headers.append('Content-Language', 'de')
    request.response.statusCode = 201
    return { id: 1, message: 'the 200 schema would keep this', password: 'never sent' }
  })
  app.get('/echo/:id', async request => {
    const { id } = request.params as { id: string }
    request.response.headers.set('X-Id', id)
    request.response.setCookie('id', id)
    request.response.statusCode = 202
    return { id }
  })
  app.get('/cookies', async (request, reply) => {
    reply.header('Set-Cookie', 'own=1; Path=/')
    request.response.setCookie('a', '1').setCookie('b', 'two words', { httpOnly: true }).clearCookie('old')
    request.response.headers.append('Set-Cookie', 'raw=1')
    return 'cookies'
  })
  app.get('/raw-cookie', async (request, reply) => {
    reply.raw.setHeader('set-cookie', ['r=1'])
    request.response.setCookie('a', '1')
    return 'cookies'
  })
  for (const status of [204, 205, 304]) {
    app.get(`/no-body/${status}`, async request => {
      request.response.headers.set('Content-Type', 'text/plain')
      request.response.headers.set('X-Cat-Dog', 'alone in the world')
      request.response.statusCode = status
      return Readable.from(['never sent'])
    })
  }
}

/** Errors, bodies of every kind, and refusals. */
function outcomeRoutes (app: FastifyInstance): void {
  app.get('/fail', { config: { temporaryResponse: { keepOnError: ['x-kept'] } } }, async request => {
    request.response.headers.set('X-Kept', 'kept')
    request.response.headers.set('X-Cat-Dog', 'dropped')
    request.response.setCookie('dropped', '1')
    request.response.statusCode = 201
    throw teapot()
  })
  app.get('/fail-late', { onSend: (_request, _reply, _payload, done) => done(teapot()) }, async request => {
    request.response.headers.set('X-Cat-Dog', 'dropped')
    request.response.setCookie('dropped', '1')
    request.response.statusCode = 201
    return 'never sent'
  })
  app.get('/stream', async request => {
    request.response.headers.set('X-Obs-Text', 'caf\u00e9 \u00ff')
    return Readable.from(['chunk 1, ', 'chunk 2'])
  })
  app.get('/string', async request => {
    request.response.headers.set('X-Obs-Text', 'caf\u00e9 \u00ff')
    return 'plain text'
  })
  app.get('/web', async request => {
    request.response.headers.set('X-Cat-Dog', 'alone in the world')
    request.response.statusCode = 201
    return new Response('web', { status: 202, headers: { 'x-web': 'yes', 'set-cookie': 'web=1' } })
  })
  // Refusals: the call throws, and the route reports the code.
  app.get('/stage', async request => {
    const { name } = request.query as { name: string }
    try {
      request.response.headers.set(name, 'x-staged')
      return { code: null }
    } catch (err) {
      return { code: (err as { code: string }).code }
    }
  })
}
