import { test } from 'tap'
import { snapshotCookieOptions } from '../../plugin/holder/cookie-attributes.ts'
import { serializeClearCookie, serializeCookie } from '../../plugin/holder/cookies.ts'
import { TemporaryResponse } from '../../plugin/index.ts'

// What is checked is what is written: each call reads its options once into a snapshot of
// primitives, checks the snapshot and writes the snapshot. Nothing is cached between calls.

const INVALID_OPTION = 'FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION'

/** Options behind a Proxy that counts every trap, by trap and key. */
function counted (target: Record<string, unknown>): { options: Record<string, unknown>, reads: string[] } {
  const reads: string[] = []
  const options = new Proxy(target, {
    get (object, key, receiver) {
      reads.push(`get ${String(key)}`)
      return Reflect.get(object, key, receiver)
    },
    has (object, key) {
      reads.push(`has ${String(key)}`)
      return Reflect.has(object, key)
    }
  })
  return { options, reads }
}

test('each given option is read exactly once, and no other key is read', async t => {
  const { options, reads } = counted({ maxAge: 60, path: '/app', httpOnly: true, secure: true, sameSite: 'strict' })
  t.equal(serializeCookie('sid', 'v', options), 'sid=v; Max-Age=60; Path=/app; HttpOnly; Secure; SameSite=Strict')
  t.same(reads.sort(), ['get httpOnly', 'get maxAge', 'get path', 'get sameSite', 'get secure'])
  const clear = counted({ path: '/app', domain: 'example.com' })
  serializeClearCookie('sid', clear.options)
  t.same(clear.reads.sort(), ['get domain', 'get path'])
})

test('a getter runs once per call, and its one answer is both checked and written', async t => {
  let reads = 0
  const options = {
    secure: true,
    get sameSite () {
      reads++
      return reads % 2 === 1 ? 'none' : 'lax'
    }
  }
  t.equal(serializeCookie('sid', 'v', options), 'sid=v; Path=/; Secure; SameSite=None')
  t.equal(reads, 1)
  t.equal(serializeCookie('sid', 'v', options), 'sid=v; Path=/; Secure; SameSite=Lax')
  t.equal(reads, 2)
})

test('httpOnly read false then true: the call gets what it read, the next ordinary call its own HttpOnly', async t => {
  let reads = 0
  const flipping = { path: '/app', get httpOnly () { return reads++ > 0 } }
  t.equal(serializeCookie('sid', 'v', flipping), 'sid=v; Path=/app; SameSite=Lax', 'read once: false')
  t.equal(reads, 1)
  for (let i = 0; i < 3; i++) {
    t.equal(serializeCookie('session', 'v', { path: '/app', httpOnly: true }), 'session=v; Path=/app; HttpOnly; SameSite=Lax')
  }
  t.equal(serializeCookie('sid', 'v', flipping), 'sid=v; Path=/app; HttpOnly; SameSite=Lax', 'its second call reads true')
})

test('path read as a string then as an object: the string is written, and the next plain call is untouched', async t => {
  const evil = { toString: () => '/; Domain=evil.example; SameSite=None' }
  let reads = 0
  const options = { get path () { return reads++ === 0 ? '/' : evil } } as unknown as { path: string }
  t.equal(serializeCookie('sid', 'v', options), 'sid=v; Path=/; SameSite=Lax')
  t.equal(serializeCookie('sid', 'v', { path: '/' }), 'sid=v; Path=/; SameSite=Lax')
  t.throws(() => serializeCookie('sid', 'v', options), {
    code: INVALID_OPTION,
    message: 'Cookie "sid": path must be a string, instead got /; Domain=evil.example; SameSite=None'
  }, 'its second read, an object, is refused')
  t.equal(serializeCookie('sid', 'v', { path: '/' }), 'sid=v; Path=/; SameSite=Lax')
})

