import { stringifySetCookie } from 'cookie'
import type { SetCookie } from 'cookie'
import { describe, toText } from './describe.ts'
import { tokenRE } from './headers.ts'
import {
  FST_TEMP_RESPONSE_INVALID_COOKIE_NAME,
  FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION,
  FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE
} from './errors.ts'

/** Options of `request.response.setCookie()`; every field maps to a `Set-Cookie` attribute. */
export interface CookieOptions {
  /** `Max-Age` in seconds: an integer, at most 400 days (RFC 6265bis 5.5). */
  maxAge?: number
  /** `Expires`, a valid `Date`. */
  expires?: Date
  /**
   * `Path`.
   * @default '/'
   */
  path?: string
  /** `Domain`. Leave it out for a host-only cookie. */
  domain?: string
  /** `Secure`. Required by `sameSite: 'none'`, `partitioned` and the `__Secure-` / `__Host-` prefixes. */
  secure?: boolean
  /** `HttpOnly`: scripts cannot read the cookie. */
  httpOnly?: boolean
  /**
   * `SameSite`: `'lax'`, `'strict'`, `'none'` (needs `secure`), `true` (strict), or `false` to leave the attribute out.
   * @default 'lax'
   */
  sameSite?: 'lax' | 'strict' | 'none' | boolean
  /** `Partitioned` (CHIPS); needs `secure`. */
  partitioned?: boolean
  /** `Priority`: `'low'`, `'medium'` or `'high'`. */
  priority?: 'low' | 'medium' | 'high'
}

/** Options of `request.response.clearCookie()`: the attributes the cookie was set with. */
export type ClearCookieOptions = Omit<CookieOptions, 'maxAge' | 'expires'>

// RFC 6265bis 5.5: user agents cap Max-Age and Expires at 400 days.
const maxAgeLimit = 400 * 24 * 60 * 60
const epoch = new Date(0)

function fail (name: string, reason: string): never {
  throw new FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION(name, reason)
}

function assertCookieRules (name: string, options: CookieOptions): void {
  const { maxAge, sameSite, secure } = options
  if (maxAge !== undefined && !(Number.isInteger(maxAge) && maxAge <= maxAgeLimit)) {
    fail(name, `maxAge must be an integer number of seconds up to ${maxAgeLimit} (400 days), instead got ${describe(maxAge)}`)
  }
  if (options.expires !== undefined && !(options.expires instanceof Date && Number.isFinite(options.expires.getTime()))) {
    fail(name, 'expires must be a valid Date')
  }
  if (typeof sameSite === 'string' && sameSite.toLowerCase() === 'none' && secure !== true) {
    fail(name, "sameSite: 'none' requires secure: true (browsers reject it otherwise)")
  }
  if (options.partitioned === true && secure !== true) {
    fail(name, 'partitioned requires secure: true')
  }
  // Cookie prefixes, matched case-insensitively as RFC 6265bis 5.6 (step 21-22) does.
  if (name.charCodeAt(0) !== 0x5f) return // '_'
  const lower = name.toLowerCase()
  if (lower.startsWith('__secure-') && secure !== true) {
    fail(name, 'a __Secure- cookie requires secure: true')
  }
  if (lower.startsWith('__host-') && (secure !== true || options.domain !== undefined || options.path !== '/')) {
    fail(name, "a __Host- cookie requires secure: true, path: '/' and no domain")
  }
}

/**
 * Serializes one `Set-Cookie` line with the `cookie` package, after checking what
 * it does not: the name is a token, prefix rules, `Secure` requirements and the
 * 400-day cap. The value is percent-encoded with `encodeURIComponent`, as `cookie` does.
 */
export function serializeCookie (name: string, value: string, options?: CookieOptions | null): string {
  // RFC 6265 4.1.1: cookie-name = token, as a header name is (RFC 9110 5.6.2).
  if (typeof name !== 'string' || !tokenRE.test(name)) {
    throw new FST_TEMP_RESPONSE_INVALID_COOKIE_NAME(describe(name))
  }
  // One literal, no spread: on Node 20 an object spread costs about a microsecond,
  // and cookie's serialize(name, value, options) spreads; its object form does not.
  const cookie: SetCookie = {
    name,
    value: '',
    maxAge: options?.maxAge,
    expires: options?.expires,
    path: options?.path ?? '/',
    domain: options?.domain,
    secure: options?.secure,
    httpOnly: options?.httpOnly,
    sameSite: options?.sameSite ?? 'lax',
    partitioned: options?.partitioned,
    priority: options?.priority
  }
  assertCookieRules(name, cookie)
  let encoded: string | null = toText(value)
  try {
    if (encoded !== null) encoded = encodeURIComponent(encoded)
  } catch {
    encoded = null
  }
  if (encoded === null) throw new FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE(name)
  cookie.value = encoded
  try {
    // The value is already encoded: pass it through so `cookie` only validates it.
    return stringifySetCookie(cookie, passThrough)
  } catch (err) {
    // cookie rejects a malformed domain, path, priority or sameSite with a TypeError.
    throw new FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION(name, (err as Error).message)
  }
}

/** Serializes the `Set-Cookie` line that deletes a cookie: empty, expired, same scope. */
export function serializeClearCookie (name: string, options?: ClearCookieOptions | null): string {
  return serializeCookie(name, '', {
    path: options?.path,
    domain: options?.domain,
    secure: options?.secure,
    httpOnly: options?.httpOnly,
    sameSite: options?.sameSite,
    partitioned: options?.partitioned,
    priority: options?.priority,
    maxAge: 0,
    expires: epoch
  })
}

const passThrough = { encode: (text: string) => text }
