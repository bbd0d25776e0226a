import { validateHeaderName, validateHeaderValue } from 'node:http'
import { test } from 'tap'
import { TemporaryHeaders, normalizeHeaderName } from '../../plugin/holder/headers.ts'
import { TemporaryResponse } from '../../plugin/index.ts'

const INVALID_NAME = 'FST_TEMP_RESPONSE_INVALID_HEADER_NAME'
const INVALID_VALUE = 'FST_TEMP_RESPONSE_INVALID_HEADER_VALUE'
const FORBIDDEN = 'FST_TEMP_RESPONSE_FORBIDDEN_HEADER'

const invalidNames = [
  '', ' ', 'a b', ' x-a', 'x-a ', 'x:y', ':authority', 'é', 'x-caf\u00e9', 'x-€', '(', 'a)',
  'a/b', 'a@b', '[x]', '{x}', 'a"b', 'a,b', 'a;b', 'a=b', 'a?b', 'a\\b', 'a<b>', 'a\tb', 'x\r', 'x\n', 'x\u0000'
]

const invalidValues: Array<[string, string]> = [
  ['CR', 'a\rb'],
  ['LF', 'a\nb'],
  ['CRLF header injection', 'v\r\nSet-Cookie: evil=1'],
  ['trailing CRLF', 'v\r\n'],
  ['NUL', 'a\u0000b'],
  ['DEL 0x7F', 'a\u007fb'],
  ['0x01', '\u0001'],
  ['0x08 backspace', 'a\bb'],
  ['0x0B vertical tab', 'a\u000bb'],
  ['0x0C form feed', 'a\u000cb'],
  ['0x1B escape', 'a\u001bb'],
  ['0x1F', '\u001f'],
  ['U+0100', 'a\u0100'],
  ['euro sign', '10 €'],
  ['emoji', 'cat 🐈'],
  ['lone surrogate', '\ud800']
]

// Framing headers, and the connection-specific ones HTTP/2 forbids (RFC 9113 8.2.2).
const forbiddenHeaders = [
  'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer', 'http2-settings'
]

function casings (name: string): string[] {
  const title = name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase())
  return [name, name.toUpperCase(), title]
}

test('a fresh holder has no staged headers', async (t) => {
  const headers = new TemporaryResponse().headers
  t.equal(headers.has('x-a'), false)
  t.equal(headers.get('x-a'), null)
  t.equal(headers.get('set-cookie'), null)
  t.equal(headers.has('set-cookie'), false)
  t.same(headers.getSetCookie(), [])
  t.same([...headers], [])
  t.same([...headers.keys()], [])
  t.same([...headers.values()], [])
})

test('the holder returns the same headers object on every read', async (t) => {
  const holder = new TemporaryResponse()
  t.equal(holder.headers, holder.headers)
  t.ok(holder.headers instanceof TemporaryHeaders)
})

test('set then get, has: names are case-insensitive', async (t) => {
  const headers = new TemporaryHeaders()
  headers.set('X-Cat-Dog', 'alone in the world')
  t.equal(headers.get('x-cat-dog'), 'alone in the world')
  t.equal(headers.get('X-CAT-DOG'), 'alone in the world')
  t.equal(headers.get('x-Cat-dOG'), 'alone in the world')
  t.equal(headers.has('X-CAT-DOG'), true)
  t.equal(headers.has('x-cat'), false)
  t.same([...headers.keys()], ['x-cat-dog'], 'iteration yields lower-case names')
})

test('set replaces the value, whatever the case of the name', async (t) => {
  const headers = new TemporaryHeaders()
  headers.set('X-A', 'one')
  headers.append('x-a', 'two')
  headers.set('x-A', 'three')
  t.equal(headers.get('x-a'), 'three')
  t.same([...headers], [['x-a', 'three']])
})

test('append joins values of a header other than Set-Cookie with ", "', async (t) => {
  const headers = new TemporaryHeaders()
  headers.append('Vary', 'Accept')
  t.equal(headers.get('vary'), 'Accept', 'append on a new name stages it')
  headers.append('VARY', 'Accept-Language')
  headers.append('vary', 'Origin')
  t.equal(headers.get('Vary'), 'Accept, Accept-Language, Origin')
  t.same([...headers], [['vary', 'Accept, Accept-Language, Origin']])
})