test('a getter for secure, partitioned or signed is read once for the checks and the line alike', async t => {
  let secureReads = 0
  // Read twice, the second read would drop Secure from a line already checked as Secure.
  const options = { sameSite: 'none' as const, partitioned: true, get secure () { return secureReads++ === 0 } }
  t.equal(serializeCookie('sid', 'v', options), 'sid=v; Path=/; Secure; Partitioned; SameSite=None')
  t.equal(secureReads, 1)
  let signedReads = 0
  const signed = { get signed () { return signedReads++ > 0 } }
  t.equal(serializeCookie('sid', 'v', signed), 'sid=v; Path=/; SameSite=Lax', 'read once: false, so no signer is needed')
  t.equal(signedReads, 1)
})

test('a getter that throws: its error, at the call, nothing staged', async t => {
  const holder = new TemporaryResponse()
  const boom = new Error('boom')
  t.throws(() => holder.setCookie('sid', 'v', { get httpOnly (): boolean { throw boom } }), boom)
  t.same(holder.headers.getSetCookie(), [])
})

test('an inherited option is refused: @fastify/cookie would silently skip it', async t => {
  const holder = new TemporaryResponse()
  t.throws(() => holder.setCookie('sid', 'v', Object.create({ httpOnly: true })), {
    code: INVALID_OPTION,
    message: 'Cookie "sid": option "httpOnly" is inherited; pass options as own properties'
  })
  t.throws(() => holder.setCookie('sid', 'v', Object.create({ httponly: true })), { code: INVALID_OPTION }, 'an inherited unknown key too')
  const own = Object.assign(Object.create({ unrelated: undefined }), { httpOnly: true })
  t.throws(() => holder.setCookie('sid', 'v', own), { code: INVALID_OPTION }, 'any enumerable inherited key')
  t.same(holder.headers.getSetCookie(), [])
})

test('non-enumerable and symbol keys are not options, as Object.assign() skips them', async t => {
  const options = Object.defineProperty({ secure: true }, 'httpOnly', { value: true, enumerable: false })
  ;(options as Record<symbol, unknown>)[Symbol('httpOnly')] = true
  t.equal(serializeCookie('sid', 'v', options), 'sid=v; Path=/; Secure; SameSite=Lax')
})

test('the snapshot holds primitives with the defaults applied', async t => {
  const expires = new Date(Date.UTC(2030, 0, 1))
  t.same(snapshotCookieOptions('sid', { expires, maxAge: 5, priority: 'high' }, false, null), {
    maxAge: 5,
    expires: expires.getTime(),
    path: '/',
    domain: undefined,
    secure: false,
    httpOnly: false,
    sameSite: 'lax',
    partitioned: false,
    priority: 'high',
    signed: false
  })
  const clear = snapshotCookieOptions('sid', undefined, true, null)
  t.equal(clear.maxAge, 0)
  t.equal(clear.expires, 0)
})

test('a snapshot is the call\'s own: changing the options or the Date afterwards changes nothing written', async t => {
  const expires = new Date(Date.UTC(2030, 0, 1))
  const options = { expires, httpOnly: true }
  const snapshot = snapshotCookieOptions('sid', options, false, null)
  expires.setTime(Date.UTC(2031, 0, 1))
  options.httpOnly = false
  t.equal(snapshot.expires, Date.UTC(2030, 0, 1))
  t.equal(snapshot.httpOnly, true)
  t.equal(serializeCookie('sid', 'v', options), 'sid=v; Path=/; Expires=Wed, 01 Jan 2031 00:00:00 GMT; SameSite=Lax')
})

test('Object.prototype pollution does not become an option', async t => {
  // eslint-disable-next-line no-extend-native -- the attack under test, removed at teardown
  Object.defineProperty(Object.prototype, 'httpOnly', { value: true, configurable: true, writable: true })
  t.teardown(() => { delete (Object.prototype as Record<string, unknown>).httpOnly })
  t.equal(serializeCookie('sid', 'v', { path: '/' }), 'sid=v; Path=/; SameSite=Lax')
  t.equal(serializeCookie('sid', 'v'), 'sid=v; Path=/; SameSite=Lax')
})
