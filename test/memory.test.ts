import { Readable } from 'node:stream'
import { setTimeout as sleep, setImmediate as tick } from 'node:timers/promises'
import v8 from 'node:v8'
import vm from 'node:vm'
import { Type } from '@sinclair/typebox'
import Fastify from 'fastify'
import tap, { test } from 'tap'
import temporaryResponse from '../plugin/index.ts'
import type { TemporaryResponse } from '../plugin/index.ts'

// the file's own limit (tap's default is 30 s); it normally needs far less
tap.setTimeout(120_000)

// 200,000 requests through staged routes (app.inject), then the heap after a full GC compared
// with the heap after a 10,000-request warm-up. Every request stages headers and cookies in a
// hook and in the handler; the routes cover strings, JSON through a response model, streams,
// Web Responses, staged statuses, CORS exposure and errors. Holders of sampled requests are
// watched with WeakRefs: none may outlive its request.

// tap runs this file without --expose-gc; the flag can still be turned on in process, and a
// fresh context then hands out the isolate's gc().
v8.setFlagsFromString('--expose-gc')
const gc = ((globalThis as { gc?: () => void }).gc ?? vm.runInNewContext('gc')) as () => void

const warmUp = 10_000
const measured = 200_000
const batch = 64
const idleEvery = batch * 16
const idleMs = 20
const growthLimit = 10 * 1024 * 1024

async function collect (): Promise<number> {
  await sleep(100)
  for (let i = 0; i < 4; i++) {
    gc()
    // WeakRef targets are kept to the end of the current job; a macrotask lets them go
    await tick()
  }
  return process.memoryUsage().heapUsed
}

async function buildServer (sampled: Array<WeakRef<TemporaryResponse>>) {
  const app = Fastify()
  await app.register(temporaryResponse, { cors: { origin: true, credentials: true } })
  app.addHook('onRequest', async (request) => {
    const id = (request.query as { id?: string }).id ?? '0'
    request.response.headers.set('X-Request-Id', id)
    request.response.setCookie('hook', `h${id}`, { httpOnly: true })
    if (Number(id) % 1000 === 0) sampled.push(new WeakRef(request.response))
  })
  const stage = (request: { response: TemporaryResponse, query: unknown }) => {
    const id = (request.query as { id: string }).id
    request.response.headers.append('Vary', 'Accept-Language')
    request.response.headers.set('X-Handler', `handler-${id}`)
    request.response.setCookie('handler', id, { maxAge: 60 })
    return id
  }
  app.get('/string', async (request) => `string-${stage(request)}`)
  app.get('/stream', async (request) => Readable.from([`stream-${stage(request)}`]))
  app.get('/web', async (request) => new Response(`web-${stage(request)}`, { headers: { 'X-Web': 'yes' } }))
  app.get('/status', async (request) => {
    stage(request)
    request.response.statusCode = 204
    return 'dropped'
  })
  app.get('/error', async (request) => {
    stage(request)
    throw new Error('fails on purpose')
  })
  app.get('/model', {
    schema: {
      response: {
        201: Type.Object({ id: Type.Integer() }, { headers: { 'x-count': Type.Integer() } })
      }
    }
  }, async (request) => {
    const id = stage(request)
    request.response.statusCode = 201
    request.response.headers.set('X-Count', id)
    return { id: Number(id), secret: 'never sent' }
  })
  return app
}

const routes: Array<[string, number]> = [['/string', 200], ['/stream', 200], ['/web', 200], ['/status', 204], ['/error', 500], ['/model', 201]]

async function drive (app: Awaited<ReturnType<typeof buildServer>>, from: number, count: number): Promise<number> {
  let wrong = 0
  for (let start = from; start < from + count; start += batch) {
    const requests = []
    for (let id = start; id < Math.min(start + batch, from + count); id++) {
      const [url, status] = routes[id % routes.length]
      const headers = id % 2 === 0 ? { origin: 'https://app.example' } : {}
      requests.push(app.inject({ method: 'GET', url, query: { id: String(id) }, headers }).then((res) => {
        const staged = status === 500 ? undefined : String(id)
        if (res.statusCode !== status || res.headers['x-request-id'] !== staged) wrong++
      }))
    }
    await Promise.all(requests)
    // Fastify's inject keeps a request whose reply is a Node stream or a Web Response
    // reachable until the event loop has been idle for some milliseconds (with or without
    // this plugin; real HTTP does not). Let it idle now and then, as traffic would.
    if ((start - from) % idleEvery === 0) await sleep(idleMs)
  }
  return wrong
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`

test(`heap after ${measured} staged requests stays within ${mb(growthLimit)} of the warmed-up heap`, async (t) => {
  t.setTimeout(110_000)
  const sampled: Array<WeakRef<TemporaryResponse>> = []
  const app = await buildServer(sampled)
  t.teardown(() => app.close())

  t.equal(await drive(app, 0, warmUp), 0, `${warmUp} warm-up requests answered as staged`)
  sampled.length = 0
  const before = await collect()

  const started = process.hrtime.bigint()
  const wrong = await drive(app, warmUp, measured)
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  const after = await collect()
  const alive = sampled.filter((ref) => ref.deref() !== undefined).length

  t.comment(`${measured} requests in ${ms.toFixed(0)} ms (${Math.round(measured / (ms / 1000))} req/s)`)
  t.comment(`heapUsed after GC: before ${mb(before)}, after ${mb(after)}, growth ${mb(after - before)}; rss ${mb(process.memoryUsage().rss)}`)
  t.comment(`sampled holders: ${sampled.length}, still reachable after GC: ${alive}`)
  t.equal(wrong, 0, 'every measured request answered as staged')
  t.ok(after - before < growthLimit, `heap growth ${mb(after - before)} < ${mb(growthLimit)}`)
  t.equal(sampled.length, measured / 1000, 'holders sampled')
  t.equal(alive, 0, 'no holder outlives its request')
})
