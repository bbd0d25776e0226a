// Staging cost of request.response.headers: `npm run build && node benchmarks/staging.js`.
// Prints the CPU time to stage n distinct names (then append to, read, iterate and delete them),
// which must grow linearly with n, and the ns per request of three staged headers merged into a
// reply with CORS exposure (the common case, which must not pay for the large one).
import { TemporaryResponse } from '../dist/index.js'
import { mergeTemporaryResponse } from '../dist/merge/merge.js'

function cpu (fn) {
  const start = process.cpuUsage()
  fn()
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1000
}

for (const n of [10_000, 30_000, 100_000]) {
  const names = Array.from({ length: n }, (_, i) => `X-Name-${n}-${i}`)
  const headers = new TemporaryResponse().headers
  const stage = cpu(() => { for (const name of names) headers.set(name, 'v') })
  const rest = cpu(() => {
    for (const name of names) headers.append(name, 'w')
    for (const name of names) headers.get(name)
    for (const pair of headers) if (pair[1] !== 'v, w') throw new Error('not staged')
    for (const name of names) headers.delete(name)
  })
  console.log(`${n} names: set ${stage.toFixed(0)} ms, append + get + iterate + delete ${rest.toFixed(0)} ms (CPU)`)
}

const settings = { exposeStaged: true, exposeDeclared: true, keepOnError: false, validateResponse: false, model: null, encoder: null, declaredExposable: [], exposed: null }
const request = { method: 'GET', headers: {} }
class Reply {
  constructor () {
    this.headers = { 'access-control-allow-origin': 'https://app.example' }
    this.raw = { statusCode: 200 }
  }

  getHeader (name) { return this.headers[name] }
  hasHeader (name) { return this.headers[name] !== undefined }
  removeHeader (name) { delete this.headers[name] }
  header (name, value) { this.headers[name.toLowerCase()] = value }
}
const N = 200_000
let best = Infinity
for (let round = 0; round < 7; round++) {
  const ms = cpu(() => {
    for (let i = 0; i < N; i++) {
      const response = new TemporaryResponse()
      response.headers.set('x-request-id', 'req-' + i)
      response.headers.set('x-cat-dog', 'alone in the world')
      response.headers.set('x-rate-limit-remaining', '99')
      mergeTemporaryResponse(request, new Reply(), '{}', response, settings, false)
    }
  })
  best = Math.min(best, ms)
}
console.log(`3 staged headers + merge + exposure: ${(best * 1e6 / N).toFixed(0)} ns per request (best of 7, CPU)`)
