import { PerformanceObserver, performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { serialize } from 'cookie'
import fc from 'fast-check'
import { test } from 'tap'
import { buildCookieAttributes, findCookieAttributes } from '../../plugin/holder/cookie-attributes.ts'
import { serializeClearCookie, serializeCookie } from '../../plugin/holder/cookies.ts'

// The attribute tails are prepared once per set of option values and reused. Whatever the
// caller does to its options object between calls, a call must get what an uncached call
// gets: the same line as the `cookie` package writes, or the same coded error.

type Options = Record<string, unknown>

const setKeys = ['maxAge', 'expires', 'path', 'domain', 'secure', 'httpOnly', 'sameSite', 'partitioned', 'priority', 'signed']
const clearKeys = ['path', 'domain', 'secure', 'httpOnly', 'sameSite', 'partitioned', 'priority']

/** An uncached call: the options checked and serialized from scratch, the line written by `cookie`. */
function uncached (clear: boolean, value: string, options: Options): string {
  const known = clear ? clearKeys : setKeys
  for (const key in options) {
    if (!known.includes(key)) return `error: unknown option "${key}"`
  }
  try {
    buildCookieAttributes('sid', { ...options }, clear)
  } catch (err) {
    return `error: ${(err as Error).message}`
  }
  const forced = clear ? { maxAge: 0, expires: new Date(0) } : {}
  return serialize('sid', clear ? '' : value, { ...options, path: options.path as string ?? '/', sameSite: options.sameSite as 'lax' ?? 'lax', ...forced })
}

function cached (clear: boolean, value: string, options: Options): string {
  try {
    return clear ? serializeClearCookie('sid', options) : serializeCookie('sid', value, options)
  } catch (err) {
    const message = (err as Error).message
    // The uncached side reports only which key is unknown.
    return `error: ${message.includes('unknown option') ? message.replace(/^.*(unknown option "[^"]*").*$/, '$1') : message}`
  }
}

const optionValue: Record<string, fc.Arbitrary<unknown>> = {
  maxAge: fc.constantFrom(0, 60, 3600, -1, 1.5, 400 * 24 * 60 * 60 + 1, undefined),
  expires: fc.oneof(fc.date({ min: new Date(0), max: new Date(8.64e15) }), fc.constant(new Date(Number.NaN)), fc.constant(undefined)),
  path: fc.constantFrom('/', '/app', '', '/a;b', '/a b', undefined, null),
  domain: fc.constantFrom('example.com', '.example.com', 'a b', '', undefined),
  secure: fc.constantFrom(true, false, undefined),
  httpOnly: fc.constantFrom(true, false, undefined),
  sameSite: fc.constantFrom('lax', 'strict', 'none', 'Lax', true, false, 'bogus', undefined),
  partitioned: fc.constantFrom(true, false, undefined),
  priority: fc.constantFrom('low', 'medium', 'high', 'HIGH', 'bogus', undefined),
  signed: fc.constantFrom(false, undefined),
  httponly: fc.constant(true)
}
const key = fc.constantFrom(...Object.keys(optionValue))
const step = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constantFrom('call', 'copy'), clear: fc.boolean(), value: fc.constantFrom('v', 'a b', '') }) },
  { weight: 3, arbitrary: key.chain(name => fc.record({ kind: fc.constant('set'), key: fc.constant(name), to: optionValue[name] })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete'), key }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('setTime'), time: fc.integer({ min: 0, max: 4e12 }) }) }
)
type Step = { kind: 'call' | 'copy', clear: boolean, value: string } | { kind: 'set', key: string, to: unknown } |
  { kind: 'delete', key: string } | { kind: 'setTime', time: number }

test('cached and uncached lines are identical, while the options object is mutated between calls', async t => {
  let calls = 0
  let errors = 0
  fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps: Step[]) => {
    const options: Options = { httpOnly: true }
    for (const s of steps) {
      if (s.kind === 'set') options[s.key] = s.to
      else if (s.kind === 'delete') delete options[s.key]
      else if (s.kind === 'setTime') (options.expires as Date | undefined)?.setTime?.(s.time)
      else {
        // 'copy': a new object with the same values, as an inline literal is on every call.
        const given = s.kind === 'copy' ? { ...options } : options
        const expected = uncached(s.clear, s.value, given)
        const actual = cached(s.clear, s.value, given)
        if (actual !== expected) throw new Error(`${JSON.stringify(given)}: ${actual} !== ${expected}`)
        calls++
        if (expected.startsWith('error')) errors++
      }
    }
  }), { seed: 0x7e5, numRuns: 1000 })
  t.ok(calls > 2000, `${calls} calls compared`)
  t.ok(errors > 100 && calls - errors > 100, `${errors} refused, ${calls - errors} accepted`)
})

