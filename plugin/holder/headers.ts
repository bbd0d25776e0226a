import {
  FST_TEMP_RESPONSE_ALREADY_SENT,
  FST_TEMP_RESPONSE_FORBIDDEN_HEADER,
  FST_TEMP_RESPONSE_INVALID_HEADER_NAME,
  FST_TEMP_RESPONSE_INVALID_HEADER_VALUE
} from '../errors.ts'
import { describe, toText } from '../describe.ts'
import { createHeadersIterator, forEachHeader } from './headers-iterator.ts'
import type { SortedList } from './headers-iterator.ts'
import { kCookies, kEntries, kObsText, kSealed, kSorted } from '../symbols.ts'

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
  internalizer[name] = 0
  const key = Object.keys(internalizer)[0]
  delete internalizer[name]
  return key
}

// A null-prototype object is a dictionary in V8 from the start: a name added and deleted leaves
// no hidden class behind, where an object literal with a computed key makes a new one for every
// distinct name (a cost that grew with the number of names staged).
const internalizer: Record<string, number> = Object.create(null)

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
 * Iteration walks Fetch's sorted list as it is at each step (see headers-iterator.ts).
 */
export class TemporaryHeaders implements Headers {
  /**
   * Lower-case names and their combined values, in insertion order: every lookup is
   * constant time, so staging n names costs O(n). `set-cookie` is never here.
   */
  readonly [kEntries]: Map<string, string>
  /** Staged `Set-Cookie` lines, in order. */
  [kCookies]: string[]
  [kSorted]: SortedList | null
  [kSealed]: boolean
  /** A staged value has obs-text (0x80-0xFF), which a string body would re-encode. */
  [kObsText]: boolean

  constructor () {
    this[kEntries] = new Map()
    this[kCookies] = noCookies
    this[kSorted] = null
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
    if (key === 'set-cookie') {
      addCookie(this, text)
      return
    }
    const entries = this[kEntries]
    const current = entries.get(key)
    entries.set(key, current === undefined ? text : current + ', ' + text)
    this[kSorted] = null
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
    else this[kEntries].set(key, text)
    this[kSorted] = null
  }

  /**
   * Removes a staged header.
   * @example request.response.headers.delete('Set-Cookie')
   */
  delete (name: string): void {
    assertWritable(this, 'headers.delete()')
    const key = normalizeHeaderName(name)
    if (key === 'set-cookie') this[kCookies] = noCookies
    else this[kEntries].delete(key)
    this[kSorted] = null
  }

  /** The combined value of a staged header, or `null`. */
  get (name: string): string | null {
    const key = normalizeHeaderName(name)
    if (key === 'set-cookie') {
      return this[kCookies].length === 0 ? null : this[kCookies].join(', ')
    }
    return this[kEntries].get(key) ?? null
  }

  /** The staged `Set-Cookie` lines, one string each. */
  getSetCookie (): string[] {
    return this[kCookies].slice()
  }

  /** Whether a header is staged. */
  has (name: string): boolean {
    const key = normalizeHeaderName(name)
    return key === 'set-cookie' ? this[kCookies].length !== 0 : this[kEntries].has(key)
  }

  /** Calls `callback(value, name, headers)` for each pair, in iteration order, as Fetch does. */
  forEach (callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    forEachHeader(this, callback, thisArg)
  }

  /** Name/value pairs sorted by name, one pair per `Set-Cookie` line, as Fetch iterates. */
  entries (): IterableIterator<[string, string]> {
    return createHeadersIterator(this, 'key+value')
  }

  /** The names, in iteration order. */
  keys (): IterableIterator<string> {
    return createHeadersIterator(this, 'key')
  }

  /** The values, in iteration order. */
  values (): IterableIterator<string> {
    return createHeadersIterator(this, 'value')
  }

  /** The same function as `entries`, as WebIDL makes it. */
  declare [Symbol.iterator]: () => IterableIterator<[string, string]>

  get [Symbol.toStringTag] (): string {
    return 'Headers'
  }
}

Object.defineProperty(TemporaryHeaders.prototype, Symbol.iterator, {
  value: TemporaryHeaders.prototype.entries, writable: true, enumerable: false, configurable: true
})

/** Shared by every holder until its first cookie, so a request without cookies allocates no list. */
const noCookies: string[] = Object.freeze([]) as unknown as string[]

/** Stages one serialized `Set-Cookie` line. */
export function addCookie (headers: TemporaryHeaders, line: string): void {
  if (headers[kCookies] === noCookies) headers[kCookies] = [line]
  else headers[kCookies].push(line)
  headers[kSorted] = null
}

/** The staged value of a lower-case name (not `set-cookie`), or `undefined`. */
export function stagedValue (headers: TemporaryHeaders, key: string): string | undefined {
  return headers[kEntries].get(key)
}

/** Throws the coded error for a write after the merge. */
function assertWritable (headers: TemporaryHeaders, call: string): void {
  if (headers[kSealed]) {
    throw new FST_TEMP_RESPONSE_ALREADY_SENT(call)
  }
}
