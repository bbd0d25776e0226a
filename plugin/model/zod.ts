import { FST_TEMP_RESPONSE_INVALID_RESPONSE, FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA } from '../errors.ts'
import { compileBody, compileHeader, declaredHeaders, findBodyCheck } from './response-model.ts'
import type { BodyPlan, ModelContext, ResponseMismatch, ResponseModel, StatusModel } from './response-model.ts'
import { compileStandardHeader, isStandardSchema, issuesToMismatches, standardHeaderEntries, vendorOf } from './standard-schema.ts'
import type { StandardIssue, StandardSchema } from './standard-schema.ts'

// The response model of a route whose response schemas are zod's (or another Standard Schema
// library's). Its serializer compiler is the provider's: `fastify-type-provider-zod` 7 and
// `@fastify/type-provider-zod` 1 both compile each schema into zod's `safeEncode` (codecs
// applied, the value checked, unknown keys stripped) then `JSON.stringify`. That is the one
// check of the body: the plugin does not check again. It wraps the compiler so that what the
// serializer throws becomes the plugin's coded 500, and it keeps the rest of the model: the
// staged status selects the schema, a status or media type without one is refused, and the
// declared headers are checked as wire strings.

/** What Fastify hands a serializer compiler (`FastifyRouteSchemaDef`). */
export interface SerializerCompilerInput {
  schema: unknown
  method: string
  url: string
  httpStatus?: string
  contentType?: string
}

export type SerializerCompiler = (input: SerializerCompilerInput) => (data: unknown) => string

/** A route whose response schemas hold a Standard Schema, found at `onRoute`. */
export interface StandardRoute {
  /** Whether the route's serializer compiler is its own (the provider's), not Fastify's default. */
  ownCompiler: boolean
  /** The route's wrapped serializers, as Fastify compiled them: keyed as `schema.response`, then by media type (`''` for none). */
  serializers: Map<string, Map<string, (data: unknown) => string>>
}

/**
 * A body the provider's serializer checks: nothing to do before it runs, so its snapshot is the
 * value itself. The provider writes it: `serialize` is never called.
 */
const checkedBySerializer: BodyPlan = { serialize: String, snapshot: function checkedBySerializer (data) { return data } }

/** The plugin's coded 500 for what a route's serializer threw, with the details for the log. */
export function toInvalidResponse (error: unknown, status: string): Error {
  const issues = findIssues(error) ?? findIssues((error as { cause?: unknown } | null)?.cause)
  const invalid = new FST_TEMP_RESPONSE_INVALID_RESPONSE(status)
  if (issues !== undefined) {
    Object.assign(invalid, { details: issuesToMismatches(issues) })
    return invalid
  }
  // Not a mismatch: a codec's encode or a transform threw. Its message may hold data, so it goes
  // to the log as the cause, never into the details or the response.
  const name = error instanceof Error ? error.name : typeof error
  Object.assign(invalid, { details: [{ path: '', message: `The serializer threw (${name})` }], cause: error })
  return invalid
}

function findIssues (value: unknown): ReadonlyArray<StandardIssue> | undefined {
  const issues = value !== null && typeof value === 'object' ? (value as { issues?: unknown }).issues : undefined
  return Array.isArray(issues) ? issues : undefined
}

/**
 * Wraps a route's serializer compiler (read when Fastify compiles, at `ready()`): each
 * serializer it returns throws the plugin's `FST_TEMP_RESPONSE_INVALID_RESPONSE` instead of the
 * provider's error, so one error handler serves every route.
 */
export function wrapSerializerCompiler (route: StandardRoute, resolve: () => SerializerCompiler): SerializerCompiler {
  return function compileTemporaryResponseSerializer (input) {
    const serialize = resolve()(input)
    const status = String(input.httpStatus)
    function serializeCheckedBody (data: unknown): string {
      try {
        return serialize(data)
      } catch (error) {
        throw toInvalidResponse(error, status)
      }
    }
    const byMedia = route.serializers.get(status) ?? new Map()
    route.serializers.set(status, byMedia.set(input.contentType ?? '', serializeCheckedBody))
    return serializeCheckedBody
  }
}

/**
 * Serializes a value as the route's serializer does for this status and Content-Type (looked up
 * as Fastify looks it up), for a body that reached `onSend` without it: a returned string, say,
 * parsed first by the caller. Throws `FST_TEMP_RESPONSE_INVALID_RESPONSE` on a mismatch and when
 * no schema applies.
 */
export function serializeThroughModel (route: StandardRoute, statusCode: number, contentType: unknown, value: unknown): string {
  const code = String(statusCode)
  const byMedia = route.serializers.get(code) ?? route.serializers.get(code[0] + 'xx') ?? route.serializers.get('default')
  const serialize = byMedia === undefined ? undefined : byMedia.get('') ?? findBodyCheck({ body: null, media: byMedia }, contentType)
  if (serialize === undefined || serialize === null) {
    throw Object.assign(new FST_TEMP_RESPONSE_INVALID_RESPONSE(statusCode), { details: noStatusSchema })
  }
  return serialize(value)
}

