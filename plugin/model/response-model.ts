import { Compile } from 'typebox/compile'
import type { TSchema } from 'typebox'
import { FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA } from '../errors.ts'
import { resolveFormat } from './formats.ts'
import type { SinclairFormats } from './formats.ts'
import { bundleSchema, isObject, UncheckableSchema } from './schema-bundle.ts'
import { isStandardSchema, metaHeaderEntries, standardHeaderEntries } from './standard-schema.ts'
import { compileReader, derefIn } from './plan.ts'
import { compileWriter } from './plan-writer.ts'
import { compileDirect } from './plan-direct.ts'
import type { DirectWriter } from './plan-direct.ts'
import type { Writer } from './plan-writer.ts'
import type { Reader } from './plan.ts'
import { createPlan } from './serializer.ts'
import { invalidSchemaReason } from './schema-validity.ts'
import type { Serialize } from './serializer.ts'

/** A failed check, as it goes to the log: where, and what was expected. Never the value. */
export interface ResponseMismatch {
  path: string
  message: string
}

/**
 * The plan of one body schema (plan.ts): the route's validating serializer, and the checked
 * snapshot for a serializer that is not the model's. Both throw `FST_TEMP_RESPONSE_INVALID_RESPONSE`.
 */
export interface BodyPlan {
  serialize: Serialize
  snapshot: (data: unknown) => unknown
}

/** Checks data against one response schema: `null` when it matches, else the mismatches. */
export type BodyCheck = (data: unknown) => ResponseMismatch[] | null

/**
 * A plan as a check of a value no plan writes (a parsed JSON body, a returned string, a body
 * another serializer writes): the mismatches of its snapshot, or `null`.
 */
export function checkOf (plan: BodyPlan): BodyCheck {
  return function checkBody (data) {
    try {
      plan.snapshot(data)
      return null
    } catch (error) {
      return (error as { details: ResponseMismatch[] }).details
    }
  }
}

/** What the route's response schema for one status (or `2xx`, or `default`) requires. */
export interface StatusModel {
  /** The body's plan. Unused when `media` is set. */
  body: BodyPlan | null
  /** For a `content`-keyed schema: a plan per media type, keyed as the schema writes them. */
  media: Map<string, BodyPlan> | null
  /** Declared headers: lower-case name and a check of the wire string. */
  headers: Array<{ name: string, check: (value: string) => boolean }>
}

/** The response model of one route. */
export interface ResponseModel {
  /** Keyed as Fastify keys `schema.response`: `'200'`, `'2xx'`, `'default'`. */
  statuses: Map<string, StatusModel>
  /** Whether any status declares a header: without one, a merge checks no staged value. */
  declaresHeaders: boolean
}

type SchemaObject = Record<string, unknown>

/** Everything a build needs besides the schema: where it is, for the error, and how to resolve. */
export interface ModelContext {
  /** `GET /users/:id`, for the error. */
  route: string
  /** `fastify.getSchemas()` of the route's scope, at `ready()`. */
  shared: Record<string, unknown>
  /** @sinclair/typebox's FormatRegistry, when the route has 0.34 schemas. */
  sinclair: SinclairFormats | null
  /**
   * Checks already compiled in this `ready()`, by the JSON of their bundle: routes that write the
   * same schema anew (a `Type.Object()` per route) share one check and one reader.
   */
  compiled?: Map<string, Compiled>
}

type Compiled = ReturnType<typeof Compile> & { root: SchemaObject, read?: Reader, write?: Writer, direct?: DirectWriter | null }

const functionIds = new WeakMap<object, number>()
let functionCount = 0

/**
 * A bundle's JSON, with each function in it (a refinement's check) named by its identity and its
 * place: two bundles JSON alike but for their refinements never share a check. Nothing else a
 * check reads can be what JSON erases: `const` and `enum` hold JSON values only (schema-bundle.ts),
 * and bounds that are not finite numbers fail the meta-schema check.
 */
function bundleKey (root: SchemaObject): string {
  const functions: string[] = []
  let place = 0
  const json = JSON.stringify(root, (_key, value: unknown) => {
    place++
    if (typeof value !== 'function') return value
    let id = functionIds.get(value)
    if (id === undefined) functionIds.set(value, id = functionCount++)
    functions.push(`${place}:${id}`)
    return null
  })
  return functions.length === 0 ? json : `${json} ${functions.join(',')}`
}

