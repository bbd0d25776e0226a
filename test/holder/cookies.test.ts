import { stringifySetCookie } from 'cookie'
import { test } from 'tap'
import { serializeClearCookie, serializeCookie } from '../../plugin/holder/cookies.ts'
import type { CookieOptions } from '../../plugin/holder/cookies.ts'
import { TemporaryResponse } from '../../plugin/index.ts'

const INVALID_NAME = 'FST_TEMP_RESPONSE_INVALID_COOKIE_NAME'
const INVALID_VALUE = 'FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE'
const INVALID_OPTION = 'FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION'

const EPOCH = 'Thu, 01 Jan 1970 00:00:00 GMT'
const FOUR_HUNDRED_DAYS = 400 * 24 * 60 * 60

function staged (options?: CookieOptions, name = 'sid', value = 'v'): string {
  const holder = new TemporaryResponse()
  holder.setCookie(name, value, options)
  const lines = holder.headers.getSetCookie()
  if (lines.length !== 1) throw new Error('expected one line, got ' + lines.length)
  return lines[0]
}

test('defaults: Path=/ and SameSite=Lax', async (t) => {
  t.equal(staged(), 'sid=v; Path=/; SameSite=Lax')
  t.equal(staged({}), 'sid=v; Path=/; SameSite=Lax')
  t.equal(serializeCookie('sid', 'v'), 'sid=v; Path=/; SameSite=Lax')
})

test('maxAge becomes Max-Age, 0 and 400 days included', async (t) => {
  t.equal(staged({ maxAge: 3600 }), 'sid=v; Max-Age=3600; Path=/; SameSite=Lax')
  t.equal(staged({ maxAge: 0 }), 'sid=v; Max-Age=0; Path=/; SameSite=Lax')
  t.equal(staged({ maxAge: FOUR_HUNDRED_DAYS }), `sid=v; Max-Age=${FOUR_HUNDRED_DAYS}; Path=/; SameSite=Lax`)
})

test('expires becomes Expires in IMF-fixdate', async (t) => {
  const expires = new Date(Date.UTC(2030, 0, 2, 3, 4, 5))
  t.equal(staged({ expires }), 'sid=v; Path=/; Expires=Wed, 02 Jan 2030 03:04:05 GMT; SameSite=Lax')
})

test('path and domain', async (t) => {
  t.equal(staged({ path: '/admin' }), 'sid=v; Path=/admin; SameSite=Lax')
  t.equal(staged({ domain: 'example.com' }), 'sid=v; Domain=example.com; Path=/; SameSite=Lax')
  t.equal(staged({ domain: '.sub.example.com' }), 'sid=v; Domain=.sub.example.com; Path=/; SameSite=Lax')
})

test('secure and httpOnly flags', async (t) => {
  t.equal(staged({ secure: true }), 'sid=v; Path=/; Secure; SameSite=Lax')
  t.equal(staged({ httpOnly: true }), 'sid=v; Path=/; HttpOnly; SameSite=Lax')
  t.equal(staged({ secure: false, httpOnly: false }), 'sid=v; Path=/; SameSite=Lax')
})

test('sameSite: strict, lax, none (with secure), true, false', async (t) => {
  t.equal(staged({ sameSite: 'strict' }), 'sid=v; Path=/; SameSite=Strict')
  t.equal(staged({ sameSite: 'lax' }), 'sid=v; Path=/; SameSite=Lax')
  t.equal(staged({ sameSite: 'none', secure: true }), 'sid=v; Path=/; Secure; SameSite=None')
  t.equal(staged({ sameSite: true }), 'sid=v; Path=/; SameSite=Strict')
  t.equal(staged({ sameSite: false }), 'sid=v; Path=/', 'false leaves the attribute out')
})

test('partitioned (with secure)', async (t) => {
  t.equal(staged({ partitioned: true, secure: true }), 'sid=v; Path=/; Secure; Partitioned; SameSite=Lax')
  t.equal(staged({ partitioned: false }), 'sid=v; Path=/; SameSite=Lax')
})