test('a hoisted options object, mutated field by field: every line follows the object', async t => {
  const options: Options = { httpOnly: true, maxAge: 60 }
  const line = () => serializeCookie('sid', 'v', options)
  t.equal(line(), 'sid=v; Max-Age=60; Path=/; HttpOnly; SameSite=Lax')
  t.equal(line(), 'sid=v; Max-Age=60; Path=/; HttpOnly; SameSite=Lax', 'again, from the cache')
  options.maxAge = 120
  t.equal(line(), 'sid=v; Max-Age=120; Path=/; HttpOnly; SameSite=Lax')
  options.httpOnly = false
  options.path = '/app'
  t.equal(line(), 'sid=v; Max-Age=120; Path=/app; SameSite=Lax')
  options.expires = new Date(Date.UTC(2030, 0, 1))
  t.equal(line(), 'sid=v; Max-Age=120; Path=/app; Expires=Tue, 01 Jan 2030 00:00:00 GMT; SameSite=Lax')
  ;(options.expires as Date).setTime(Date.UTC(2031, 0, 1))
  t.equal(line(), 'sid=v; Max-Age=120; Path=/app; Expires=Wed, 01 Jan 2031 00:00:00 GMT; SameSite=Lax', 'a Date changed in place')
  options.sameSite = 'none'
  t.throws(line, { code: 'FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION' }, 'none without secure')
  options.secure = true
  t.equal(line(), 'sid=v; Max-Age=120; Path=/app; Expires=Wed, 01 Jan 2031 00:00:00 GMT; Secure; SameSite=None')
  delete options.maxAge
  t.equal(line(), 'sid=v; Path=/app; Expires=Wed, 01 Jan 2031 00:00:00 GMT; Secure; SameSite=None')
  t.throws(() => serializeCookie('__Host-sid', 'v', options), { code: 'FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION' }, 'prefix rules per call')
  options.path = '/'
  t.equal(serializeCookie('__Host-sid', 'v', options), '__Host-sid=v; Path=/; Expires=Wed, 01 Jan 2031 00:00:00 GMT; Secure; SameSite=None')
})

test('per-call expires and maxAge get their own line, among more option sets than the cache holds', async t => {
  const base = Date.UTC(2030, 0, 1)
  for (let i = 0; i < 40; i++) {
    const expires = new Date(base + i * 1000)
    t.equal(serializeCookie('sid', 'v', { maxAge: i, expires }), serialize('sid', 'v', { maxAge: i, expires, path: '/', sameSite: 'lax' }))
  }
})

test('recent option values are reused: the same tail, no new entry', async t => {
  const hoisted = { httpOnly: true, secure: true }
  const first = findCookieAttributes('sid', hoisted, false)
  t.equal(findCookieAttributes('sid', hoisted, false), first, 'the same object')
  t.equal(findCookieAttributes('other', { secure: true, httpOnly: true }, false), first, 'an inline literal with the same values')
  t.not(findCookieAttributes('sid', hoisted, true), first, 'clearCookie() has its own')
  t.equal(findCookieAttributes('sid', undefined, false).text, '; Path=/; SameSite=Lax')
})

/** Minor and major GCs while `work` runs: it runs synchronously, so it caused every one. */
async function collectionsDuring (work: () => void): Promise<number> {
  const starts: number[] = []
  const observer = new PerformanceObserver(list => { for (const entry of list.getEntries()) starts.push(entry.startTime) })
  observer.observe({ entryTypes: ['gc'] })
  const start = performance.now()
  work()
  const end = performance.now()
  await sleep(50)
  observer.disconnect()
  return starts.filter(time => time >= start && time <= end).length
}

test('the common path allocates nothing: known keys checked, tail found, for 3 million calls', async t => {
  const options = { httpOnly: true, secure: true, sameSite: 'strict', path: '/app', maxAge: 3600 }
  let sink = 0
  const check = (o: Options) => { sink += findCookieAttributes('sid', o, false).text.length }
  for (let i = 0; i < 100_000; i++) check(options) // warm up: compiled, cached
  t.equal(await collectionsDuring(() => { for (let i = 0; i < 3_000_000; i++) check(options) }), 0, 'no garbage, so no GC')
  // The measure can fail: Object.keys() per call is garbage enough for several collections.
  const allocating = (o: Options) => { sink += Object.keys(o).length + findCookieAttributes('sid', o, false).text.length }
  t.ok(await collectionsDuring(() => { for (let i = 0; i < 3_000_000; i++) allocating(options) }) > 0, 'Object.keys() per call does collect')
  t.ok(sink > 0)
})