function compileBundle (schema: unknown, context: ModelContext, where: string): Compiled {
  try {
    const root = bundleSchema(schema, context.shared, (name, node) => resolveFormat(name, node, context.sinclair))
    const key = context.compiled === undefined ? '' : bundleKey(root)
    let compiled = context.compiled?.get(key)
    if (compiled === undefined) {
      compiled = Object.assign(Compile(root as TSchema), { root })
      context.compiled?.set(key, compiled)
    }
    return compiled
  } catch (error) {
    const reason = error instanceof UncheckableSchema ? error.message : `the checker cannot compile it (${(error as Error).message})`
    throw new FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA(context.route, where, reason)
  }
}

/** The plan of a body schema; a schema the plan cannot follow as the serializer would is refused. */
export function compileBody (schema: unknown, context: ModelContext, where: string, status: string): BodyPlan {
  const validator = compileBundle(schema, context, where)
  try {
    validator.read ??= compileReader(validator.root)
    validator.write ??= compileWriter(validator.root, derefIn(validator.root))
  } catch (error) {
    // Unplannable: a schema the reader cannot follow as fast-json-stringify does.
    throw new FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA(context.route, where, `the serializer and the checker would read it differently: ${(error as Error).message}`)
  }
  return createPlan(validator.read, validator.write, validator, status, () => {
    // One direct writer per bundle, shared by the routes that write the same schema.
    if (validator.direct === undefined) validator.direct = compileDirect(validator.root, derefIn(validator.root))
    return validator.direct
  })
}

/** A plain check of a schema (a union branch with codecs): whether the value matches as it is. */
export function compileValueCheck (schema: unknown, context: ModelContext, where: string): (value: unknown) => boolean {
  const validator = compileBundle(schema, context, where)
  return value => validator.Check(value)
}

// A JSON number (RFC 8259 6), the only spelling a header value may have to pass as one.
const jsonNumberRE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

export function compileHeader (schema: unknown, context: ModelContext, where: string): (value: string) => boolean {
  const validator = compileBundle(schema, context, where)
  // On the wire every header is a string. It passes as itself, or as the number
  // or boolean it spells exactly: '3' is an integer, '3.5', ' 3' and 'true' are not.
  return function checkHeader (value) {
    try {
      return validator.Check(value) ||
        (jsonNumberRE.test(value) && validator.Check(Number(value))) ||
        ((value === 'true' || value === 'false') && validator.Check(value === 'true'))
    } catch {
      // An application's refinement threw: the value is not shown to match.
      return false
    }
  }
}

/**
 * The declared headers of one status: the status's own `headers`, and those of each media type.
 * A map of names to schemas, or an object schema of a Standard Schema library (zod's
 * `z.object({ ... })`), whose properties are the headers; a Standard Schema is never walked.
 */
export function declaredHeaders (schema: SchemaObject): Array<[string, unknown]> {
  if (isStandardSchema(schema)) return metaHeaderEntries(schema)
  const maps = [schema.headers]
  const entries: Array<[string, unknown]> = []
  if (isObject(schema.content)) {
    for (const media of Object.values(schema.content)) {
      const body = isObject(media) ? media.schema : undefined
      if (isStandardSchema(body)) entries.push(...metaHeaderEntries(body))
      else maps.push(isObject(body) ? body.headers : undefined)
    }
  }
  return entries.concat(maps.flatMap(map => isStandardSchema(map) ? standardHeaderEntries(map) ?? [] : isObject(map) ? Object.entries(map) : []))
}

/** Every declared header name of a `schema.response`, lower-cased, over all statuses. */
export function declaredHeaderNames (response: object): string[] {
  const names = new Set<string>()
  for (const schema of Object.values(response)) {
    if (isObject(schema)) for (const [name] of declaredHeaders(schema)) names.add(name.toLowerCase())
  }
  return [...names]
}

/** The body schema: the schema without the `headers` it declares (they are not the body's). */
function bodySchema (schema: SchemaObject): unknown {
  if (!isObject(schema.headers)) return schema
  const { headers: _headers, ...body } = schema
  return body
}

// Shared schemas found valid, so that 1,000 routes of one scope check each of them once.
const validShared = new WeakSet<object>()

/**
 * Refuses, coded, a response schema plain Fastify's serializer would refuse at `ready()` (see
 * schema-validity.ts): each status schema (`headers` and all, as Fastify hands it over) or media
 * type schema, each declared header's schema, and every shared schema of the scope, as
 * fast-json-stringify checks them for every route it compiles. Run before any other walk of them;
 * a route with a Standard Schema anywhere (zod) has its own model and never comes here.
 */
