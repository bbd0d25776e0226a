import { FormatRegistry, Kind, Type } from '@sinclair/typebox'
import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { Value } from '@sinclair/typebox/value'
import { fullFormats } from 'ajv-formats/dist/formats.js'

/** A failed check, as it goes to the log: where, and what was expected. Never the value. */
export interface ResponseMismatch {
  path: string
  message: string
}

/** What the route's response schema for one status (or `2xx`, or `default`) requires. */
export interface StatusModel {
  /** Checks the body; `null` when the schema is not a TypeBox schema. */
  body: ((data: unknown) => ResponseMismatch[] | null) | null
  /** Declared headers with a TypeBox schema: lower-case name and a check of the wire string. */
  headers: Array<{ name: string, check: (value: string) => boolean }>
}

/** The response model of one route. */
export interface ResponseModel {
  /** Keyed as Fastify keys `schema.response`: `'200'`, `'2xx'`, `'default'`. */
  statuses: Map<string, StatusModel>
  /** Every declared header name, lower-cased, over all statuses. */
  declaredNames: string[]
}

type SchemaObject = Record<string | symbol, unknown>

const dateFormats = new Set(['date-time', 'date', 'time'])

/**
 * TypeBox fails any string whose format it does not know, so a `Type.String({ format: 'email' })`
 * would reject every response. Teach it the formats Fastify's own validator knows (ajv-formats),
 * without replacing any format the application registered.
 */
export function registerFormats (): void {
  for (const [name, format] of Object.entries(fullFormats)) {
    if (FormatRegistry.Has(name)) continue
    const test = typeof format === 'object' && !(format instanceof RegExp) ? format.validate : format
    if (typeof test === 'boolean') FormatRegistry.Set(name, () => test)
    else if (test instanceof RegExp) FormatRegistry.Set(name, value => test.test(value))
    else FormatRegistry.Set(name, value => (test as (text: string) => boolean)(value))
  }
}

function isTypeBoxSchema (schema: unknown): schema is TSchema {
  return schema !== null && typeof schema === 'object' && Kind in schema
}

/**
 * Fastify's serializer writes a `Date` where a date-time, date or time string is declared.
 * This copy of the schema accepts one there, for the second look that `checkBody` takes.
 */
function acceptDates (schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(acceptDates)
  if (schema === null || typeof schema !== 'object') return schema
  const node = schema as SchemaObject
  if (node[Kind] === 'String' && dateFormats.has(node.format as string)) {
    return Type.Union([node as unknown as TSchema, Type.Date()])
  }
  const copy: SchemaObject = {}
  for (const key of Reflect.ownKeys(node)) copy[key] = acceptDates(node[key])
  return copy
}

/** Replaces values that have `toJSON()` (but Dates) by what it returns, as JSON serialization does. */
function applyToJSON (value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value
  const toJSON = (value as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') return applyToJSON(toJSON.call(value))
  if (Array.isArray(value)) return value.map(applyToJSON)
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(value)) copy[key] = applyToJSON((value as Record<string, unknown>)[key])
  return copy
}

function compileBody (schema: TSchema): (data: unknown) => ResponseMismatch[] | null {
  const strict = TypeCompiler.Compile(schema)
  const lenient = TypeCompiler.Compile(acceptDates(schema) as TSchema)
  return function checkBody (data) {
    // Fast path: the data as returned. Only a failure pays for the toJSON() pass.
    if (strict.Check(data)) return null
    let normalized: unknown
    try {
      normalized = applyToJSON(data)
      if (lenient.Check(normalized)) return null
    } catch {
      return [{ path: '', message: 'toJSON() threw, or the data is cyclic' }]
    }
    const mismatches: ResponseMismatch[] = []
    for (const error of lenient.Errors(normalized)) {
      mismatches.push({ path: error.path, message: error.message })
      if (mismatches.length === 10) break
    }
    return mismatches
  }
}

function compileHeader (schema: TSchema): (value: string) => boolean {
  const checker = TypeCompiler.Compile(schema)
  // On the wire every header is a string: convert it as TypeBox converts
  // query strings ('3' -> 3 for Type.Integer()), then check without coercion.
  return value => checker.Check(Value.Convert(schema, value))
}

function buildStatusModel (schema: SchemaObject, declaredNames: Set<string>): StatusModel {
  const declared = schema.headers as Record<string, unknown> | undefined
  const headers: StatusModel['headers'] = []
  if (declared !== null && typeof declared === 'object') {
    for (const [name, headerSchema] of Object.entries(declared)) {
      const key = name.toLowerCase()
      declaredNames.add(key)
      if (isTypeBoxSchema(headerSchema)) headers.push({ name: key, check: compileHeader(headerSchema) })
    }
  }
  return { body: isTypeBoxSchema(schema) ? compileBody(schema) : null, headers }
}

/** Compiles the response model of a route once, at registration. `null` when it has no response schema. */
export function buildResponseModel (response: unknown): ResponseModel | null {
  if (response === null || typeof response !== 'object') return null
  const statuses = new Map<string, StatusModel>()
  const declaredNames = new Set<string>()
  for (const [status, schema] of Object.entries(response)) {
    if (schema === null || typeof schema !== 'object') continue
    statuses.set(status.toLowerCase(), buildStatusModel(schema, declaredNames))
  }
  return { statuses, declaredNames: [...declaredNames] }
}

/** The model that applies to a status, looked up as Fastify looks up serializers. */
export function findStatusModel (model: ResponseModel, statusCode: number): StatusModel | undefined {
  const { statuses } = model
  return statuses.get(String(statusCode)) ??
    statuses.get(String(statusCode)[0] + 'xx') ??
    statuses.get('default')
}