test('delete removes a header, case-insensitively, and is a no-op for an absent one', async (t) => {
  const headers = new TemporaryHeaders()
  headers.set('x-a', '1')
  headers.set('x-b', '2')
  headers.delete('X-A')
  t.equal(headers.has('x-a'), false)
  t.equal(headers.get('x-a'), null)
  t.equal(headers.get('x-b'), '2')
  headers.delete('x-absent')
  t.same([...headers], [['x-b', '2']])
})

test('Set-Cookie: append keeps separate lines, get joins them with ", "', async (t) => {
  const headers = new TemporaryHeaders()
  headers.append('Set-Cookie', 'a=1; Path=/')
  headers.append('set-cookie', 'b=2, c')
  t.same(headers.getSetCookie(), ['a=1; Path=/', 'b=2, c'])
  t.equal(headers.get('SET-COOKIE'), 'a=1; Path=/, b=2, c')
  t.equal(headers.has('Set-Cookie'), true)
  t.same([...headers], [['set-cookie', 'a=1; Path=/'], ['set-cookie', 'b=2, c']])
})

test('Set-Cookie: set replaces every line, delete removes them all', async (t) => {
  const headers = new TemporaryHeaders()
  headers.append('set-cookie', 'a=1')
  headers.append('set-cookie', 'b=2')
  headers.set('Set-Cookie', 'c=3')
  t.same(headers.getSetCookie(), ['c=3'])
  headers.delete('SET-COOKIE')
  t.same(headers.getSetCookie(), [])
  t.equal(headers.has('set-cookie'), false)
  t.equal(headers.get('set-cookie'), null)
  t.same([...headers], [])
})

test('getSetCookie returns a copy', async (t) => {
  const headers = new TemporaryHeaders()
  headers.append('set-cookie', 'a=1')
  const lines = headers.getSetCookie()
  lines.push('evil=1')
  lines[0] = 'changed'
  t.same(headers.getSetCookie(), ['a=1'])
})

function stageMixed (): TemporaryHeaders {
  const headers = new TemporaryHeaders()
  headers.set('X-Zeta', 'z')
  headers.append('Set-Cookie', 'b=2')
  headers.set('a-first', 'a')
  headers.set('Content-Type', 'text/html')
  headers.append('set-cookie', 'a=1')
  headers.set('X-alpha', 'x')
  return headers
}

const sortedEntries = [
  ['a-first', 'a'],
  ['content-type', 'text/html'],
  ['set-cookie', 'b=2'],
  ['set-cookie', 'a=1'],
  ['x-alpha', 'x'],
  ['x-zeta', 'z']
]

test('entries, iteration, keys and values are sorted by lower-case name, one pair per Set-Cookie line', async (t) => {
  const headers = stageMixed()
  t.same([...headers.entries()], sortedEntries)
  t.same([...headers], sortedEntries)
  t.same(Array.from(headers), sortedEntries)
  t.same([...headers.keys()], sortedEntries.map(([k]) => k))
  t.same([...headers.values()], sortedEntries.map(([, v]) => v))
  const fromLoop: string[][] = []
  for (const [k, v] of headers) fromLoop.push([k, v])
  t.same(fromLoop, sortedEntries)
})

test('forEach visits value, name, parent in sorted order with thisArg', async (t) => {
  const headers = stageMixed()
  const seen: string[][] = []
  const self = { tag: 'this' }
  headers.forEach(function (this: unknown, value, key, parent) {
    t.equal(this, self)
    t.equal(parent, headers)
    seen.push([key, value])
  }, self)
  t.same(seen, sortedEntries)
})

test('is Headers-like: Object.prototype.toString, new Headers(), new Response()', async (t) => {
  const holder = new TemporaryResponse()
  holder.headers.set('X-Cat-Dog', 'alone in the world')
  holder.headers.append('Vary', 'Accept')
  holder.setCookie('a', '1')
  holder.setCookie('b', '2')
  t.equal(Object.prototype.toString.call(holder.headers), '[object Headers]')

  const copy = new Headers(holder.headers)
  t.same([...copy], [...holder.headers])

  const response = new Response('x', { headers: holder.headers })
  t.equal(response.headers.get('x-cat-dog'), 'alone in the world')
  t.equal(response.headers.get('vary'), 'Accept')
  t.same(response.headers.getSetCookie(), ['a=1; Path=/; SameSite=Lax', 'b=2; Path=/; SameSite=Lax'])
  t.equal(await response.text(), 'x')
})