test('priority: low, medium, high', async (t) => {
  t.equal(staged({ priority: 'low' }), 'sid=v; Path=/; Priority=Low; SameSite=Lax')
  t.equal(staged({ priority: 'medium' }), 'sid=v; Path=/; Priority=Medium; SameSite=Lax')
  t.equal(staged({ priority: 'high' }), 'sid=v; Path=/; Priority=High; SameSite=Lax')
})

test('every option at once', async (t) => {
  const line = staged({
    maxAge: 60,
    expires: new Date(0),
    path: '/app',
    domain: 'example.com',
    secure: true,
    httpOnly: true,
    sameSite: 'none',
    partitioned: true,
    priority: 'high'
  })
  t.equal(line, `sid=v; Max-Age=60; Domain=example.com; Path=/app; Expires=${EPOCH}; HttpOnly; Secure; Partitioned; Priority=High; SameSite=None`)
})

test('the value is percent-encoded exactly as the cookie package does', async (t) => {
  const values = [
    'plain', '', 'hello world', 'a;b', 'a,b', 'a=b', '"quoted"', '100%', 'ünïcödé', '€', '猫', '🐈',
    'a\r\nSet-Cookie: evil=1', '\u0000\u007f', '\\', '{"json":[1,2]}', "!#$&'()*+-./:<>?@[]^_`{|}~"
  ]
  for (const value of values) {
    const expected = stringifySetCookie({ name: 'sid', value, path: '/', sameSite: 'lax' })
    t.equal(staged({}, 'sid', value), expected, JSON.stringify(value))
    t.equal(serializeCookie('sid', value), expected)
  }
  t.equal(staged({}, 'sid', 'hello world;€'), 'sid=hello%20world%3B%E2%82%AC; Path=/; SameSite=Lax')
})

test('only a value that needs it is percent-encoded, as @fastify/cookie 11 (cookie 2) writes it', async (t) => {
  t.equal(staged({}, 'sid', 'a/b'), 'sid=a/b; Path=/; SameSite=Lax')
  t.equal(staged({}, 'sid', 'a+b=='), 'sid=a+b==; Path=/; SameSite=Lax')
  t.equal(staged({}, 'sid', "!#$&'()*+-./:<>?@[]^_`{|}~"), "sid=!#$&'()*+-./:<>?@[]^_`{|}~; Path=/; SameSite=Lax")
  // One character that needs it encodes the whole value; % too, so the value reads back the same.
  t.equal(staged({}, 'sid', 'a/b c'), 'sid=a%2Fb%20c; Path=/; SameSite=Lax')
  t.equal(staged({}, 'sid', '100%'), 'sid=100%25; Path=/; SameSite=Lax')
  t.equal(staged({}, 'sid', 'a"b'), 'sid=a%22b; Path=/; SameSite=Lax')
})

test('a value that is not a string throws FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE', async (t) => {
  const holder = new TemporaryResponse()
  t.throws(() => holder.setCookie('n', 42 as unknown as string), {
    code: INVALID_VALUE,
    message: 'Cookie "n": the value must be a string without lone UTF-16 surrogates, instead got 42'
  })
  for (const value of [null, undefined, true, Object('v'), { toString: () => 'v' }]) {
    t.throws(() => holder.setCookie('n', value as unknown as string), { code: INVALID_VALUE }, String(value))
  }
  t.same(holder.headers.getSetCookie(), [])
})

test('the same result as cookie.serialize for every option', async (t) => {
  const options: CookieOptions = {
    maxAge: 10, domain: 'example.com', path: '/x', secure: true, httpOnly: true, sameSite: 'strict', partitioned: true, priority: 'low'
  }
  t.equal(staged(options, 'sid', 'a b'), stringifySetCookie({ name: 'sid', value: 'a b', ...options, secure: true }))
})

