import type { FastifyRequest } from 'fastify'
import { kTemporaryResponse } from '../symbols.ts'
import { createTemporaryResponse, sealTemporaryResponse } from './temporary-response.ts'
import type { TemporaryResponse } from './temporary-response.ts'

/**
 * Stored in place of a holder when a request that never touched `request.response`
 * was answered: a later read gets a sealed holder, so a late write throws
 * instead of vanishing. A number, so marking a request allocates nothing.
 */
const ANSWERED = 0

type InternalRequest = FastifyRequest & { [kTemporaryResponse]: TemporaryResponse | null | typeof ANSWERED }

/** The holder of a request, or `null` when nothing touched `request.response` (yet). */
export function getHolder (request: FastifyRequest): TemporaryResponse | null {
  const slot = (request as InternalRequest)[kTemporaryResponse]
  return typeof slot === 'object' ? slot : null
}

/** The `request.response` getter: the holder, created on first use. */
export function getTemporaryResponse (this: FastifyRequest): TemporaryResponse {
  const request = this as InternalRequest
  const slot = request[kTemporaryResponse]
  if (typeof slot === 'object' && slot !== null) return slot
  const holder = createTemporaryResponse(request)
  if (slot === ANSWERED) sealTemporaryResponse(holder)
  request[kTemporaryResponse] = holder
  return holder
}

/** Records that an untouched request was answered. */
export function markAnswered (request: FastifyRequest): void {
  (request as InternalRequest)[kTemporaryResponse] = ANSWERED
}
