import { setTimeout as sleep } from 'node:timers/promises'
import Fastify from 'fastify'
import type { FastifyRequest } from 'fastify'
import { test } from 'tap'
import type { Test } from 'tap'
import plugin, { TemporaryResponse } from '../../plugin/index.ts'
import { sealTemporaryResponse } from '../../plugin/holder/temporary-response.ts'

const INVALID_STATUS = 'FST_TEMP_RESPONSE_INVALID_STATUS_CODE'
const ALREADY_SENT = 'FST_TEMP_RESPONSE_ALREADY_SENT'

async function build (t: Test) {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin)
  return app
}

// Every kind of write on the holder, with the name the error message uses.
const writes: Array<[string, (holder: TemporaryResponse) => unknown]> = [
  ['headers.set()', holder => holder.headers.set('x-late', '1')],
  ['headers.append()', holder => holder.headers.append('x-late', '1')],
  ['headers.delete()', holder => holder.headers.delete('x-a')],
  ['statusCode', holder => { holder.statusCode = 202 }],
  ['setCookie()', holder => holder.setCookie('late', '1')],
  ['clearCookie()', holder => holder.clearCookie('sid')]
]

function attempt (holder: TemporaryResponse): Array<[string, unknown]> {
  return writes.map(([call, write]) => {
    try {
      write(holder)
      return [call, null]
    } catch (err) {
      return [call, err]
    }
  })
}

function assertAllRefused (t: Test, results: Array<[string, unknown]>): void {
  t.equal(results.length, writes.length)
  for (const [call, err] of results) {
    t.ok(err instanceof Error, `${call} threw`)
    t.has(err, { code: ALREADY_SENT }, `${call} threw ${ALREADY_SENT}`)
    t.equal((err as Error).message,
      `request.response was already merged into the reply; ${call} has no effect now. Stage it before onSend, or use reply directly`)
  }
}

test('statusCode is undefined until set', async (t) => {
  t.equal(new TemporaryResponse().statusCode, undefined)
})

test('statusCode accepts integers from 200 to 599 and can be reset to undefined', async (t) => {
  const holder = new TemporaryResponse()
  for (const code of [200, 201, 204, 299, 301, 304, 400, 404, 418, 500, 599]) {
    holder.statusCode = code
    t.equal(holder.statusCode, code)
  }
  holder.statusCode = undefined
  t.equal(holder.statusCode, undefined)
})

test('an invalid status: code, message, RangeError', async (t) => {
  const holder = new TemporaryResponse()
  const err = t.throws(() => { holder.statusCode = 1000 }, {
    code: INVALID_STATUS,
    message: 'statusCode must be an integer from 200 to 599, instead got 1000'
  }) as Error
  t.ok(err instanceof RangeError)
  t.equal((err as Error & { statusCode: number }).statusCode, 500)
})

test('statusCode rejects everything but an integer from 200 to 599, keeping the previous value', async (t) => {
  const holder = new TemporaryResponse()
  const bad = [199, 600, 1000, 0, -200, 100, 200.5, 201.000001, NaN, Infinity, -Infinity, '201', null, true, 201n, Object(201)]
  for (const code of bad) {
    t.throws(() => { holder.statusCode = code as number }, { code: INVALID_STATUS }, String(code))
    t.equal(holder.statusCode, undefined, `still undefined after ${String(code)}`)
  }
  holder.statusCode = 201
  for (const code of bad) {
    t.throws(() => { holder.statusCode = code as number }, { code: INVALID_STATUS })
    t.equal(holder.statusCode, 201, `still 201 after ${String(code)}`)
  }
})

test('after sealing, every write throws FST_TEMP_RESPONSE_ALREADY_SENT and stages nothing', async (t) => {
  const holder = new TemporaryResponse()
  holder.headers.set('x-a', 'kept')
  holder.setCookie('sid', '1')
  holder.statusCode = 201
  sealTemporaryResponse(holder)
  assertAllRefused(t, attempt(holder))
  t.equal(holder.statusCode, 201)
  t.same([...holder.headers], [['set-cookie', 'sid=1; Path=/; SameSite=Lax'], ['x-a', 'kept']])
})

