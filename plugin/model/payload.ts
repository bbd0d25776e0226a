// A body that no schema serializer produced (a returned string, pre-serialized JSON, a Buffer) is
// checked as what it is: JSON is parsed, checked and written again by the route's own serializer,
// so undeclared properties never leave; text is checked as the string it is; bytes cannot be.
import type { BodyCheck, ResponseMismatch } from './response-model.ts'

/** Serializes a checked value with the route's serializer for the status; `undefined` if it has none. */
export type PayloadSerializer = (value: unknown) => string | undefined

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The media type of a Content-Type value, lower-cased, without its parameters. */
export function mediaTypeOf (contentType: unknown): string {
  // Fastify gives every string and Buffer body a Content-Type; one removed since reads as 'undefined'.
  const text = String(contentType)
  const semicolon = text.indexOf(';')
  return (semicolon === -1 ? text : text.slice(0, semicolon)).trim().toLowerCase()
}

/** `application/json` and every `+json` type (RFC 6839 3.1). */
export function isJsonMediaType (mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json')
}

function mismatch (message: string): ResponseMismatch[] {
  return [{ path: '', message }]
}

/**
 * Checks a string or Buffer body against the body check of its status and media type. Returns
 * the body to send (JSON written again by `serialize`, text as it is) or the mismatches.
 */
export function checkPayload (payload: string | Buffer, contentType: unknown, check: BodyCheck, serialize: PayloadSerializer): string | Buffer | ResponseMismatch[] {
  if (isJsonMediaType(mediaTypeOf(contentType))) return checkJson(payload, check, serialize)
  if (typeof payload !== 'string') {
    return mismatch('A Buffer body of a non-JSON media type cannot be checked against a response schema: send it as a stream, or set validateResponse: false for the route')
  }
  const mismatches = check(payload)
  if (mismatches !== null) return mismatches
  // Where the route's serializer is the checker (a zod provider's), it checks the text too; what
  // it writes is dropped: the text is sent as it is, as Fastify sends a returned string.
  serialize(payload)
  return payload
}

function checkJson (payload: string | Buffer, check: BodyCheck, serialize: PayloadSerializer): string | ResponseMismatch[] {
  let value: unknown
  try {
    value = JSON.parse(typeof payload === 'string' ? payload : utf8.decode(payload))
  } catch {
    return mismatch('The body is not JSON, although its media type is')
  }
  const mismatches = check(value)
  if (mismatches !== null) return mismatches
  return serialize(value) ?? mismatch('The route has no serializer for the status and media type')
}