test('clearCookie stages an expired empty cookie with the defaults', async (t) => {
  const holder = new TemporaryResponse()
  holder.clearCookie('sid')
  t.same(holder.headers.getSetCookie(), [`sid=; Max-Age=0; Path=/; Expires=${EPOCH}; SameSite=Lax`])
  t.equal(serializeClearCookie('sid'), `sid=; Max-Age=0; Path=/; Expires=${EPOCH}; SameSite=Lax`)
})

test('clearCookie keeps the scope it is given: path, domain, secure, sameSite, partitioned, httpOnly', async (t) => {
  const holder = new TemporaryResponse()
  holder.clearCookie('sid', { path: '/app', domain: 'example.com', secure: true, sameSite: 'none', partitioned: true, httpOnly: true })
  t.same(holder.headers.getSetCookie(), [
    `sid=; Max-Age=0; Domain=example.com; Path=/app; Expires=${EPOCH}; HttpOnly; Secure; Partitioned; SameSite=None`
  ])
})

test('clearCookie refuses maxAge, expires and signed: it is not their API', async (t) => {
  const holder = new TemporaryResponse()
  for (const key of ['maxAge', 'expires', 'signed']) {
    const options = { path: '/', [key]: key === 'expires' ? new Date() : key === 'maxAge' ? 100 : true }
    t.throws(() => holder.clearCookie('sid', options as never), {
      code: INVALID_OPTION,
      message: `Cookie "sid": unknown option "${key}"; clearCookie() takes path, domain, secure, httpOnly, sameSite, partitioned, priority`
    }, key)
  }
  t.same(holder.headers.getSetCookie(), [], 'nothing staged')
})

test('clearCookie enforces the same rules as setCookie', async (t) => {
  const holder = new TemporaryResponse()
  t.throws(() => holder.clearCookie('a b'), { code: INVALID_NAME })
  t.throws(() => holder.clearCookie('__Host-sid'), { code: INVALID_OPTION })
  t.throws(() => holder.clearCookie('sid', { sameSite: 'none' }), { code: INVALID_OPTION })
  t.same(holder.headers.getSetCookie(), [])
  holder.clearCookie('__Host-sid', { secure: true })
  t.same(holder.headers.getSetCookie(), [`__Host-sid=; Max-Age=0; Path=/; Expires=${EPOCH}; Secure; SameSite=Lax`])
})

test('setCookie and clearCookie return the holder, so calls chain', async (t) => {
  const holder = new TemporaryResponse()
  t.equal(holder.setCookie('a', '1'), holder)
  t.equal(holder.clearCookie('b'), holder)
  holder.setCookie('c', '3').clearCookie('d').setCookie('e', '5', { httpOnly: true })
  t.same(holder.headers.getSetCookie().map(line => line.split('=')[0]), ['a', 'b', 'c', 'd', 'e'])
})

test('staged cookies are Set-Cookie headers: getSetCookie, get, has, iteration', async (t) => {
  const holder = new TemporaryResponse()
  holder.setCookie('a', '1').setCookie('b', '2')
  t.same(holder.headers.getSetCookie(), ['a=1; Path=/; SameSite=Lax', 'b=2; Path=/; SameSite=Lax'])
  t.equal(holder.headers.get('Set-Cookie'), 'a=1; Path=/; SameSite=Lax, b=2; Path=/; SameSite=Lax')
  t.equal(holder.headers.has('set-cookie'), true)
  t.same([...holder.headers], [['set-cookie', 'a=1; Path=/; SameSite=Lax'], ['set-cookie', 'b=2; Path=/; SameSite=Lax']])
})

test('headers.append("Set-Cookie") adds to setCookie lines, in call order', async (t) => {
  const holder = new TemporaryResponse()
  holder.setCookie('a', '1')
  holder.headers.append('Set-Cookie', 'raw=1')
  holder.setCookie('b', '2')
  t.same(holder.headers.getSetCookie(), ['a=1; Path=/; SameSite=Lax', 'raw=1', 'b=2; Path=/; SameSite=Lax'])
})

