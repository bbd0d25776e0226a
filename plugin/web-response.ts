import type { FastifyReply } from 'fastify'

/** Whether a payload is a Web `Response`, tested as Fastify tests it (lib/reply.js). */
export function isWebResponse (payload: unknown): payload is Response {
  return payload !== null && typeof payload === 'object' && Object.prototype.toString.call(payload) === '[object Response]'
}

/**
 * Does what Fastify does with a returned Web `Response` after onSend (status,
 * headers, then the body as payload), but inside onSend, so the merge sees the
 * Response's headers as the reply's own and its Set-Cookie lines come first.
 * A consumed body is left to Fastify, which rejects it.
 */
export function unpackWebResponse (reply: FastifyReply, response: Response): unknown {
  if (response.body !== null && response.bodyUsed) return response
  reply.raw.statusCode = response.status
  for (const [name, value] of response.headers) {
    reply.header(name, value)
  }
  return response.body
}
