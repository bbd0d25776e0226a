import { test } from 'tap'
import { buildWireApp, origin, transports } from './helpers/wire-app.ts'
import { fieldValues } from './helpers/wire-client.ts'
import type { WireResponse } from './helpers/wire-client.ts'

// The contract's "HTTP/2" section, over the wire: the same app served as h2c, as h2 over TLS,
// and as HTTP/1.1 to that TLS server, read by real node:http2 and node:https clients.

/** The single line of a field, or a failure listing every line when there is not exactly one. */
function one (res: WireResponse, name: string): string | string[] {
  const values = fieldValues(res, name)
  return values.length === 1 ? values[0] : values
}

const forbidden = [
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'http2-settings', 'content-length'
]

for (const transport of transports) {
  test(transport.name, async t => {
    const { app, address } = await buildWireApp(transport)
    const client = transport.client(address)
    t.teardown(async () => {
      client.close()
      await app.close()
    })
    const ports = new Set<number>()
    const get = async (path: string, headers?: Record<string, string>) => {
      const res = await client.request(path, headers)
      t.equal(res.protocol, transport.protocol, `${path} went over ${transport.protocol}`)
      ports.add(res.localPort)
      return res
    }

    t.test('hooks and the handler stage headers; the staged 201 selects its schema', async t => {
      const res = await get('/staged')
      t.equal(res.status, 201)
      t.equal(one(res, 'x-hook'), 'onRequest, preHandler')
      t.equal(one(res, 'x-cat-dog'), 'alone in the world')
      t.equal(one(res, 'x-declared'), 'declared')
      t.equal(one(res, 'content-type'), 'application/vnd.cat+json', 'one Content-Type, the staged one')
      t.equal(one(res, 'content-language'), 'en, de', 'appended values are one field line')
      t.same(JSON.parse(res.body.toString()), { id: 1 })
    })

    t.test('each staged cookie is its own set-cookie field, after the reply\'s own', async t => {
      const res = await get('/cookies')
      t.same(fieldValues(res, 'set-cookie'), [
        'own=1; Path=/',
        'a=1; Path=/; SameSite=Lax',
        'b=two%20words; Path=/; HttpOnly; SameSite=Lax',
        'old=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax',
        'raw=1'
      ])
      const raw = await get('/raw-cookie')
      t.same(fieldValues(raw, 'set-cookie'), ['r=1', 'a=1; Path=/; SameSite=Lax'], 'lines set on reply.raw are kept')
    })

    t.test('a staged 204, 205 or 304 sends no body and no Content-Type', async t => {
      for (const status of [204, 205, 304]) {
        const res = await get(`/no-body/${status}`)
        t.equal(res.status, status)
        t.equal(res.body.length, 0, `${status}: no body`)
        t.same(fieldValues(res, 'content-type'), [], `${status}: no Content-Type`)
        t.same(fieldValues(res, 'content-length'), status === 205 ? ['0'] : [], `${status}: Content-Length`)
        t.equal(one(res, 'x-cat-dog'), 'alone in the world')
      }
    })

    t.test('an error response carries nothing staged but what keepOnError keeps', async t => {
      const res = await get('/fail')
      t.equal(res.status, 418)
      t.equal(one(res, 'x-kept'), 'kept')
      t.same(fieldValues(res, 'x-cat-dog'), [])
      t.same(fieldValues(res, 'x-hook'), [])
      t.same(fieldValues(res, 'set-cookie'), [])
      t.equal(JSON.parse(res.body.toString()).message, 'teapot')
      const late = await get('/fail-late')
      t.equal(late.status, 418, 'an error after the merge: the merge is taken back')
      t.same(fieldValues(late, 'x-cat-dog'), [])
      t.same(fieldValues(late, 'set-cookie'), [])
    })

    t.test('CORS: staged and declared names are exposed to the Origin', async t => {
      const res = await get('/staged', { origin })
      t.equal(one(res, 'access-control-allow-origin'), origin)
      t.equal(one(res, 'access-control-allow-credentials'), 'true')
      t.equal(one(res, 'access-control-expose-headers'), 'x-hook, x-cat-dog, x-declared')
      const without = await get('/staged')
      t.same(fieldValues(without, 'access-control-expose-headers'), [], 'no Origin, no exposure')
    })

    t.test('stream and string bodies keep staged headers; obs-text arrives as sent', async t => {
      const stream = await get('/stream')
      t.equal(stream.body.toString(), 'chunk 1, chunk 2')
      t.equal(one(stream, 'x-obs-text'), 'caf\u00e9 \u00ff')
      t.equal(one(stream, 'x-hook'), 'onRequest, preHandler')
      const string = await get('/string')
      t.equal(string.body.toString(), 'plain text')
      t.equal(one(string, 'x-obs-text'), 'caf\u00e9 \u00ff')
    })

    t.test('a returned Web Response keeps its status; staged headers are added', async t => {
      const res = await get('/web')
      t.equal(res.status, 202)
      t.equal(one(res, 'x-web'), 'yes')
      t.equal(one(res, 'x-cat-dog'), 'alone in the world')
      t.same(fieldValues(res, 'set-cookie'), ['web=1'])
      t.equal(res.body.toString(), 'web')
    })

    t.test('framing, connection-specific and pseudo-header names are refused at the call', async t => {
      for (const name of [...forbidden, ...forbidden.map(name => name.toUpperCase())]) {
        const res = await get(`/stage?name=${name}`)
        t.equal(res.status, 200, `${name}: the response is not broken`)
        t.same(JSON.parse(res.body.toString()), { code: 'FST_TEMP_RESPONSE_FORBIDDEN_HEADER' }, `${name}: refused`)
        t.notOk(res.fields.some(([, value]) => value === 'x-staged'), `${name}: not sent`)
      }
      for (const name of [':status', ':path', ':authority']) {
        const res = await get(`/stage?name=${encodeURIComponent(name)}`)
        t.same(JSON.parse(res.body.toString()), { code: 'FST_TEMP_RESPONSE_INVALID_HEADER_NAME' }, `${name}: not a token`)
      }
    })

    if (transport.protocol !== 'http/1.1') {
      t.test('concurrent streams of one session each get their own staged values', async t => {
        const ids = Array.from({ length: 20 }, (_, i) => `id-${i}`)
        const responses = await Promise.all(ids.map(id => get(`/echo/${id}`)))
        responses.forEach((res, i) => {
          t.equal(res.status, 202)
          t.equal(one(res, 'x-id'), ids[i])
          t.same(fieldValues(res, 'set-cookie'), [`id=${ids[i]}; Path=/; SameSite=Lax`])
        })
      })
    }

    // Subtests run in order: everything above went over the connection this one checks.
    t.test('the same session answers every request, after errors, no-body statuses and streams', async t => {
      const res = await get('/echo/last')
      t.equal(res.status, 202)
      t.equal(ports.size, 1, `one connection for all requests (local ports: ${[...ports].join(', ')})`)
    })
  })
}
