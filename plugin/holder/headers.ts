import {
  FST_TEMP_RESPONSE_ALREADY_SENT,
  FST_TEMP_RESPONSE_FORBIDDEN_HEADER,
  FST_TEMP_RESPONSE_INVALID_HEADER_NAME,
  FST_TEMP_RESPONSE_INVALID_HEADER_VALUE
} from '../errors.ts'
import { describe, toText } from '../describe.ts'
import { kCookies, kNames, kObsText, kSealed, kValues } from '../symbols.ts'

// RFC 9110 5.6.2: token = 1*tchar
// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
export const tokenRE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// Anything but tab and visible ASCII: most values have none, and pay for this test only.
const notPlainRE = /[^\t\x20-\x7e]/
// What node:http validateHeaderValue() refuses (lib/_http_common.js checkInvalidHeaderChar):
// everything but tab, visible ASCII and obs-text (0x80-0xFF).
const invalidValueCharRE = /[^\t\x20-\x7e\x80-\xff]/
// Fetch "normalize": strip leading and trailing HTTP whitespace. CR and LF never get this far.
const surroundingWhitespaceRE = /^[\t ]+|[\t ]+$/g

/**
 * Headers that frame the message or manage the connection. Node.js and Fastify compute
 * the framing from the body, so a staged value could only contradict the bytes on the wire;
 * HTTP/2 forbids the connection-specific ones (RFC 9113 8.2.2), and Node's HTTP/2 layer
 * answers a response that carries one with a 500 (ERR_HTTP2_INVALID_CONNECTION_HEADERS,
 * lib/internal/http2/util.js isIllegalConnectionSpecificHeader).
 */
const forbiddenHeaders = new Set([
  'connection', 'content-length', 'http2-settings', 'keep-alive', 'proxy-connection',
  'te', 'trailer', 'transfer-encoding', 'upgrade'
])

/** Lower-cases and checks a header name; throws a coded error when it is not a token. */
export function normalizeHeaderName (name: string): string {
  if (typeof name !== 'string' || !tokenRE.test(name)) {
    throw new FST_TEMP_RESPONSE_INVALID_HEADER_NAME(describe(name))
  }
  return name.toLowerCase()
}

/**
 * Checks and trims a value. Obs-text (0x80-0xFF) is allowed, as Node allows it,
 * and noted on the headers: see kObsText.
 */
function normalizeHeaderValue (headers: TemporaryHeaders, name: string, value: unknown): string {
  const text = toText(value)
  if (text === null) throw new FST_TEMP_RESPONSE_INVALID_HEADER_VALUE(name)
  if (notPlainRE.test(text)) {
    if (invalidValueCharRE.test(text)) throw new FST_TEMP_RESPONSE_INVALID_HEADER_VALUE(name)
    headers[kObsText] = true
  }
  return isBlank(text.charCodeAt(0)) || isBlank(text.charCodeAt(text.length - 1))
    ? text.replace(surroundingWhitespaceRE, '')
    : text
}

function isBlank (code: number): boolean {
  return code === 0x20 || code === 0x09
}

/**
 * The internalized copy of a string, as V8 keeps an object's property names. Fastify holds
 * reply headers in an object, so every name written becomes a key, and V8 11 (Node 20) turns a
 * string that becomes a key into a ThinString whose map says two-byte. Joins and concatenations
 * that take it in then build two-byte strings: an exposure list of such names made Node 20's
 * whole header block two-byte, which Node transcodes at every write (about 3% of the `cors`
 * benchmark's throughput on Node 20). A name that is a key already stays one-byte, in every Node.
 */
function internalize (name: string): string {
  return Object.keys({ [name]: 0 })[0]
}

// Names are almost always constants: remember the ones that passed, up to a bound, internalized.
const writableNames = new Map<string, string>()

function normalizeWritableName (name: string): string {
  const cached = writableNames.get(name)
  if (cached !== undefined) return cached
  const key = internalize(normalizeHeaderName(name))
  if (forbiddenHeaders.has(key)) {
    throw new FST_TEMP_RESPONSE_FORBIDDEN_HEADER(key)
  }
  if (writableNames.size === 1024) writableNames.clear()
  writableNames.set(name, key)
  return key
}

/**
 * The staged headers of a temporary response: the Fetch `Headers` API
 * (https://fetch.spec.whatwg.org/#headers-class), with names case-insensitive,
 * `Set-Cookie` kept as separate lines, and every write validated at the call.
 */
export class TemporaryHeaders implements Headers {
  /**
   * Lower-case names and their combined values, in insertion order, as two
   * parallel arrays: a request stages a handful of headers, and a linear scan
   * of a few strings beats a Map and allocates no entry tuples.
   * `set-cookie` is never here.
   */
  readonly [kNames]: string[]
  readonly [kValues]: string[]
  /** Staged `Set-Cookie` lines, in order. */
  [kCookies]: string[]
  [kSealed]: boolean
  /** A staged value has obs-text (0x80-0xFF), which a string body would re-encode. */
  [kObsText]: boolean

