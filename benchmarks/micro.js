// The plugin's own per-request work, without HTTP or Fastify's pipeline: `node benchmarks/micro.js`.
// A writes the `staged` scenario's headers, cookie and status into a reply by hand; B stages them
// on a TemporaryResponse and merges it into the same kind of reply, as the onSend hook does.
// The reply is a stand-in with Fastify's header semantics (Set-Cookie appends), so both sides
// pay for the same reply writes. A third side, B + undo, is B followed by what an error that
// overtakes the merge does (onError's markFailed takes the merge back), the late-error path.
// Env: MICRO_N (iterations per batch, 200000), MICRO_BATCHES (9).
import { TemporaryResponse } from '../dist/index.js'
import { markFailed, mergeTemporaryResponse } from '../dist/merge/merge.js'

const N = Number(process.env.MICRO_N ?? 200_000)
const BATCHES = Number(process.env.MICRO_BATCHES ?? 9)
const COOKIE_VALUE = 'opaque-session-token-0123456789'
const settings = {
  exposeStaged: true,
  exposeDeclared: true,
  keepOnError: false,
  validateResponse: false,
  model: null,
  declaredExposable: [],
  exposed: null
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

function stage (i) {
  const response = new TemporaryResponse()
  response.headers.set('x-request-id', 'req-' + i)
  response.headers.set('x-cat-dog', 'alone in the world')
  response.headers.set('x-rate-limit-remaining', '99')
  response.setCookie('session', COOKIE_VALUE, { httpOnly: true })
  response.statusCode = 201
  return response
}

function staged (i) {
  const reply = new Reply()
  mergeTemporaryResponse(request, reply, '{}', stage(i), settings, false)
  return reply
}

function stagedThenUndone (i) {
  const reply = new Reply()
  const response = stage(i)
  mergeTemporaryResponse(request, reply, '{}', response, settings, false)
  markFailed(response, reply)
  if (reply.headers['x-cat-dog'] !== undefined) throw new Error('the merge was not undone')
  return reply
}

function time (fn, status = 201) {
  const start = process.hrtime.bigint()
  let sink
  for (let i = 0; i < N; i++) sink = fn(i)
  if (sink.raw.statusCode !== status) throw new Error('the work was not done')
  return Number(process.hrtime.bigint() - start) / N
}

function median (values) {
  const sorted = [...values].sort((x, y) => x - y)
  return sorted[sorted.length >> 1]
}

// Each batch runs the three sides in a rotating order, so none always goes first.
const sides = [[byHand, 201], [staged, 201], [stagedThenUndone, 200]]
const times = sides.map(() => [])
for (const [fn, status] of sides) time(fn, status)
for (let batch = 0; batch < BATCHES; batch++) {
  for (let k = 0; k < sides.length; k++) {
    const j = (batch + k) % sides.length
    times[j].push(time(...sides[j]))
  }
}
const [a, b, undone] = times.map(median)
const ns = (x) => x.toFixed(0)
console.log('| | by hand (A) | request.response (B) | B − A | B + undo |\n| --- | ---: | ---: | ---: | ---: |')
console.log(`| median ns/request over ${BATCHES} batches of ${N} | ${ns(a)} | ${ns(b)} | ${ns(b - a)} | ${ns(undone)} |`)
