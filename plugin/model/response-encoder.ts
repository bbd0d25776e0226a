import { createCodecBuilder, enter, hasReachableCodec, toFailure } from './codecs.ts'
import type { CodecContext, Encoder } from './codecs.ts'
import { buildEncoder } from './encoder.ts'
import { findBodyCheck, findStatusModel } from './response-model.ts'
import { isObject } from './schema-bundle.ts'

/** The encoders of one status: of its body, or one per media type of a `content`-keyed schema. */
export interface StatusEncoder {
  body: Encoder | null
  media: Map<string, Encoder | null> | null
}

/** The encoders of a route's `schema.response`, keyed as the response model is. */
export interface ResponseEncoder {
  statuses: Map<string, StatusEncoder>
}

/** The body schemas of a status: the schema, or the schema of each media type. */
function bodySchemas (schema: Record<string, unknown>): Array<Record<string, unknown>> {
  return isObject(schema.content) ? Object.values(schema.content).map(item => (item as { schema: Record<string, unknown> }).schema) : [schema]
}

/** Whether any response schema of the route reaches a codec, shared schemas included. */
export function reachesAnyCodec (response: Record<string, Record<string, unknown>>, shared: CodecContext['shared']): boolean {
  const builder = createCodecBuilder({ shared, compileCheck: null }, response)
  return Object.values(response).flatMap(bodySchemas).some(schema => hasReachableCodec(builder, enter(schema, { base: '', doc: schema })))
}

/**
 * Builds the encoders of a route's response schemas, or returns `null` when none of them
 * reaches a codec: such a route encodes nothing and pays one `null` check per response.
 */
export function buildResponseEncoder (response: Record<string, Record<string, unknown>>, context: CodecContext): ResponseEncoder | null {
  const builder = createCodecBuilder(context, response)
  const encoderOf = (schema: Record<string, unknown>): Encoder | null => buildEncoder(builder, enter(schema, { base: '', doc: schema }))
  const statuses = new Map<string, StatusEncoder>()
  let found = false
  for (const [status, schema] of Object.entries(response)) {
    const content = schema.content
    let entry: StatusEncoder
    if (isObject(content)) {
      const media = new Map<string, Encoder | null>()
      for (const [type, item] of Object.entries(content)) media.set(type, encoderOf((item as { schema: Record<string, unknown> }).schema))
      entry = { body: null, media }
      found ||= [...media.values()].some(encoder => encoder !== null)
    } else {
      entry = { body: encoderOf(schema), media: null }
      found ||= entry.body !== null
    }
    // Kept even without an encoder, so a status never falls through to `2xx` or `default`.
    statuses.set(status.toLowerCase(), entry)
  }
  return found ? { statuses } : null
}

/**
 * The payload encoded by the schema of the final status and the reply's media type (the
 * payload itself when that schema has no codec), or the `EncodeFailure` of a callback that threw.
 */
export function encodeResponse (encoder: ResponseEncoder, statusCode: number, contentType: unknown, payload: unknown): unknown {
  const status = findStatusModel(encoder, statusCode)
  const encode = status === undefined ? null : findBodyCheck(status, contentType)
  if (encode === null || encode === undefined) return payload
  try {
    return encode(payload)
  } catch (error) {
    return toFailure(error)
  }
}
