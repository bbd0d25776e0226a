// No unchecked path: on a route with a response model, every body that reaches the client went
// through it. The serializer's output carries a mark (the status it was serialized for); any other
// string or Buffer body, a final status without a schema, and a status that changed after the body
// was serialized, are the coded 500. Error responses are not the model's; streams, a Web Response,
// reply.hijack() and validateResponse: false are the explicit ways around it.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { FST_TEMP_RESPONSE_INVALID_RESPONSE } from './errors.ts'
import type { TemporaryResponse } from './holder/temporary-response.ts'
import { checkPayload, mediaTypeOf } from './model/payload.ts'
import { checkOf, findBodyCheck, findStatusModel } from './model/response-model.ts'
import type { ResponseMismatch, ResponseModel } from './model/response-model.ts'
import { kAppliedStatus, kErrored, kFailed, kSerializedBody, kSerializedStatus } from './symbols.ts'

type GuardedRequest = FastifyRequest & { [kSerializedStatus]: number, [kSerializedBody]: string | null, [kErrored]?: true }

/** Records that the request is answered with an error response (run by onError). */
export function markErrored (request: FastifyRequest): void {
  (request as GuardedRequest)[kErrored] = true
}

/** Whether the response on its way is an error response: an error, or not found. */
export function isErrorResponse (request: FastifyRequest): boolean {
  return (request as GuardedRequest)[kErrored] === true || request.is404
}

/** Whether a response of this status carries no body: 204 and 304 never do, a staged 205 is emptied by the merge. */
function carriesNoBody (statusCode: number, staged: boolean): boolean {
  return statusCode === 204 || statusCode === 304 || (statusCode === 205 && staged)
}

function refuse (statusCode: number, details: ResponseMismatch[]): Error {
  const error = new FST_TEMP_RESPONSE_INVALID_RESPONSE(statusCode)
  Object.assign(error, { details })
  return error
}

function noSchema (statusCode: number): ResponseMismatch[] {
  return [{ path: '', message: `The route declares no response schema for status ${statusCode} (no exact, ${String(statusCode)[0]}xx or default entry)` }]
}

/**
 * Run by preSerialization: marks the request with the status its body is serialized for, and
 * refuses a status the model has no schema for (`unschemed`, found by the caller). Returns the
 * error to answer with, or `null`.
 */
export function markSerialized (request: FastifyRequest, statusCode: number, unschemed: boolean, holder: TemporaryResponse | null): Error | null {
  (request as GuardedRequest)[kSerializedStatus] = statusCode
  if (!unschemed) return null
  if (carriesNoBody(statusCode, holder?.[kAppliedStatus] === statusCode) || isErrorResponse(request)) return null
  return refuse(statusCode, noSchema(statusCode))
}

/** The status the merge will send: the staged one where it applies, as applyStagedStatus decides. */
function findFinalStatus (holder: TemporaryResponse | null, reply: FastifyReply): number {
  const current = reply.raw.statusCode
  if (holder === null || holder[kFailed]) return current
  const staged = holder.statusCode
  return staged !== undefined && (current === 200 || current === holder[kAppliedStatus]) ? staged : current
}

/**
 * Run by a route's onSend before the merge: returns the body to send, or the error to answer
 * with. A body the route's serializer wrote for the final status passes as it is; where the
 * model's serializer wrote it (`recorded`), only the very string it wrote: a body an onSend hook
 * put in its place is checked like a returned one.
 */
export function guardPayload (request: FastifyRequest, reply: FastifyReply, payload: unknown, holder: TemporaryResponse | null, model: ResponseModel, recorded: boolean): unknown {
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload
  const statusCode = findFinalStatus(holder, reply)
  const serialized = (request as GuardedRequest)[kSerializedStatus]
  if (isErrorResponse(request)) return payload
  if (serialized === statusCode) {
    if (!recorded || payload === (request as GuardedRequest)[kSerializedBody]) return payload
  } else if (serialized !== 0) {
    return refuse(statusCode, [{ path: '', message: `The status changed from ${serialized} to ${statusCode} after the body was serialized` }])
  }
  if (carriesNoBody(statusCode, holder?.statusCode === statusCode)) return payload
  const status = findStatusModel(model, statusCode)
  if (status === undefined) return refuse(statusCode, noSchema(statusCode))
  const contentType = reply.getHeader('content-type')
  const check = findBodyCheck(status, contentType)
  if (check == null) return refuse(statusCode, [{ path: '', message: 'The response schema declares no media type that matches the reply\'s Content-Type' }])
  let body: ReturnType<typeof checkPayload>
  try {
    body = checkPayload(payload, contentType, checkOf(check), value => serializeFor(reply, statusCode, contentType, value))
  } catch (error) {
    // The route's own serializer refused the value: the model's and a zod provider's throw the
    // coded 500; any other serializer's message may hold the value, so it goes to the log only.
    return (error as { code?: unknown }).code === 'FST_TEMP_RESPONSE_INVALID_RESPONSE'
      ? error as Error
      : Object.assign(refuse(statusCode, [{ path: '', message: 'The route\'s serializer threw' }]), { cause: error })
  }
  return Array.isArray(body) ? refuse(statusCode, body) : body
}

/**
 * The route's own serializer for a status and media type, found as Fastify finds it: a function,
 * or one per media type (the model found a check for this one, so Fastify has its serializer).
 */
function serializeFor (reply: FastifyReply, statusCode: number, contentType: unknown, value: unknown): string | undefined {
  const code = String(statusCode)
  for (const key of [code, code[0] + 'xx', 'default']) {
    const found = reply.getSerializationFunction(key) as Serialize | Record<string, Serialize> | undefined
    if (found === undefined) continue
    const serialize = typeof found === 'function' ? found : found[mediaTypeOf(contentType)] ?? found['*/*']
    return serialize(value)
  }
  // A serializer compiler that gave none for the status.
  return undefined
}

type Serialize = (value: unknown) => string