test('leading and trailing spaces and tabs are trimmed from values, inner ones kept', async (t) => {
  const headers = new TemporaryHeaders()
  headers.set('x-a', ' \t value with  inner\tspace \t ')
  t.equal(headers.get('x-a'), 'value with  inner\tspace')
  headers.append('x-a', '\tsecond ')
  t.equal(headers.get('x-a'), 'value with  inner\tspace, second')
  headers.append('set-cookie', '  a=1  ')
  t.same(headers.getSetCookie(), ['a=1'])
})

test('an empty value, or one of only whitespace, is allowed and staged as ""', async (t) => {
  const headers = new TemporaryHeaders()
  headers.set('x-empty', '')
  t.equal(headers.has('x-empty'), true)
  t.equal(headers.get('x-empty'), '')
  headers.set('x-blank', ' \t ')
  t.equal(headers.get('x-blank'), '')
})

test('tab and obs-text (0x80-0xFF) are allowed in values', async (t) => {
  const headers = new TemporaryHeaders()
  headers.set('x-tab', 'a\tb')
  headers.set('x-latin1', 'café ñ \u0080\u00a0\u00ff')
  headers.set('x-visible', ' !"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~')
  t.equal(headers.get('x-tab'), 'a\tb')
  t.equal(headers.get('x-latin1'), 'café ñ \u0080\u00a0\u00ff')
  t.equal(headers.get('x-visible'), '!"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~')
})

test('a non-string value is converted to a string, as Fetch does', async (t) => {
  const headers = new TemporaryHeaders()
  headers.set('x-n', 42 as unknown as string)
  headers.append('x-n', true as unknown as string)
  t.equal(headers.get('x-n'), '42, true')
})

test('every RFC 9110 tchar is accepted in a name', async (t) => {
  const headers = new TemporaryHeaders()
  const name = "!#$%&'*+-.^_`|~09AZaz"
  headers.set(name, 'v')
  t.equal(headers.get(name), 'v')
  t.equal(normalizeHeaderName('X-Cat-Dog'), 'x-cat-dog')
})

test('invalid header name: message names the value', async (t) => {
  const headers = new TemporaryHeaders()
  t.throws(() => headers.set('a b', 'v'), {
    code: INVALID_NAME,
    message: 'Header name must be an RFC 9110 token, instead got "a b"'
  })
})

test('invalid header names throw on set, append, delete, get and has', async (t) => {
  const headers = new TemporaryHeaders()
  for (const name of invalidNames) {
    const label = JSON.stringify(name)
    t.throws(() => headers.set(name, 'v'), { code: INVALID_NAME }, `set ${label}`)
    t.throws(() => headers.append(name, 'v'), { code: INVALID_NAME }, `append ${label}`)
    t.throws(() => headers.delete(name), { code: INVALID_NAME }, `delete ${label}`)
    t.throws(() => headers.get(name), { code: INVALID_NAME }, `get ${label}`)
    t.throws(() => headers.has(name), { code: INVALID_NAME }, `has ${label}`)
  }
  t.same([...headers], [], 'nothing staged')
})

test('a name that is not a string throws, with its string form in the message', async (t) => {
  const headers = new TemporaryHeaders()
  const err = t.throws(() => headers.get({} as unknown as string), { code: INVALID_NAME }) as Error
  t.equal(err.message, 'Header name must be an RFC 9110 token, instead got [object Object]')
  t.ok(err instanceof TypeError)
})

test('invalid header value: message names the header in lower case', async (t) => {
  const headers = new TemporaryHeaders()
  const err = t.throws(() => headers.set('X-A', 'a\r\nb'), {
    code: INVALID_VALUE,
    message: 'Header "x-a" has a value with a character HTTP cannot carry (CR, LF, NUL, another control character, or above U+00FF)'
  }) as Error
  t.ok(err instanceof TypeError)
})

test('values Node would refuse throw on set and append, for any header and Set-Cookie', async (t) => {
  for (const [label, value] of invalidValues) {
    const headers = new TemporaryHeaders()
    t.throws(() => headers.set('x-a', value), { code: INVALID_VALUE }, `set ${label}`)
    t.throws(() => headers.append('x-a', value), { code: INVALID_VALUE }, `append ${label}`)
    t.throws(() => headers.set('Set-Cookie', 'a=' + value), { code: INVALID_VALUE }, `set Set-Cookie ${label}`)
    t.throws(() => headers.append('set-cookie', 'a=' + value), { code: INVALID_VALUE }, `append Set-Cookie ${label}`)
    t.equal(headers.has('x-a'), false, `nothing staged for ${label}`)
    t.same(headers.getSetCookie(), [], `no cookie staged for ${label}`)
  }
})

