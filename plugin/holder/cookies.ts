import type { FastifyInstance, FastifyRequest } from 'fastify'
import { stringifySetCookie } from 'cookie'
import { snapshotCookieOptions } from './cookie-attributes.ts'
import type { CookieSnapshot } from './cookie-attributes.ts'
import { describe } from '../describe.ts'
import { tokenRE } from './headers.ts'
import {
  FST_TEMP_RESPONSE_INVALID_COOKIE_NAME,
  FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION,
  FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE,
  FST_TEMP_RESPONSE_MISSING_COOKIE_SIGNER
} from '../errors.ts'

/** Options of `request.response.setCookie()`; every field maps to a `Set-Cookie` attribute. */
export interface CookieOptions {
  /** `Max-Age` in seconds: a safe integer, at most 400 days (RFC 6265bis 5.5). */
  maxAge?: number
  /** `Expires`, a valid `Date` in the years 1601 to 9999, written from its time value. */
  expires?: Date
  /**
   * `Path`.
   * @default '/'
   */
  path?: string
  /** `Domain`. Leave it out for a host-only cookie. */
  domain?: string
  /**
   * `Secure`. Required by `sameSite: 'none'`, `partitioned` and the `__Secure-` / `__Host-` prefixes.
   * `'auto'`, as in `@fastify/cookie`, is `Secure` when the request came over HTTPS
   * (`request.protocol`, so behind a proxy with Fastify's `trustProxy`) and no `Secure` otherwise.
   */
  secure?: boolean | 'auto'
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
type SigningServer = FastifyInstance & { signCookie?: (value: string) => unknown }

function signValue (request: FastifyRequest | null, name: string, value: string): unknown {
  const server = request?.server as SigningServer | undefined
  if (typeof server?.signCookie !== 'function') throw new FST_TEMP_RESPONSE_MISSING_COOKIE_SIGNER(name)
  return server.signCookie(value)
}

/** Cookie prefixes, matched case-insensitively as RFC 6265bis 5.6 (steps 21-22) does. */
function assertPrefixRules (name: string, snapshot: CookieSnapshot): void {
  const lower = name.toLowerCase()
  if (lower.startsWith('__secure-') && !snapshot.secure) {
    throw new FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION(name, 'a __Secure- cookie requires secure: true')
  }
  if (lower.startsWith('__host-') && (!snapshot.secure || snapshot.domain !== undefined || snapshot.path !== '/')) {
    throw new FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION(name, "a __Host- cookie requires secure: true, path: '/' and no domain")
  }
}

// With the u flag a surrogate pair is one code point: this matches lone surrogates only.
const loneSurrogateRE = /[\uD800-\uDFFF]/u

/** A string that `encodeURIComponent` can encode: no lone UTF-16 surrogate. */
function isEncodable (value: unknown): value is string {
  return typeof value === 'string' && !loneSurrogateRE.test(value)
}

function serializeLine (name: string, value: unknown, options: unknown, clear: boolean, request: FastifyRequest | null): string {
  // RFC 6265 4.1.1: cookie-name = token, as a header name is (RFC 9110 5.6.2), which is
  // stricter than the cookie package's own check.
  if (typeof name !== 'string' || !tokenRE.test(name)) {
    throw new FST_TEMP_RESPONSE_INVALID_COOKIE_NAME(describe(name))
  }
  const snapshot = snapshotCookieOptions(name, options, clear, request)
  if (name.charCodeAt(0) === 0x5f) assertPrefixRules(name, snapshot) // '_'
  if (!isEncodable(value)) throw new FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE(name, describe(value))
  const text = snapshot.signed ? signValue(request, name, value) : value
  if (!isEncodable(text)) throw new FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE(name, `${describe(text)} from the signer`)
  try {
    // `cookie` 2, as `@fastify/cookie` 11 calls it: its default encoding (percent-encoding only
    // a value that needs it), and only the snapshot's primitives, `expires` a Date made here.
    return stringifySetCookie({
      name,
      value: text,
      maxAge: snapshot.maxAge,
      domain: snapshot.domain,
      path: snapshot.path,
      expires: snapshot.expires === undefined ? undefined : new Date(snapshot.expires),
      httpOnly: snapshot.httpOnly,
      secure: snapshot.secure,
      partitioned: snapshot.partitioned,
      priority: snapshot.priority as 'low' | undefined,
      sameSite: snapshot.sameSite as 'lax' | boolean
    })
  } catch (err) {
    // cookie refuses a malformed domain, path, priority or sameSite with a TypeError.
    throw new FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION(name, (err as Error).message)
  }
}

/**
 * Serializes one `Set-Cookie` line with the `cookie` package, as `@fastify/cookie` 11 does,
 * after checking what it does not: the name is a token, the value a string, the options are
 * ones this API has, of their types, prefix rules, `Secure` requirements and the 400-day cap.
 * The value is signed with `@fastify/cookie`'s signer for `signed: true` (the request's server
 * must have one), then percent-encoded where it needs to be.
 */
export function serializeCookie (name: string, value: string, options?: CookieOptions | null, request: FastifyRequest | null = null): string {
  return serializeLine(name, value, options, false, request)
}

/** Serializes the `Set-Cookie` line that deletes a cookie: empty, expired, same scope. */
export function serializeClearCookie (name: string, options?: ClearCookieOptions | null, request: FastifyRequest | null = null): string {
  return serializeLine(name, '', options, true, request)
}