/**
 * The compiler of a route with zod bodies and no serializer compiler of its own: Fastify's
 * default one (fast-json-stringify) would fail on a zod schema with an error of its own before
 * the plugin can name the problem, so this one takes its place, and `ready()` fails with
 * `FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA` (see `buildStandardModel`). Its serializers never run.
 */
export function refuseStandardSchemas (input: SerializerCompilerInput): (data: unknown) => string {
  const status = String(input.httpStatus)
  return function refuseUncheckedBody () {
    throw Object.assign(new FST_TEMP_RESPONSE_INVALID_RESPONSE(status), { details: [{ path: '', message: 'No serializer compiler checks this schema' }] })
  }
}

/** Whether any body schema of a route (a status's, a media type's) is a Standard Schema. */
export function hasStandardBody (response: object): boolean {
  return Object.values(response).some(status => isStandardSchema(status) ||
    (status !== null && typeof status === 'object' && status.content !== null && typeof status.content === 'object' &&
      Object.values(status.content as object).some(media => isStandardSchema((media as { schema?: unknown } | null)?.schema))))
}

function refuse (context: ModelContext, where: string, reason: string): never {
  throw new FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA(context.route, where, reason)
}

function compileStandardBody (schema: StandardSchema, route: StandardRoute, context: ModelContext, where: string): BodyPlan {
  if (route.ownCompiler) return checkedBySerializer
  const vendor = vendorOf(schema)
  return refuse(context, where, `it is a ${vendor} schema (Standard Schema), which Fastify's default serializer cannot check. Set a serializer compiler that checks ${vendor} schemas (the type provider's serializerCompiler, with app.setSerializerCompiler() before the route)`)
}

function compileAnyBody (schema: unknown, route: StandardRoute, context: ModelContext, where: string, status: string): BodyPlan {
  if (isStandardSchema(schema)) return compileStandardBody(schema, route, context, where)
  if (schema === null || typeof schema !== 'object') return compileBody(schema, context, where, status)
  // The `headers` beside a body schema are not the body's.
  const { headers: _headers, ...body } = schema as Record<string, unknown>
  return compileBody(body, context, where, status)
}

function compileHeaders (schema: object, context: ModelContext, status: string): StatusModel['headers'] {
  const map = (schema as { headers?: unknown }).headers
  if (!isStandardSchema(schema) && isStandardSchema(map) && standardHeaderEntries(map) === null) {
    refuse(context, `${status} headers`, `the declared headers are a ${vendorOf(map)} schema whose properties the plugin cannot read; write them as a zod z.object(), a valibot v.object(), or a map of header names to schemas`)
  }
  return declaredHeaders(schema as Record<string, unknown>).map(([name, headerSchema]) => {
    const key = name.toLowerCase()
    const check = isStandardSchema(headerSchema) ? compileStandardHeader(headerSchema) : compileHeader(headerSchema, context, `${status} header ${key}`)
    return { name: key, check }
  })
}

function buildStatus (status: string, schema: unknown, route: StandardRoute, context: ModelContext): StatusModel {
  const headers = compileHeaders(schema as object, context, status)
  if (isStandardSchema(schema)) return { body: compileStandardBody(schema, route, context, status), media: null, headers }
  const object = schema as Record<string, unknown>
  const content = object.content
  if (content === null || typeof content !== 'object') return { body: compileAnyBody(object, route, context, status, status), media: null, headers }
  const media = new Map<string, BodyPlan>()
  for (const [type, entry] of Object.entries(content)) media.set(type, compileAnyBody((entry as { schema: unknown }).schema, route, context, `${status} ${type}`, status))
  return { body: null, media, headers }
}

/**
 * Builds, at `ready()`, the model of a route whose response schemas hold a Standard Schema:
 * bodies the serializer checks, JSON Schema bodies beside them checked as any other, declared
 * headers of either kind. A Standard Schema body without a serializer compiler of its own
 * makes `ready()` fail with `FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA` naming its library.
 */
export function buildStandardModel (response: object, route: StandardRoute, context: ModelContext): ResponseModel {
  const statuses = new Map<string, StatusModel>()
  let declaresHeaders = false
  for (const [status, schema] of Object.entries(response)) {
    const model = buildStatus(status, schema, route, context)
    statuses.set(status.toLowerCase(), model)
    declaresHeaders ||= model.headers.length !== 0
  }
  return { statuses, declaresHeaders }
}

/** Why a reply of a Standard Schema route cannot go out: no schema for its status or media type. */
export const noStatusSchema: ResponseMismatch[] = [{ path: '', message: 'The route declares no response schema for this status (no exact, 2xx-style or default entry)' }]
