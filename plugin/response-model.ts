import { FormatRegistry, Kind, Type } from '@sinclair/typebox'
import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
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

/** Whether serialization would replace any value in `value` by its `toJSON()` (Dates aside). */
function hasToJSON (value: unknown): boolean {
  if (value === null || typeof value !== 'object' || value instanceof Date) return false
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return true
  if (Array.isArray(value)) return value.some(hasToJSON)
  for (const key in value) {
    if (hasToJSON((value as Record<string, unknown>)[key])) return true
  }
  return false
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
    let normalized = data
    try {
      // What is checked is what will be serialized: a value with toJSON() as its result.
      if (hasToJSON(data)) normalized = applyToJSON(data)
      else if (strict.Check(data)) return null
      // Then again with Dates allowed where date-time, date or time strings are declared.
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

// A JSON number (RFC 8259 6), the only spelling a header value may have to pass as one.
const jsonNumberRE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

function compileHeader (schema: TSchema): (value: string) => boolean {
  const checker = TypeCompiler.Compile(schema)
  // On the wire every header is a string. It passes as itself, or as the number
  // or boolean it spells exactly: '3' is an integer, '3.5', ' 3' and 'true' are not.
  return function checkHeader (value) {
    return checker.Check(value) ||
      (jsonNumberRE.test(value) && checker.Check(Number(value))) ||
      ((value === 'true' || value === 'false') && checker.Check(value === 'true'))
  }
}

/** Called for a schema TypeBox cannot compile (a `Type.Ref()` to an `addSchema()` schema, say). */
export type UncompilableHandler = (where: string, error: Error) => void

function tryCompile<T> (schema: TSchema, compile: (schema: TSchema) => T, where: string, onUncompilable: UncompilableHandler): T | null {
  try {
    return compile(schema)
  } catch (error) {
    onUncompilable(where, error as Error)
    return null
  }
}

function buildStatusModel (status: string, schema: SchemaObject, declaredNames: Set<string>, onUncompilable: UncompilableHandler): StatusModel {
  const declared = schema.headers as Record<string, unknown> | undefined
  const headers: StatusModel['headers'] = []
  if (declared !== null && typeof declared === 'object') {
    for (const [name, headerSchema] of Object.entries(declared)) {
      const key = name.toLowerCase()
      declaredNames.add(key)
      const check = isTypeBoxSchema(headerSchema) ? tryCompile(headerSchema, compileHeader, `${status} header ${key}`, onUncompilable) : null
      if (check !== null) headers.push({ name: key, check })
    }
  }
  const body = isTypeBoxSchema(schema) ? tryCompile(schema, compileBody, status, onUncompilable) : null
  return { body, headers }
}

/**
 * Compiles the response model of a route once, at registration. A schema TypeBox
 * cannot compile is reported to `onUncompilable` and left unvalidated (Fastify
 * still serializes and filters by it).
 */
export function buildResponseModel (response: object, onUncompilable: UncompilableHandler): ResponseModel {
  const statuses = new Map<string, StatusModel>()
  const declaredNames = new Set<string>()
  for (const [status, schema] of Object.entries(response)) {
    statuses.set(status.toLowerCase(), buildStatusModel(status, schema, declaredNames, onUncompilable))
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