export function assertValidSchemas (response: object, context: Pick<ModelContext, 'route' | 'shared'>): void {
  const statuses = Object.entries(response) as Array<[string, unknown]>
  // No schema for any status: nothing is serialized by one, so nothing of the scope's is read.
  if (statuses.length === 0) return
  const refuse = (schema: unknown, where: string, shared?: string): void => {
    let reason: string | null
    try {
      reason = invalidSchemaReason(schema)
    } catch (error) {
      // A getter in the schema that throws: named, never quoted (its message may hold anything).
      reason = `reading it threw (${error instanceof Error ? error.name : typeof error})`
    }
    if (reason === null) return
    throw new FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA(context.route, where, shared === undefined ? reason : `the shared schema ${JSON.stringify(shared)} fails: ${reason}`)
  }
  for (const [id, shared] of Object.entries(context.shared)) {
    if (validShared.has(shared as object)) continue
    refuse(shared, statuses[0][0], id)
    validShared.add(shared as object)
  }
  for (const [status, schema] of statuses) {
    if (!isObject(schema)) {
      refuse(schema, status)
      continue
    }
    if (isObject(schema.content)) for (const [type, entry] of Object.entries(schema.content)) refuse((entry as SchemaObject).schema, `${status} ${type}`)
    else refuse(schema, status)
    for (const [name, header] of declaredHeaders(schema)) refuse(header, `${status} header ${name.toLowerCase()}`)
  }
}

function buildStatusModel (status: string, schema: SchemaObject, context: ModelContext): StatusModel {
  const headers: StatusModel['headers'] = []
  for (const [name, headerSchema] of declaredHeaders(schema)) {
    const key = name.toLowerCase()
    headers.push({ name: key, check: compileHeader(bodySchema(headerSchema as SchemaObject), context, `${status} header ${key}`) })
  }
  if (!isObject(schema.content)) {
    return { body: compileBody(bodySchema(schema), context, status, status), media: null, headers }
  }
  const media = new Map<string, BodyPlan>()
  for (const [type, entry] of Object.entries(schema.content)) {
    media.set(type, compileBody(bodySchema((entry as SchemaObject).schema as SchemaObject), context, `${status} ${type}`, status))
  }
  return { body: null, media, headers }
}

/**
 * Compiles the response model of a route once, at `ready()`, with every `$ref` resolved against
 * the shared schemas of the route's scope. A schema it cannot check throws
 * `FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA`, naming the route, the status and the reason.
 */
export function buildResponseModel (response: object, context: ModelContext): ResponseModel {
  const statuses = new Map<string, StatusModel>()
  let declaresHeaders = false
  for (const [status, schema] of Object.entries(response)) {
    const model = buildStatusModel(status, schema as SchemaObject, context)
    statuses.set(status.toLowerCase(), model)
    declaresHeaders ||= model.headers.length !== 0
  }
  return { statuses, declaresHeaders }
}

/** The model that applies to a status, looked up as Fastify looks up serializers. */
export function findStatusModel<T = StatusModel> (model: { statuses: Map<string, T> }, statusCode: number): T | undefined {
  const { statuses } = model
  return statuses.get(String(statusCode)) ??
    statuses.get(String(statusCode)[0] + 'xx') ??
    statuses.get('default')
}

// RFC 9110 8.3.1: media-type = type "/" subtype; Fastify's lib/content-type.js parses it alike.
const mediaTypeRE = /^[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+$/

/**
 * The check of a status for the reply's Content-Type, chosen as Fastify chooses the serializer:
 * the media type (lower-cased, without parameters), else `*\/*`. `undefined` when none applies:
 * Fastify would then send the data unfiltered, so the caller treats it as a mismatch.
 */
export function findBodyCheck<C = BodyPlan> (status: { body: C | null, media: Map<string, C> | null }, contentType: unknown): C | null | undefined {
  if (status.media === null) return status.body
  const text = typeof contentType === 'string' ? contentType : ''
  const semicolon = text.indexOf(';')
  const mediaType = (semicolon === -1 ? text : text.slice(0, semicolon)).trim().toLowerCase()
  if (!mediaTypeRE.test(mediaType)) return undefined
  return status.media.get(mediaType) ?? status.media.get('*/*')
}