test('sealing a holder whose headers were never read seals the headers created later', async (t) => {
  const holder = new TemporaryResponse()
  holder.statusCode = 204
  sealTemporaryResponse(holder)
  t.throws(() => holder.headers.set('x-a', '1'), { code: ALREADY_SENT })
  t.throws(() => holder.headers.append('set-cookie', 'a=1'), { code: ALREADY_SENT })
  t.equal(holder.headers.has('x-a'), false)
  t.same(holder.headers.getSetCookie(), [])
  t.equal(holder.statusCode, 204)
})

test('invalid input is checked after the seal: a sealed holder reports ALREADY_SENT', async (t) => {
  const holder = new TemporaryResponse()
  sealTemporaryResponse(holder)
  t.throws(() => { holder.statusCode = 1000 }, { code: ALREADY_SENT })
  t.throws(() => holder.setCookie('a b', 'v'), { code: ALREADY_SENT })
  t.throws(() => holder.headers.set('content-length', '1'), { code: ALREADY_SENT })
})

test('request.response is one object shared by every hook and the handler', async (t) => {
  const app = await build(t)
  const seen: Array<[string, TemporaryResponse]> = []
  const record = (stage: string) => async (request: FastifyRequest) => {
    seen.push([stage, request.response])
  }
  app.addHook('onRequest', record('onRequest'))
  app.addHook('preParsing', async (request, _reply, payload) => {
    seen.push(['preParsing', request.response])
    return payload
  })
  app.addHook('preValidation', record('preValidation'))
  app.addHook('preHandler', record('preHandler'))
  app.addHook('preSerialization', async (request, _reply, payload) => {
    seen.push(['preSerialization', request.response])
    return payload
  })
  app.post('/', {
    onRequest: record('route onRequest'),
    preHandler: record('route preHandler')
  }, async (request) => {
    seen.push(['handler', request.response])
    return { ok: true }
  })

  const res = await app.inject({ method: 'POST', url: '/', payload: { a: 1 } })
  t.equal(res.statusCode, 200)
  t.same(seen.map(([stage]) => stage), [
    'onRequest', 'route onRequest', 'preParsing', 'preValidation', 'preHandler', 'route preHandler', 'handler', 'preSerialization'
  ])
  const [, first] = seen[0]
  t.ok(first instanceof TemporaryResponse)
  for (const [stage, holder] of seen) t.equal(holder, first, `${stage} sees the same holder`)
})

test('what one hook stages, the next hook and the handler read, and the client receives', async (t) => {
  const app = await build(t)
  app.addHook('onRequest', async (request) => {
    request.response.headers.set('X-From-Hook', 'onRequest')
  })
  app.get('/', {
    preHandler: async (request) => {
      request.response.headers.append('x-from-hook', 'preHandler')
      request.response.setCookie('sid', 'abc')
    }
  }, async (request) => {
    request.response.statusCode = 201
    return { seen: request.response.headers.get('x-from-hook') }
  })
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 201)
  t.equal(res.headers['x-from-hook'], 'onRequest, preHandler')
  t.same(res.headers['set-cookie'], ['sid=abc; Path=/; SameSite=Lax'])
  t.same(res.json(), { seen: 'onRequest, preHandler' })
})

test('each request gets its own holder, also when requests run concurrently', async (t) => {
  const app = await build(t)
  const holders: TemporaryResponse[] = []
  app.get('/', async (request) => {
    const holder = request.response
    holders.push(holder)
    t.equal(holder.headers.has('x-id'), false, 'nothing leaks from another request')
    t.equal(holder.statusCode, undefined)
    holder.headers.set('x-id', (request.query as { id: string }).id)
    await sleep(10)
    t.equal(request.response, holder)
    return { id: holder.headers.get('x-id') }
  })
  const responses = await Promise.all(['1', '2', '3'].map(id => app.inject({ method: 'GET', url: '/?id=' + id })))
  t.same(responses.map(res => res.headers['x-id']), ['1', '2', '3'])
  t.same(responses.map(res => res.json().id), ['1', '2', '3'])
  t.equal(holders.length, 3)
  t.equal(new Set(holders).size, 3, 'three distinct holders')

  const again = await app.inject({ method: 'GET', url: '/?id=4' })
  t.equal(again.headers['x-id'], '4')
  t.equal(new Set(holders).size, 4, 'a later request gets a new holder too')
})

test('a route that never touches request.response sends nothing staged', async (t) => {
  const app = await build(t)
  app.get('/', async () => ({ ok: true }))
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['set-cookie'], undefined)
  t.same(res.json(), { ok: true })
})