test('a refused value leaves the previous value intact', async (t) => {
  const headers = new TemporaryHeaders()
  headers.set('x-a', 'before')
  headers.append('set-cookie', 'a=1')
  headers.append('set-cookie', 'b=2')
  t.throws(() => headers.set('x-a', 'evil\r\nx: y'), { code: INVALID_VALUE })
  t.throws(() => headers.append('x-a', 'evil\n'), { code: INVALID_VALUE })
  t.throws(() => headers.set('set-cookie', 'c=\u0000'), { code: INVALID_VALUE })
  t.throws(() => headers.append('set-cookie', 'c=€'), { code: INVALID_VALUE })
  t.equal(headers.get('x-a'), 'before')
  t.same(headers.getSetCookie(), ['a=1', 'b=2'])
  t.same([...headers], [['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['x-a', 'before']])
})

test('forbidden header: message names it in lower case', async (t) => {
  const headers = new TemporaryHeaders()
  const err = t.throws(() => headers.set('Content-Length', '10'), {
    code: FORBIDDEN,
    message: 'Header "content-length" frames the HTTP message or is connection-specific (forbidden in HTTP/2) and cannot be staged; Fastify and Node.js frame the message and manage the connection'
  }) as Error
  t.ok(err instanceof TypeError)
})

test('framing and connection-specific headers cannot be set or appended, in any case', async (t) => {
  const headers = new TemporaryHeaders()
  for (const name of forbiddenHeaders) {
    for (const spelled of casings(name)) {
      t.throws(() => headers.set(spelled, 'close'), { code: FORBIDDEN }, `set ${spelled}`)
      t.throws(() => headers.append(spelled, 'close'), { code: FORBIDDEN }, `append ${spelled}`)
      t.equal(headers.has(spelled), false, `${spelled} is not staged`)
      t.equal(headers.get(spelled), null)
    }
  }
  t.same([...headers], [], 'nothing staged')
})

test('headers that merely resemble framing headers are allowed', async (t) => {
  const headers = new TemporaryHeaders()
  for (const name of ['content-lengths', 'x-content-length', 'tes', 'trailers', 'upgrade-insecure-requests', 'connection-id']) {
    headers.set(name, '1')
    t.equal(headers.get(name), '1', name)
  }
})

function accepts (fn: () => void): boolean {
  try {
    fn()
    return true
  } catch {
    return false
  }
}

test('values: accepts exactly what http.validateHeaderValue accepts, for U+0000-U+017F', async (t) => {
  const mismatches: string[] = []
  for (let code = 0; code <= 0x17f; code++) {
    const value = 'a' + String.fromCharCode(code) + 'b'
    const node = accepts(() => validateHeaderValue('x-a', value))
    const ours = accepts(() => new TemporaryHeaders().set('x-a', value))
    if (node !== ours) mismatches.push(code.toString(16))
  }
  t.same(mismatches, [])
})

test('names: accepts exactly what http.validateHeaderName accepts, for U+0000-U+017F', async (t) => {
  const mismatches: string[] = []
  for (let code = 0; code <= 0x17f; code++) {
    const name = 'x' + String.fromCharCode(code)
    const node = accepts(() => validateHeaderName(name))
    const ours = accepts(() => new TemporaryHeaders().get(name))
    if (node !== ours) mismatches.push(code.toString(16))
  }
  t.same(mismatches, [])
})

test('thousands of distinct names are all validated and staged', async (t) => {
  const headers = new TemporaryHeaders()
  for (let i = 0; i < 1100; i++) headers.set(`X-Name-${i}`, String(i))
  t.equal(headers.get('x-name-0'), '0')
  t.equal(headers.get('X-NAME-1099'), '1099')
  t.equal([...headers.keys()].length, 1100)
  t.throws(() => headers.set('Content-Length', '1'), { code: 'FST_TEMP_RESPONSE_FORBIDDEN_HEADER' }, 'framing names are never remembered as writable')
})
