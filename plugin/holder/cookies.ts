import type { FastifyInstance, FastifyRequest } from 'fastify'
import { findCookieAttributes } from './cookie-attributes.ts'
import type { CookieAttributes } from './cookie-attributes.ts'
import { describe, toText } from '../describe.ts'
import { tokenRE } from './headers.ts'
import {
  FST_TEMP_RESPONSE_INVALID_COOKIE_NAME,
  FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION,
  FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE,
  FST_TEMP_RESPONSE_MISSING_COOKIE_SIGNER
} from '../errors.ts'

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
  /**
   * Signs the value with the signer of `@fastify/cookie`, which must be registered with a
   * `secret` in the route's context: the same signature `reply.setCookie(name, value, { signed: true })`
   * writes (with the first secret of a rotation list), so `request.unsignCookie()` verifies it.
   * @default false
   */
  signed?: boolean
}

/** Options of `request.response.clearCookie()`: the attributes the cookie was set with. */
export type ClearCookieOptions = Omit<CookieOptions, 'maxAge' | 'expires' | 'signed'>

/** What `signed: true` uses: `@fastify/cookie`'s `signCookie`, decorated only when it has a secret. */
type SigningServer = FastifyInstance & { signCookie?: (value: string) => string }

function signValue (request: FastifyRequest | null, name: string, value: string): string {
  const server = request?.server as SigningServer | undefined
  if (typeof server?.signCookie !== 'function') throw new FST_TEMP_RESPONSE_MISSING_COOKIE_SIGNER(name)
  return server.signCookie(value)
}

/** Cookie prefixes, matched case-insensitively as RFC 6265bis 5.6 (steps 21-22) does. */
function assertPrefixRules (name: string, attributes: CookieAttributes): void {
  const lower = name.toLowerCase()
  if (lower.startsWith('__secure-') && attributes.secure !== true) {
    throw new FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION(name, 'a __Secure- cookie requires secure: true')
  }
  if (lower.startsWith('__host-') && (attributes.secure !== true || attributes.domain !== undefined || (attributes.path ?? '/') !== '/')) {
    throw new FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION(name, "a __Host- cookie requires secure: true, path: '/' and no domain")
  }
}

// The characters encodeURIComponent never escapes (ECMA-262 URI unreserved marks, letters, digits).
const unreservedRE = /^[\w\-.!~*'()]*$/

/**
 * Percent-encodes with encodeURIComponent, as the cookie package does; `null` when it cannot
 * (a lone surrogate). Its output is always a valid cookie-value (RFC 6265 4.1.1), which is all
 * the package would check of it.
 */
function encodeValue (text: string | null): string | null {
  if (text === null) return null
  // What encodeURIComponent leaves as it is: such a value (most tokens) is its own encoding.
  if (unreservedRE.test(text)) return text
  try {
    return encodeURIComponent(text)
  } catch {
    return null
  }
}

function serializeLine (name: string, value: unknown, options: unknown, clear: boolean, request: FastifyRequest | null): string {
  // RFC 6265 4.1.1: cookie-name = token, as a header name is (RFC 9110 5.6.2), which is
  // stricter than the cookie package's own check.
  if (typeof name !== 'string' || !tokenRE.test(name)) {
    throw new FST_TEMP_RESPONSE_INVALID_COOKIE_NAME(describe(name))
  }
  const attributes = findCookieAttributes(name, options, clear)
  if (name.charCodeAt(0) === 0x5f) assertPrefixRules(name, attributes) // '_'
  let text = toText(value)
  if (text !== null && attributes.signed === true) text = signValue(request, name, text)
  const encoded = encodeValue(text)
  if (encoded === null) throw new FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE(name)
  return name + '=' + encoded + attributes.text
}

/**
 * Serializes one `Set-Cookie` line as the `cookie` package does, after checking what it
 * does not: the name is a token, the options are ones this API has, prefix rules, `Secure`
 * requirements and the 400-day cap. The value is signed with `@fastify/cookie`'s signer
 * for `signed: true` (the request's server must have one), then percent-encoded.
 */
export function serializeCookie (name: string, value: string, options?: CookieOptions | null, request: FastifyRequest | null = null): string {
  return serializeLine(name, value, options, false, request)
}

/** Serializes the `Set-Cookie` line that deletes a cookie: empty, expired, same scope. */
export function serializeClearCookie (name: string, options?: ClearCookieOptions | null): string {
  return serializeLine(name, '', options, true, null)
}
