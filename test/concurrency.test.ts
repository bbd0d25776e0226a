import { setImmediate as tick } from 'node:timers/promises'
import { Readable } from 'node:stream'
import Fastify from 'fastify'
import tap, { test } from 'tap'
import temporaryResponse from '../plugin/index.ts'
import { createHttpClient, groupRawHeaders } from './helpers/http-client.ts'
import type { RawResponse } from './helpers/http-client.ts'

// the file's own limit (tap's default is 30 s); it normally needs far less
tap.setTimeout(90_000)

// 20,000 requests over 64 keep-alive connections on 127.0.0.1. Every request stages values
// derived from its own id in onRequest, preHandler and the handler (headers and cookies, some a
// status), with awaits in between so that requests interleave. The route answers with a string,
// JSON, a Node stream, a Web Response or a Buffer, or fails on purpose in the handler or in
// preHandler. Every response is checked against its own id: all staged values present, none
// from another request, none on the error responses.

const totalRequests = 20_000
const connections = 64

type Scenario = 'string' | 'json' | 'stream' | 'web' | 'handler-throws' | 'hook-throws' | 'buffer-201' | 'string-204'
const scenarios: Scenario[] = ['string', 'json', 'stream', 'web', 'handler-throws', 'hook-throws', 'buffer-201', 'string-204']
const scenarioOf = (id: number) => scenarios[id % scenarios.length]

const stagedStatus: Partial<Record<Scenario, number>> = { 'buffer-201': 201, 'string-204': 204 }
const expectedStatus: Record<Scenario, number> = {
  string: 200, json: 200, stream: 200, web: 200, 'handler-throws': 500, 'hook-throws': 500, 'buffer-201': 201, 'string-204': 204
}

function expectedBody (scenario: Scenario, id: number): string | null {
  switch (scenario) {
    case 'string': return `string-${id}`
    case 'json': return JSON.stringify({ id })
    case 'stream': return `stream-${id}`
    case 'web': return `web-${id}`
    case 'buffer-201': return `buffer-${id}`
    case 'string-204': return ''
    default: return null // a JSON error body, checked by its message
  }
}

// the headers a response may carry besides the staged ones
const allowedNames = new Set(['content-type', 'content-length', 'transfer-encoding', 'date', 'connection', 'keep-alive', 'x-web'])
const stagedNames = ['x-request-id', 'x-pre', 'x-handler']

async function buildServer () {
  const app = Fastify()
  await app.register(temporaryResponse)
  const idOf = (params: unknown) => Number((params as { id: string }).id)

  app.addHook('onRequest', async (request) => {
    const id = idOf(request.params)
    request.response.headers.set('X-Request-Id', String(id))
    if (id % 3 === 0) await tick()
    request.response.setCookie('hook', `h${id}`)
  })

  app.get('/c/:id', {
    preHandler: async (request) => {
      const id = idOf(request.params)
      const scenario = scenarioOf(id)
      request.response.headers.append('X-Pre', `pre-${id}`)
      if (id % 5 === 0) await tick()
      const status = stagedStatus[scenario]
      if (status !== undefined) request.response.statusCode = status
      if (scenario === 'hook-throws') throw new Error(`boom-${id}`)
    }
  }, async (request) => {
    const id = idOf(request.params)
    const scenario = scenarioOf(id)
    request.response.headers.set('X-Handler', `handler-${id}`)
    if (id % 7 === 0) await tick()
    request.response.setCookie('handler', String(id), { httpOnly: true })
    switch (scenario) {
      case 'string': return `string-${id}`
      case 'json': return { id }
      case 'stream': return Readable.from(['stream-', String(id)])
      case 'web': return new Response(`web-${id}`, { headers: { 'X-Web': `web-${id}` } })
      case 'buffer-201': return Buffer.from(`buffer-${id}`)
      case 'string-204': return 'dropped by the staged 204'
      default:
        await tick()
        throw new Error(`boom-${id}`)
    }
  })
  return app
}

/** Every way a response can differ from what request `id` staged; empty when it is right. */
function verify (id: number, res: RawResponse): string[] {
  const scenario = scenarioOf(id)
  const problems: string[] = []
  const lines = groupRawHeaders(res.rawHeaders)
  const one = (name: string) => (lines.get(name)?.length === 1 ? (lines.get(name) as string[])[0] : lines.get(name))
  if (res.statusCode !== expectedStatus[scenario]) problems.push(`status ${res.statusCode}`)
  for (const name of lines.keys()) {
    if (!allowedNames.has(name) && !stagedNames.includes(name) && name !== 'set-cookie') problems.push(`unexpected header ${name}`)
  }
  const failed = expectedStatus[scenario] === 500
  const staged: Record<string, string> = { 'x-request-id': String(id), 'x-pre': `pre-${id}`, 'x-handler': `handler-${id}` }
  for (const name of stagedNames) {
    const want = failed ? undefined : staged[name]
    if (one(name) !== want) problems.push(`${name}: ${JSON.stringify(lines.get(name))}`)
  }
  const cookies = failed ? undefined : [`hook=h${id}; Path=/; SameSite=Lax`, `handler=${id}; Path=/; HttpOnly; SameSite=Lax`]
  if (JSON.stringify(lines.get('set-cookie')) !== JSON.stringify(cookies)) problems.push(`set-cookie: ${JSON.stringify(lines.get('set-cookie'))}`)
  if (scenario === 'web' && one('x-web') !== `web-${id}`) problems.push(`x-web: ${JSON.stringify(lines.get('x-web'))}`)
  const body = res.body.toString()
  const want = expectedBody(scenario, id)
  if (want !== null && body !== want) problems.push(`body ${JSON.stringify(body)}`)
  if (want === null && (JSON.parse(body) as { message?: string }).message !== `boom-${id}`) problems.push(`error body ${body}`)
  return problems
}

test(`${totalRequests} requests at ${connections} concurrent connections: each response carries its own staged values only`, async (t) => {
  t.setTimeout(60_000)
  const app = await buildServer()
  let sockets = 0
  app.server.on('connection', () => { sockets++ })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const client = createHttpClient(`http://127.0.0.1:${port}`, connections, 30_000)
  t.teardown(async () => {
    client.close()
    await app.close()
  })

  const failures: string[] = []
  const byStatus = new Map<number, number>()
  let completed = 0
  let wrong = 0
  let nextId = 0
  async function worker () {
    while (nextId < totalRequests) {
      const id = nextId++
      const res = await client.request(`/c/${id}`)
      completed++
      byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1)
      const problems = verify(id, res)
      if (problems.length === 0) continue
      wrong++
      if (failures.length < 20) failures.push(`#${id} (${scenarioOf(id)}): ${problems.join('; ')}`)
    }
  }

  const started = process.hrtime.bigint()
  await Promise.all(Array.from({ length: connections }, worker))
  const ms = Number(process.hrtime.bigint() - started) / 1e6

  t.comment(`${completed} requests over ${sockets} connections in ${ms.toFixed(0)} ms (${Math.round(completed / (ms / 1000))} req/s)`)
  t.comment(`statuses: ${[...byStatus].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(', ')}`)
  t.equal(completed, totalRequests, 'every request got a response')
  t.equal(sockets, connections, `${connections} concurrent connections`)
  t.equal(wrong, 0, 'no response missing its own values or carrying another request\'s')
  t.same(failures, [], 'the first wrong responses')
  t.equal(byStatus.get(500), totalRequests / scenarios.length * 2, 'a quarter failed on purpose')
})
