import type { FastifyReply } from 'fastify'
import { mergeTokenList } from './expose-headers.ts'
import type { TemporaryResponse } from '../holder/temporary-response.ts'
import { writeHeader } from './merge.ts'

/** Whether a payload is a Web `Response`, tested as Fastify tests it (lib/reply.js). */
export function isWebResponse (payload: unknown): payload is Response {
  return payload !== null && typeof payload === 'object' && Object.prototype.toString.call(payload) === '[object Response]'
}

/**
 * Does what Fastify does with a returned Web `Response` after onSend (status, headers, then the
 * body as payload), but inside onSend, so the merge sees the Response's headers as the reply's
 * own, its Set-Cookie lines come first, and an error can undo it all. Unlike Fastify, `Vary`
 * and `Access-Control-Expose-Headers` are merged into what the reply has (from @fastify/cors,
 * say) instead of replacing it. A consumed body is left to Fastify, which rejects it.
 */
export function unpackWebResponse (reply: FastifyReply, response: Response, holder: TemporaryResponse | null): unknown {
  if (response.body !== null && response.bodyUsed) return response
  reply.raw.statusCode = response.status
  for (const [name, value] of response.headers) {
    const current = reply.getHeader(name)
    const merged = current !== undefined && (name === 'vary' || name === 'access-control-expose-headers')
      ? mergeTokenList(current, value.split(','), name === 'vary')
      : value
    if (holder === null) reply.header(name, merged)
    else writeHeader(holder, reply, name, merged, current)
  }
  return response.body
}
