import type { FastifyRequest } from 'fastify'
import { serializeClearCookie, serializeCookie } from './cookies.ts'
import type { ClearCookieOptions, CookieOptions } from './cookies.ts'
import { describe } from '../describe.ts'
import { FST_TEMP_RESPONSE_ALREADY_SENT, FST_TEMP_RESPONSE_INVALID_STATUS_CODE } from '../errors.ts'
import { addCookie, TemporaryHeaders } from './headers.ts'
import { kAppliedStatus, kFailed, kHeaders, kRequest, kSealed, kUndo } from '../symbols.ts'

/**
 * The temporary response of one request, FastAPI's `response: Response` parameter:
 * hooks and the handler stage headers, cookies and a status on it, and the plugin
 * merges them into whatever the route sends. Created on first use of `request.response`.
 */
export class TemporaryResponse {
  #statusCode: number | undefined
  [kHeaders]: TemporaryHeaders | null
  [kSealed]: boolean
  [kFailed]: boolean
  [kAppliedStatus]: number
  [kUndo]: unknown[] | null
  [kRequest]: FastifyRequest | null

  constructor () {
    // Internal state, all set here so every holder has one shape.
    this.#statusCode = undefined
    this[kHeaders] = null
    this[kSealed] = false
    this[kFailed] = false
    this[kAppliedStatus] = 0
    this[kUndo] = null
    this[kRequest] = null
  }

  /**
   * Staged headers, with the Fetch `Headers` API. Names are case-insensitive.
   * @example request.response.headers.set('X-Cat-Dog', 'alone in the world')
   */
  get headers (): TemporaryHeaders {
    let headers = this[kHeaders]
    if (headers === null) {
      headers = this[kHeaders] = new TemporaryHeaders()
      headers[kSealed] = this[kSealed]
    }
    return headers
  }

  /**
   * Staged status code, `undefined` until set. It becomes the response status
   * (and selects the response schema) unless the reply's status was set to
   * something other than 200, a Web `Response` is returned, or an error is sent.
   * @example request.response.statusCode = 201
   */
  get statusCode (): number | undefined {
    return this.#statusCode
  }

  set statusCode (code: number | undefined) {
    this.assertWritable('statusCode')
    if (code !== undefined && !(Number.isInteger(code) && code >= 200 && code <= 599)) {
      throw new FST_TEMP_RESPONSE_INVALID_STATUS_CODE(describe(code))
    }
    this.#statusCode = code
  }

  /**
   * Stages a `Set-Cookie`, written as `@fastify/cookie`'s `reply.setCookie()` writes it. `path`
   * defaults to `/` and `sameSite` to `'lax'`; `signed: true` signs the value with
   * `@fastify/cookie`'s signer; `secure: 'auto'` is `Secure` over HTTPS only.
   * @example request.response.setCookie('session', token, { httpOnly: true, maxAge: 3600 })
   */
  setCookie (name: string, value: string, options?: CookieOptions): this {
    this.assertWritable('setCookie()')
    addCookie(this.headers, serializeCookie(name, value, options, this[kRequest]))
    return this
  }

  /**
   * Stages the deletion of a cookie; give the `path`/`domain` it was set with.
   * @example request.response.clearCookie('session')
   */
  clearCookie (name: string, options?: ClearCookieOptions): this {
    this.assertWritable('clearCookie()')
    addCookie(this.headers, serializeClearCookie(name, options, this[kRequest]))
    return this
  }

  private assertWritable (call: string): void {
    if (this[kSealed]) {
      throw new FST_TEMP_RESPONSE_ALREADY_SENT(call)
    }
  }
}

/** The holder of a request: a TemporaryResponse that can reach the request's server. */
export function createTemporaryResponse (request: FastifyRequest): TemporaryResponse {
  const holder = new TemporaryResponse()
  holder[kRequest] = request
  return holder
}

/** Seals a holder: the merge took what was staged, and later writes throw. */
export function sealTemporaryResponse (holder: TemporaryResponse): void {
  holder[kSealed] = true
  const headers = holder[kHeaders]
  if (headers !== null) headers[kSealed] = true
}