test('headers.set("Set-Cookie") replaces staged cookies', async (t) => {
  const holder = new TemporaryResponse()
  holder.setCookie('a', '1').clearCookie('b')
  holder.headers.set('Set-Cookie', 'only=1')
  t.same(holder.headers.getSetCookie(), ['only=1'])
  holder.setCookie('c', '3')
  t.same(holder.headers.getSetCookie(), ['only=1', 'c=3; Path=/; SameSite=Lax'])
})

test('headers.delete("set-cookie") removes staged cookies', async (t) => {
  const holder = new TemporaryResponse()
  holder.setCookie('a', '1').clearCookie('b')
  holder.headers.delete('set-cookie')
  t.same(holder.headers.getSetCookie(), [])
  t.equal(holder.headers.has('Set-Cookie'), false)
  t.equal(holder.headers.get('Set-Cookie'), null)
})

test('invalid cookie name: code, message, TypeError', async (t) => {
  const holder = new TemporaryResponse()
  const err = t.throws(() => holder.setCookie('a b', 'v'), {
    code: INVALID_NAME,
    message: 'Cookie name must be an RFC 6265 token, instead got "a b"'
  }) as Error
  t.ok(err instanceof TypeError)
})

test('invalid cookie names throw and stage nothing', async (t) => {
  const holder = new TemporaryResponse()
  holder.setCookie('keep', '1')
  const names = ['', ' ', 'a b', 'a;b', 'a=b', 'a,b', 'é', 'caf\u00e9', '猫', '(a)', 'a"b', 'a\tb', 'a\r\nb', 'a/b', 'a:b', '[a]', 'a\u0000']
  for (const name of names) {
    t.throws(() => holder.setCookie(name, 'v'), { code: INVALID_NAME }, JSON.stringify(name))
    t.throws(() => serializeCookie(name, 'v'), { code: INVALID_NAME })
  }
  t.throws(() => holder.setCookie({} as unknown as string, 'v'), {
    code: INVALID_NAME,
    message: 'Cookie name must be an RFC 6265 token, instead got [object Object]'
  })
  t.same(holder.headers.getSetCookie(), ['keep=1; Path=/; SameSite=Lax'])
})

test('every RFC 6265 token character is accepted in a cookie name', async (t) => {
  t.equal(serializeCookie("!#$%&'*+-.^_`|~09AZaz", 'v'), "!#$%&'*+-.^_`|~09AZaz=v; Path=/; SameSite=Lax")
})

test('a lone surrogate value throws FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE', async (t) => {
  const holder = new TemporaryResponse()
  holder.setCookie('keep', '1')
  const err = t.throws(() => holder.setCookie('sid', '\uD800'), {
    code: INVALID_VALUE,
    message: 'Cookie "sid": the value must be a string without lone UTF-16 surrogates, instead got "\\ud800"'
  }) as Error
  t.ok(err instanceof TypeError)
  t.throws(() => holder.setCookie('sid', 'a\uDC00b'), { code: INVALID_VALUE })
  t.throws(() => holder.setCookie('sid', '\uDBFF'), { code: INVALID_VALUE })
  t.equal(serializeCookie('sid', '\uD83D\uDC08'), 'sid=%F0%9F%90%88; Path=/; SameSite=Lax', 'a surrogate pair is fine')
  t.same(holder.headers.getSetCookie(), ['keep=1; Path=/; SameSite=Lax'])
})

test('invalid cookie option: code, message, TypeError', async (t) => {
  const holder = new TemporaryResponse()
  const err = t.throws(() => holder.setCookie('sid', 'v', { maxAge: 1.5 }), {
    code: INVALID_OPTION,
    message: `Cookie "sid": maxAge must be a safe integer number of seconds up to ${FOUR_HUNDRED_DAYS} (400 days), instead got 1.5`
  }) as Error
  t.ok(err instanceof TypeError)
})

