import { types } from 'node:util'
import type { FastifyRequest } from 'fastify'
import { describe } from '../describe.ts'
import { FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION } from '../errors.ts'

// What is checked is what is written: a call's options are read once, each option exactly
// once (a getter runs once), into a private snapshot of primitives. Only the snapshot is
// checked, and only the snapshot is written, so no later read can answer differently, and
// nothing one call passes outlives it. Each call writes its own line: the process-wide cache
// of attribute tails is gone, as it saved nothing measurable against `cookie`'s serializer.

/** The options each call takes, in the order the error message lists them. */
const setCookieKeys = ['maxAge', 'expires', 'path', 'domain', 'secure', 'httpOnly', 'sameSite', 'partitioned', 'priority', 'signed']
const clearCookieKeys = ['path', 'domain', 'secure', 'httpOnly', 'sameSite', 'partitioned', 'priority']

// RFC 6265bis 5.5: user agents cap Max-Age and Expires at 400 days.
const maxAgeLimit = 400 * 24 * 60 * 60
// Date's own method, taken once: a Date subclass's getTime() is never called.
const timeOfDate = Date.prototype.getTime

/** The checked options of one call, primitives only: what its line is written from. */
export interface CookieSnapshot {
  readonly maxAge: number | undefined
  /** The time value of `expires`, or `undefined` without it. */
  readonly expires: number | undefined
  readonly path: string
  readonly domain: string | undefined
  readonly secure: boolean
  readonly httpOnly: boolean
  readonly sameSite: string | boolean
  readonly partitioned: boolean
  readonly priority: string | undefined
  readonly signed: boolean
}

function fail (name: string, reason: string): never {
  throw new FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION(name, reason)
}

function unknownOption (name: string, key: string, clear: boolean): never {
  const keys = clear ? clearCookieKeys : setCookieKeys
  const lower = key.toLowerCase()
  const meant = keys.find(known => known.toLowerCase() === lower)
  const hint = meant === undefined ? '' : ` (did you mean "${meant}"?)`
  return fail(name, `unknown option "${key}"${hint}; ${clear ? 'clearCookie()' : 'setCookie()'} takes ${keys.join(', ')}`)
}

/** The option values of one call, as read: each read once, nothing else read. */
interface RawOptions {
  maxAge: unknown
  expires: unknown
  path: unknown
  domain: unknown
  secure: unknown
  httpOnly: unknown
  sameSite: unknown
  partitioned: unknown
  priority: unknown
  signed: unknown
}

/**
 * Reads the own enumerable options, as `@fastify/cookie`'s `Object.assign()` does, each once.
 * A key the call does not take, or an inherited one (which `Object.assign()` would silently
 * skip), is refused. Named reads in a switch: three times faster than a keyed copy.
 */
function readOptions (name: string, options: unknown, clear: boolean): RawOptions {
  // Every option an own property: an absent one reads undefined, whatever Object.prototype holds.
  const raw: RawOptions = {
    maxAge: undefined,
    expires: undefined,
    path: undefined,
    domain: undefined,
    secure: undefined,
    httpOnly: undefined,
    sameSite: undefined,
    partitioned: undefined,
    priority: undefined,
    signed: undefined
  }
  if (options == null) return raw
  if (typeof options !== 'object') fail(name, `options must be an object, instead got ${describe(options)}`)
  const o = options as RawOptions
  for (const key in o) {
    if (!Object.hasOwn(o, key)) fail(name, `option "${key}" is inherited; pass options as own properties`)
    switch (clear ? '' : key) {
      case 'maxAge': raw.maxAge = o.maxAge; continue
      case 'expires': raw.expires = o.expires; continue
      case 'signed': raw.signed = o.signed; continue
    }
    switch (key) {
      case 'path': raw.path = o.path; break
      case 'domain': raw.domain = o.domain; break
      case 'secure': raw.secure = o.secure; break
      case 'httpOnly': raw.httpOnly = o.httpOnly; break
      case 'sameSite': raw.sameSite = o.sameSite; break
      case 'partitioned': raw.partitioned = o.partitioned; break
      case 'priority': raw.priority = o.priority; break
      default: unknownOption(name, key, clear)
    }
  }
  return raw
}