  constructor () {
    this[kNames] = []
    this[kValues] = []
    this[kCookies] = noCookies
    this[kSealed] = false
    this[kObsText] = false
  }

  /**
   * Appends a value: `Set-Cookie` gets a line of its own, any other header joins
   * the existing value with `, `.
   * @example request.response.headers.append('Vary', 'Accept-Language')
   */
  append (name: string, value: string): void {
    assertWritable(this, 'headers.append()')
    const key = normalizeWritableName(name)
    const text = normalizeHeaderValue(this, key, value)
    if (key === 'set-cookie') addCookie(this, text)
    else putValue(this, key, text, true)
  }

  /**
   * Replaces every value of a header (all `Set-Cookie` lines, for `Set-Cookie`).
   * @example request.response.headers.set('X-Cat-Dog', 'alone in the world')
   */
  set (name: string, value: string): void {
    assertWritable(this, 'headers.set()')
    const key = normalizeWritableName(name)
    const text = normalizeHeaderValue(this, key, value)
    if (key === 'set-cookie') this[kCookies] = [text]
    else putValue(this, key, text, false)
  }

  /**
   * Removes a staged header.
   * @example request.response.headers.delete('Set-Cookie')
   */
  delete (name: string): void {
    assertWritable(this, 'headers.delete()')
    const key = normalizeHeaderName(name)
    if (key === 'set-cookie') {
      this[kCookies] = noCookies
      return
    }
    const index = this[kNames].indexOf(key)
    if (index !== -1) {
      this[kNames].splice(index, 1)
      this[kValues].splice(index, 1)
    }
  }

  /** The combined value of a staged header, or `null`. */
  get (name: string): string | null {
    const key = normalizeHeaderName(name)
    if (key === 'set-cookie') {
      return this[kCookies].length === 0 ? null : this[kCookies].join(', ')
    }
    return stagedValue(this, key) ?? null
  }

  /** The staged `Set-Cookie` lines, one string each. */
  getSetCookie (): string[] {
    return this[kCookies].slice()
  }

  /** Whether a header is staged. */
  has (name: string): boolean {
    const key = normalizeHeaderName(name)
    return key === 'set-cookie' ? this[kCookies].length !== 0 : this[kNames].includes(key)
  }

  forEach (callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [key, value] of this) {
      callback.call(thisArg, value, key, this)
    }
  }

  /** Name/value pairs sorted by name, one pair per `Set-Cookie` line, as Fetch iterates. */
  * entries (): IterableIterator<[string, string]> {
    const names = this[kNames].slice()
    if (this[kCookies].length !== 0) names.push('set-cookie')
    names.sort()
    for (const key of names) {
      if (key === 'set-cookie') {
        for (const cookie of this[kCookies]) yield [key, cookie]
      } else {
        yield [key, stagedValue(this, key) as string]
      }
    }
  }

  * keys (): IterableIterator<string> {
    for (const [key] of this.entries()) yield key
  }

  * values (): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value
  }

  [Symbol.iterator] (): IterableIterator<[string, string]> {
    return this.entries()
  }

  get [Symbol.toStringTag] (): string {
    return 'Headers'
  }
}

/** Shared by every holder until its first cookie, so a request without cookies allocates no list. */
const noCookies: string[] = Object.freeze([]) as unknown as string[]

/** Stages one serialized `Set-Cookie` line. */
export function addCookie (headers: TemporaryHeaders, line: string): void {
  if (headers[kCookies] === noCookies) headers[kCookies] = [line]
  else headers[kCookies].push(line)
}

/** Stages a value under a lower-case name (not `set-cookie`), replacing or, with `join`, appending. */
function putValue (headers: TemporaryHeaders, key: string, text: string, join: boolean): void {
  const index = headers[kNames].indexOf(key)
  if (index === -1) {
    headers[kNames].push(key)
    headers[kValues].push(text)
  } else {
    headers[kValues][index] = join ? headers[kValues][index] + ', ' + text : text
  }
}

/** The staged value of a lower-case name (not `set-cookie`), or `undefined`. */
export function stagedValue (headers: TemporaryHeaders, key: string): string | undefined {
  const index = headers[kNames].indexOf(key)
  return index === -1 ? undefined : headers[kValues][index]
}

/** Throws the coded error for a write after the merge. */
function assertWritable (headers: TemporaryHeaders, call: string): void {
  if (headers[kSealed]) {
    throw new FST_TEMP_RESPONSE_ALREADY_SENT(call)
  }
}