test('a malformed option rejected by the cookie package is reported with its reason', async (t) => {
  t.throws(() => serializeCookie('sid', 'v', { domain: 'a b' }), {
    code: INVALID_OPTION,
    message: 'Cookie "sid": cookie domain is invalid: a b'
  })
})

const invalidOptions: Array<[string, string, CookieOptions]> = [
  ['maxAge 1.5', 'sid', { maxAge: 1.5 }],
  ['maxAge NaN', 'sid', { maxAge: NaN }],
  ['maxAge Infinity', 'sid', { maxAge: Infinity }],
  ['maxAge as a string', 'sid', { maxAge: '60' as unknown as number }],
  ['maxAge 400 days + 1 s', 'sid', { maxAge: FOUR_HUNDRED_DAYS + 1 }],
  ['maxAge -1e21, an integer but not a safe one', 'sid', { maxAge: -1e21 }],
  ['maxAge -(2^53), not a safe integer', 'sid', { maxAge: -(2 ** 53) }],
  ['maxAge null', 'sid', { maxAge: null as unknown as number }],
  ['expires in the year 1600', 'sid', { expires: new Date(Date.UTC(1600, 11, 31, 23, 59, 59)) }],
  ['expires in the year 10000', 'sid', { expires: new Date(Date.UTC(10000, 0, 1)) }],
  ['expires at the latest time value', 'sid', { expires: new Date(8.64e15) }],
  ['expires at the earliest time value', 'sid', { expires: new Date(-8.64e15) }],
  ['secure 1', 'sid', { secure: 1 as unknown as boolean }],
  ['secure "true"', 'sid', { secure: 'true' as unknown as boolean }],
  ['httpOnly 1', 'sid', { httpOnly: 1 as unknown as boolean }],
  ['httpOnly "yes"', 'sid', { httpOnly: 'yes' as unknown as boolean }],
  ['partitioned 1 (would write Partitioned without Secure)', 'sid', { partitioned: 1 as unknown as boolean }],
  ['partitioned "yes"', 'sid', { partitioned: 'yes' as unknown as boolean }],
  ['signed 1', 'sid', { signed: 1 as unknown as boolean }],
  ['expires Invalid Date', 'sid', { expires: new Date('not a date') }],
  ['expires a string', 'sid', { expires: '2030-01-01' as unknown as Date }],
  ['expires a number', 'sid', { expires: Date.now() as unknown as Date }],
  ['sameSite none without secure', 'sid', { sameSite: 'none' }],
  ['sameSite none with secure: false', 'sid', { sameSite: 'none', secure: false }],
  ['sameSite None (capitalized) without secure', 'sid', { sameSite: 'None' as 'none' }],
  ['partitioned without secure', 'sid', { partitioned: true }],
  ['__Secure- without secure', '__Secure-sid', {}],
  ['__secure- (lower case) without secure', '__secure-sid', {}],
  ['__Host- without secure', '__Host-sid', {}],
  ['__Host- with a domain', '__Host-sid', { secure: true, domain: 'example.com' }],
  ['__Host- with path /app', '__Host-sid', { secure: true, path: '/app' }],
  ['__host- (lower case) without secure', '__host-sid', {}],
  ['__HOST- (upper case) with a domain', '__HOST-sid', { secure: true, domain: 'example.com' }],
  ['domain with a space', 'sid', { domain: 'a b' }],
  ['path with ;', 'sid', { path: '/a;b' }],
  ['priority urgent', 'sid', { priority: 'urgent' as 'high' }],
  ['sameSite sometimes', 'sid', { sameSite: 'sometimes' as 'lax' }]
]