/** A flag: absent (`undefined` or `null`) is false; anything but a boolean is refused. */
function readFlag (name: string, raw: RawOptions, key: 'secure' | 'httpOnly' | 'partitioned' | 'signed'): boolean {
  const value = raw[key]
  if (value == null) return false
  if (typeof value !== 'boolean') fail(name, `${key} must be a boolean, instead got ${describe(value)}`)
  return value
}

function readString (name: string, raw: RawOptions, key: 'path' | 'domain' | 'priority'): string | undefined {
  const value = raw[key]
  if (value == null) return undefined
  if (typeof value !== 'string') fail(name, `${key} must be a string, instead got ${describe(value)}`)
  return value
}

/** `secure`: a boolean, or `'auto'`, which is `Secure` over HTTPS only, as `@fastify/cookie` decides it. */
function readSecure (name: string, raw: RawOptions, request: FastifyRequest | null): boolean {
  if (raw.secure !== 'auto') return readFlag(name, raw, 'secure')
  if (request === null) fail(name, "secure: 'auto' needs a request to tell HTTPS from HTTP; this holder has none")
  return request.protocol === 'https'
}

function readMaxAge (name: string, raw: RawOptions): number | undefined {
  const maxAge = raw.maxAge
  if (maxAge !== undefined && !(Number.isSafeInteger(maxAge) && (maxAge as number) <= maxAgeLimit)) {
    fail(name, `maxAge must be a safe integer number of seconds up to ${maxAgeLimit} (400 days), instead got ${describe(maxAge)}`)
  }
  return maxAge as number | undefined
}

/** The time value of `expires`, read with Date's own method, in the years an HTTP date can hold. */
function readExpires (name: string, raw: RawOptions): number | undefined {
  const expires = raw.expires
  if (expires == null) return undefined
  if (!types.isDate(expires)) fail(name, `expires must be a Date, instead got ${describe(expires)}`)
  const time = timeOfDate.call(expires)
  if (!Number.isFinite(time)) fail(name, 'expires must be a valid Date, instead got an Invalid Date')
  const year = new Date(time).getUTCFullYear()
  // What `cookie` can write as an HTTP date (RFC 6265 5.1.1 refuses years before 1601).
  if (year < 1601 || year > 9999) fail(name, `expires must be in the years 1601 to 9999, instead got the year ${year}`)
  return time
}

function readSameSite (name: string, raw: RawOptions): string | boolean {
  const sameSite = raw.sameSite
  if (sameSite == null) return 'lax'
  if (typeof sameSite !== 'string' && typeof sameSite !== 'boolean') {
    fail(name, `sameSite must be 'lax', 'strict', 'none' or a boolean, instead got ${describe(sameSite)}`)
  }
  return sameSite
}

/** Checks what `cookie` does not check: `Secure` is required by `SameSite=None` and `Partitioned`. */
function assertSecureRules (name: string, snapshot: CookieSnapshot, auto: boolean): void {
  if (snapshot.secure) return
  const why = auto ? " (secure: 'auto' is false: the request is not HTTPS)" : ''
  const { sameSite } = snapshot
  if (typeof sameSite === 'string' && sameSite.toLowerCase() === 'none') {
    fail(name, `sameSite: 'none' requires secure: true (browsers reject it otherwise)${why}`)
  }
  if (snapshot.partitioned) fail(name, `partitioned requires secure: true${why}`)
}

/**
 * The checked snapshot of a `setCookie()` (or, with `clear`, a `clearCookie()`) call's options,
 * with the defaults (`path: '/'`, `sameSite: 'lax'`) applied. Throws
 * FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION for an option the call does not take or a value it refuses.
 */
export function snapshotCookieOptions (name: string, options: unknown, clear: boolean, request: FastifyRequest | null): CookieSnapshot {
  const raw = readOptions(name, options, clear)
  const snapshot: CookieSnapshot = {
    maxAge: clear ? 0 : readMaxAge(name, raw),
    expires: clear ? 0 : readExpires(name, raw),
    path: readString(name, raw, 'path') ?? '/',
    domain: readString(name, raw, 'domain'),
    secure: readSecure(name, raw, request),
    httpOnly: readFlag(name, raw, 'httpOnly'),
    sameSite: readSameSite(name, raw),
    partitioned: readFlag(name, raw, 'partitioned'),
    priority: readString(name, raw, 'priority'),
    signed: readFlag(name, raw, 'signed')
  }
  assertSecureRules(name, snapshot, raw.secure === 'auto')
  return snapshot
}
