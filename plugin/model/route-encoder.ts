import type { FastifyInstance } from 'fastify'
import type { EncodeFailure } from './codecs.ts'
import type { SinclairFormats } from './formats.ts'
import { buildResponseEncoder, reachesAnyCodec } from './response-encoder.ts'
import type { ResponseEncoder } from './response-encoder.ts'
import { compileValueCheck } from './response-model.ts'
import type { ResponseMismatch } from './response-model.ts'
import { findSharedSchemas, sharedSchemasAsAdded } from './shared-schemas.ts'

/**
 * Builds the encoder of one route at `ready()`, with its shared schemas as they were added,
 * codecs included; `null`, and nothing loaded, when no response schema of the route reaches a codec.
 */
export async function buildRouteEncoder (
  response: Record<string, Record<string, unknown>>,
  instance: FastifyInstance,
  route: string,
  formats: () => Promise<SinclairFormats | null>
): Promise<ResponseEncoder | null> {
  const shared = findSharedSchemas(instance)
  if (!reachesAnyCodec(response, shared)) return null
  const context = { route, shared: sharedSchemasAsAdded(instance), sinclair: await formats() }
  return buildResponseEncoder(response, {
    shared,
    compileCheck (schema) {
      return compileValueCheck(schema, context, 'a union branch with codecs')
    }
  })
}

/** What goes to the log for an encode callback that threw: where, and its message. Never to the client. */
export function encodeFailureDetails (failure: EncodeFailure): ResponseMismatch[] {
  return [{ path: failure.path, message: failure.message }]
}
