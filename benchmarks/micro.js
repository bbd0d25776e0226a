// The plugin's own per-request work, without HTTP or Fastify's pipeline: `node benchmarks/micro.js`.
// A writes the `staged` scenario's headers, cookie and status into a reply by hand; B stages them
// on a TemporaryResponse and merges it into the same kind of reply, as the onSend hook does.
// The reply is a stand-in with Fastify's header semantics (Set-Cookie appends), so both sides
// pay for the same reply writes. Env: MICRO_N (iterations per batch, 200000), MICRO_BATCHES (9).
import { TemporaryResponse } from '../dist/index.js'
import { mergeTemporaryResponse } from '../dist/on-send.js'

const N = Number(process.env.MICRO_N ?? 200_000)
const BATCHES = Number(process.env.MICRO_BATCHES ?? 9)
const COOKIE_VALUE = 'opaque-session-token-0123456789'
const settings = {
  exposeStaged: true,
  exposeDeclared: true,
  keepOnError: false,
  validateResponse: false,
  model: null,
  declaredExposable: []
}
const request = { method: 'GET', headers: {} }

// Fastify's reply header semantics (lib/reply.js), on a plain object.
class Reply {
  constructor () {
    this.headers = {}
    this.raw = { statusCode: 200 }
  }

  getHeader (name) { return this.headers[name.toLowerCase()] }
  hasHeader (name) { return this.headers[name.toLowerCase()] !== undefined }
  removeHeader (name) { delete this.headers[name.toLowerCase()] }
  header (name, value) {
    const key = name.toLowerCase()
    const existing = this.headers[key]
    if (key === 'set-cookie' && existing !== undefined) this.headers[key] = [].concat(existing, value)
    else this.headers[key] = Array.isArray(value) ? value.slice() : value
    return this
  }
}

function byHand (i) {
  const reply = new Reply()
  reply.header('x-request-id', 'req-' + i)
  reply.header('x-cat-dog', 'alone in the world')
  reply.header('x-rate-limit-remaining', '99')
  reply.header('set-cookie', 'session=' + encodeURIComponent(COOKIE_VALUE) + '; Path=/; HttpOnly; SameSite=Lax')
  reply.raw.statusCode = 201
  return reply
}

function staged (i) {
  const reply = new Reply()
  const response = new TemporaryResponse()
  response.headers.set('x-request-id', 'req-' + i)
  response.headers.set('x-cat-dog', 'alone in the world')
  response.headers.set('x-rate-limit-remaining', '99')
  response.setCookie('session', COOKIE_VALUE, { httpOnly: true })
  response.statusCode = 201
  mergeTemporaryResponse(request, reply, '{}', response, settings, false)
  return reply
}

function time (fn) {
  const start = process.hrtime.bigint()
  let sink
  for (let i = 0; i < N; i++) sink = fn(i)
  if (sink.raw.statusCode !== 201) throw new Error('the work was not done')
  return Number(process.hrtime.bigint() - start) / N
}

function median (values) {
  const sorted = [...values].sort((x, y) => x - y)
  return sorted[sorted.length >> 1]
}

time(byHand)
time(staged)
const a = []
const b = []
for (let batch = 0; batch < BATCHES; batch++) {
  if (batch % 2 === 0) {
    a.push(time(byHand))
    b.push(time(staged))
  } else {
    b.push(time(staged))
    a.push(time(byHand))
  }
}
const ns = (x) => x.toFixed(0)
console.log('| | by hand (A) | request.response (B) | B − A |\n| --- | ---: | ---: | ---: |')
console.log(`| median ns/request over ${BATCHES} batches of ${N} | ${ns(median(a))} | ${ns(median(b))} | ${ns(median(b) - median(a))} |`)