test('writes in onResponse throw FST_TEMP_RESPONSE_ALREADY_SENT; reads still work', async (t) => {
  const app = await build(t)
  let results: Array<[string, unknown]> = []
  const reads: unknown[] = []
  app.addHook('onResponse', async (request) => {
    results = attempt(request.response)
    reads.push(request.response.statusCode, request.response.headers.get('x-a'), request.response.headers.getSetCookie())
  })
  app.get('/', async (request) => {
    request.response.headers.set('x-a', 'staged')
    request.response.setCookie('sid', '1')
    request.response.statusCode = 201
    return { ok: true }
  })
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 201)
  t.equal(res.headers['x-a'], 'staged')
  assertAllRefused(t, results)
  t.same(reads, [201, 'staged', ['sid=1; Path=/; SameSite=Lax']])
})

test('writes from code that outlives the request throw; reads still work', async (t) => {
  const app = await build(t)
  let holder: TemporaryResponse | undefined
  app.get('/', async (request) => {
    holder = request.response
    holder.headers.set('x-a', 'staged')
    holder.clearCookie('old')
    return 'ok'
  })
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-a'], 'staged')
  await sleep(5)
  const late = holder as TemporaryResponse
  assertAllRefused(t, attempt(late))
  t.equal(late.headers.get('x-a'), 'staged', 'a failed delete removed nothing')
  t.equal(late.headers.has('x-late'), false)
  t.equal(late.statusCode, undefined)
  t.same(late.headers.getSetCookie(), ['old=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax'])
  t.same([...late.headers.keys()], ['set-cookie', 'x-a'])
})

test('a holder that only had its status set is sealed too, headers included', async (t) => {
  const app = await build(t)
  let results: Array<[string, unknown]> = []
  app.addHook('onResponse', async (request) => {
    results = attempt(request.response)
  })
  app.get('/', async (request) => {
    request.response.statusCode = 202
    return 'accepted'
  })
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 202)
  assertAllRefused(t, results)
})

test('a write in a setTimeout after the response throws', async (t) => {
  const app = await build(t)
  let later: Promise<unknown> | undefined
  app.get('/', async (request) => {
    request.response.headers.set('x-a', '1')
    later = sleep(20).then(() => {
      try {
        request.response.headers.set('x-after', '1')
        return null
      } catch (err) {
        return err
      }
    })
    return 'ok'
  })
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.headers['x-after'], undefined)
  t.has(await later, { code: ALREADY_SENT })
})

test('writes after an error response throw too', async (t) => {
  const app = await build(t)
  let results: Array<[string, unknown]> = []
  app.addHook('onResponse', async (request) => {
    results = attempt(request.response)
  })
  app.get('/', async (request) => {
    request.response.headers.set('x-a', 'dropped')
    request.response.statusCode = 201
    throw new Error('boom')
  })
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 500)
  t.equal(res.headers['x-a'], undefined)
  assertAllRefused(t, results)
})

test('writes after a reply sent early from a hook throw', async (t) => {
  const app = await build(t)
  let results: Array<[string, unknown]> = []
  app.addHook('onRequest', async (request, reply) => {
    request.response.headers.set('x-a', 'early')
    return reply.send('early')
  })
  app.addHook('onResponse', async (request) => {
    results = attempt(request.response)
  })
  app.get('/', async () => 'never')
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.body, 'early')
  t.equal(res.headers['x-a'], 'early')
  assertAllRefused(t, results)
})

// Contract: "A write after the response has been merged (for example in onResponse, or in code
// that outlives the request) throws too". A request whose handler never read request.response
// has been answered all the same; a write then must not be silently dropped.
test('a first write in onResponse throws even when the request never touched request.response', async (t) => {
  const app = await build(t)
  let error: unknown = null
  app.addHook('onResponse', async (request) => {
    try {
      request.response.headers.set('x-late', '1')
    } catch (err) {
      error = err
    }
  })
  app.get('/', async () => 'ok')
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-late'], undefined)
  t.has(error, { code: ALREADY_SENT }, 'the late write is refused, not silently dropped')
})

test('a first write from code that outlives an untouched request throws', async (t) => {
  const app = await build(t)
  let request: FastifyRequest | undefined
  app.get('/', async (req) => {
    request = req
    return 'ok'
  })
  await app.inject({ method: 'GET', url: '/' })
  const late = request as FastifyRequest
  t.throws(() => late.response.setCookie('late', '1'), { code: ALREADY_SENT })
})
