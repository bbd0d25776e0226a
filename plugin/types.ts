import type { TemporaryResponseRouteOptions } from './options.ts'
import type { TemporaryResponse } from './holder/temporary-response.ts'

export type { CookieOptions, ClearCookieOptions } from './holder/cookies.ts'
export type { FastifyTemporaryResponseOptions, TemporaryResponseRouteOptions } from './options.ts'
export type { TemporaryHeaders } from './holder/headers.ts'
export type { TemporaryResponse } from './holder/temporary-response.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The temporary response of this request (FastAPI's `response: Response`):
     * stage headers, cookies and a status here, from any hook or the handler,
     * and return plain data. Created on first use; one per request.
     * @example
     * request.response.headers.set('X-Cat-Dog', 'alone in the world')
     * request.response.setCookie('fakesession', 'fake-cookie-session-value')
     * request.response.statusCode = 201
     */
    readonly response: TemporaryResponse
  }

  interface FastifyContextConfig {
    /** Per-route overrides of the fastify-temporary-response options. */
    temporaryResponse?: TemporaryResponseRouteOptions & object
  }
}