for (const [label, name, options] of invalidOptions) {
  test(`invalid cookie option: ${label}`, async (t) => {
    const holder = new TemporaryResponse()
    holder.setCookie('keep', '1')
    t.throws(() => holder.setCookie(name, 'v', options), { code: INVALID_OPTION })
    t.same(holder.headers.getSetCookie(), ['keep=1; Path=/; SameSite=Lax'], 'nothing staged')
  })
}

test('cookie prefixes are accepted when their rules hold', async (t) => {
  t.equal(staged({ secure: true }, '__Secure-sid'), '__Secure-sid=v; Path=/; Secure; SameSite=Lax')
  t.equal(staged({ secure: true, domain: 'example.com', path: '/app' }, '__Secure-sid'),
    '__Secure-sid=v; Domain=example.com; Path=/app; Secure; SameSite=Lax')
  t.equal(staged({ secure: true }, '__Host-sid'), '__Host-sid=v; Path=/; Secure; SameSite=Lax')
  t.equal(staged({ secure: true, path: '/' }, '__Host-sid'), '__Host-sid=v; Path=/; Secure; SameSite=Lax')
  t.equal(staged({}, '_Host-sid'), '_Host-sid=v; Path=/; SameSite=Lax', 'not a prefix')
  t.equal(staged({}, 'x__Secure-sid'), 'x__Secure-sid=v; Path=/; SameSite=Lax', 'not a prefix')
})

test('an unknown option throws, names the key and lists the valid ones', async (t) => {
  const holder = new TemporaryResponse()
  holder.setCookie('keep', '1')
  t.throws(() => holder.setCookie('sid', 'v', { httponly: true } as never), {
    code: INVALID_OPTION,
    message: 'Cookie "sid": unknown option "httponly" (did you mean "httpOnly"?); setCookie() takes maxAge, expires, path, domain, secure, httpOnly, sameSite, partitioned, priority, signed'
  })
  t.throws(() => holder.setCookie('sid', 'v', { httpOnly: true, encode: String } as never), {
    code: INVALID_OPTION,
    message: 'Cookie "sid": unknown option "encode"; setCookie() takes maxAge, expires, path, domain, secure, httpOnly, sameSite, partitioned, priority, signed'
  })
  t.throws(() => holder.clearCookie('sid', { SameSite: 'strict' } as never), {
    code: INVALID_OPTION,
    message: 'Cookie "sid": unknown option "SameSite" (did you mean "sameSite"?); clearCookie() takes path, domain, secure, httpOnly, sameSite, partitioned, priority'
  })
  t.same(holder.headers.getSetCookie(), ['keep=1; Path=/; SameSite=Lax'], 'nothing staged')
})

test('an unknown key is caught on every call, also one added to options already used', async (t) => {
  const holder = new TemporaryResponse()
  const options: Record<string, unknown> = { httpOnly: true }
  holder.setCookie('a', '1', options)
  options.httponly = true
  t.throws(() => holder.setCookie('b', '2', options), { code: INVALID_OPTION }, 'added key')
  // The same number of keys, and the same values for the known ones, as a call that passed.
  const swapped: Record<string, unknown> = { domain: undefined }
  holder.setCookie('c', '3', swapped)
  delete swapped.domain
  swapped.secure_ = true
  t.throws(() => holder.setCookie('d', '4', swapped), { code: INVALID_OPTION }, 'a known key swapped for an unknown one')
  // Inherited enumerable keys are options too, as they are read as options.
  t.throws(() => holder.setCookie('e', '5', Object.create({ httponly: true })), { code: INVALID_OPTION }, 'inherited key')
  t.same(holder.headers.getSetCookie().map(line => line.split('=')[0]), ['a', 'c'])
})

test('options that are not an object, or option values of the wrong type, throw', async (t) => {
  const holder = new TemporaryResponse()
  const bad: Array<[string, unknown, string]> = [
    ['a string', 'httpOnly', 'options must be an object, instead got "httpOnly"'],
    ['a number', 1, 'options must be an object, instead got 1'],
    ['a symbol', Symbol('s'), 'options must be an object, instead got [object Symbol]'],
    ['path a number', { path: 5 }, 'path must be a string, instead got 5'],
    ['domain an object', { domain: {} }, 'domain must be a string, instead got [object Object]'],
    ['priority true', { priority: true }, 'priority must be a string, instead got true'],
    ['sameSite a number', { sameSite: 1 }, "sameSite must be 'lax', 'strict', 'none' or a boolean, instead got 1"],
    ['signed a string', { signed: 'false' }, 'signed must be a boolean, instead got "false"'],
    ['expires a Date look-alike', { expires: Object.create(Date.prototype) }, 'expires must be a Date, instead got [object Object]'],
    ['expires Invalid Date', { expires: new Date(NaN) }, 'expires must be a valid Date, instead got an Invalid Date'],
    ['expires in 10000', { expires: new Date(Date.UTC(10000, 0, 1)) }, 'expires must be in the years 1601 to 9999, instead got the year 10000'],
    ['maxAge -1e21', { maxAge: -1e21 }, 'maxAge must be a safe integer number of seconds up to 34560000 (400 days), instead got -1e+21'],
    ['partitioned 1', { partitioned: 1 }, 'partitioned must be a boolean, instead got 1'],
    ['secure "yes"', { secure: 'yes' }, 'secure must be a boolean, instead got "yes"']
  ]
  for (const [label, options, reason] of bad) {
    t.throws(() => holder.setCookie('sid', 'v', options as never), { code: INVALID_OPTION, message: `Cookie "sid": ${reason}` }, label)
  }
  t.same(holder.headers.getSetCookie(), [], 'nothing staged')
  holder.setCookie('sid', 'v', {
    path: null, domain: null, sameSite: null, priority: null, expires: null, secure: null, httpOnly: null, partitioned: null, signed: null
  } as never)
  t.same(holder.headers.getSetCookie(), ['sid=v; Path=/; SameSite=Lax'], 'null is left out, as undefined is (and as @fastify/cookie does)')
})

test('a value that cannot be made a string throws FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE', async (t) => {
  const holder = new TemporaryResponse()
  t.throws(() => holder.setCookie('sid', Symbol('s') as never), { code: INVALID_VALUE })
  t.throws(() => holder.setCookie('sid', Object.create(null)), { code: INVALID_VALUE })
  t.same(holder.headers.getSetCookie(), [])
})

test('expires at the edges of the years 1601 and 9999 is written', async (t) => {
  t.equal(staged({ expires: new Date(Date.UTC(1601, 0, 1)) }), 'sid=v; Path=/; Expires=Mon, 01 Jan 1601 00:00:00 GMT; SameSite=Lax')
  t.equal(staged({ expires: new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)) }), 'sid=v; Path=/; Expires=Fri, 31 Dec 9999 23:59:59 GMT; SameSite=Lax')
})

test('maxAge: negative safe integers are written as they are, -0 as 0', async (t) => {
  t.equal(staged({ maxAge: -1 }), 'sid=v; Max-Age=-1; Path=/; SameSite=Lax')
  t.equal(staged({ maxAge: -(2 ** 53 - 1) }), 'sid=v; Max-Age=-9007199254740991; Path=/; SameSite=Lax')
  t.equal(staged({ maxAge: -0 }), 'sid=v; Max-Age=0; Path=/; SameSite=Lax')
})

test('secure: \'auto\' on a holder made by hand (no request) throws at the call', async (t) => {
  const holder = new TemporaryResponse()
  t.throws(() => holder.setCookie('sid', 'v', { secure: 'auto' }), {
    code: INVALID_OPTION,
    message: 'Cookie "sid": secure: \'auto\' needs a request to tell HTTPS from HTTP; this holder has none'
  })
  t.same(holder.headers.getSetCookie(), [])
})
