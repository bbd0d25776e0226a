// Standard Schema (https://standardschema.dev) is the interface zod 4, valibot and arktype share:
// a schema carries `~standard` with its `vendor` and a `validate` function. Such a value is never
// JSON Schema: the plugin neither walks nor bundles it, it only asks the library.

/** A mismatch as the response model logs it: declared here, so the model's files import this one and not the other way. */
interface ResponseMismatch { path: string, message: string }

/** The part of Standard Schema's `~standard` the plugin reads. */
export interface StandardProps {
  vendor: string
  validate: (value: unknown) => { issues?: ReadonlyArray<StandardIssue> } | PromiseLike<unknown>
}

/** A Standard Schema issue, with zod's extra fields where zod wrote it. */
export interface StandardIssue {
  message?: unknown
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>
  code?: unknown
  [field: string]: unknown
}

export type StandardSchema = object & { '~standard': StandardProps }

/** Whether a value is a Standard Schema (arktype's schemas are functions). */
export function isStandardSchema (value: unknown): value is StandardSchema {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false
  if (!('~standard' in value)) return false
  const props = (value as { '~standard': unknown })['~standard']
  return props !== null && typeof props === 'object'
}

/** The library that wrote a Standard Schema, for error messages: `zod`, `valibot`, `arktype`. */
export function vendorOf (schema: StandardSchema): string {
  const vendor = schema['~standard'].vendor
  return typeof vendor === 'string' && vendor !== '' ? vendor : 'an unnamed library'
}

function isObject (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object'
}

/**
 * The first Standard Schema among a route's response schemas, where Fastify and
 * `@fastify/swagger` read them: a status's schema, a media type's `schema`, a `headers` map or
 * one of its entries. `null` for a route written in JSON Schema (TypeBox, plain, `$ref`).
 */
export function findStandardSchema (response: object): StandardSchema | null {
  for (const status of Object.values(response)) {
    const candidates: unknown[] = [status]
    if (isObject(status) && !isStandardSchema(status)) {
      candidates.push(status.headers)
      if (isObject(status.headers) && !isStandardSchema(status.headers)) candidates.push(...Object.values(status.headers))
      if (isObject(status.content)) for (const media of Object.values(status.content)) candidates.push(isObject(media) ? media.schema : undefined)
    }
    const found = candidates.find(isStandardSchema)
    if (found !== undefined) return found
  }
  return null
}

/**
 * The properties of an object schema of declared headers: zod's `z.object()` keeps them in
 * `shape`, valibot's `v.object()` in `entries`. `null` when the library keeps them elsewhere.
 */
export function standardHeaderEntries (headers: StandardSchema): Array<[string, unknown]> | null {
  const shape = (headers as { shape?: unknown }).shape ?? (headers as { entries?: unknown }).entries
  return isObject(shape) ? Object.entries(shape) : null
}

/**
 * The headers a zod body schema declares in its metadata, `.meta({ headers: { name: schema } })`:
 * zod's JSON Schema conversion copies metadata into the schema, so both zod providers'
 * `jsonSchemaTransform` carry them to `@fastify/swagger`, which documents a `headers` map.
 */
export function metaHeaderEntries (schema: StandardSchema): Array<[string, unknown]> {
  const meta = (schema as { meta?: unknown }).meta
  if (vendorOf(schema) !== 'zod' || typeof meta !== 'function') return []
  const headers = (meta.call(schema) as { headers?: unknown } | undefined)?.headers
  return isObject(headers) ? Object.entries(headers) : []
}

// A JSON number (RFC 8259 6): response-model.ts's compileHeader reads wire strings the same way.
const jsonNumberRE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

/**
 * The check of a declared header written with a Standard Schema library, on its wire string:
 * the string passes as itself, or as the number or boolean it spells exactly, as a JSON Schema
 * header does (`z.int()` accepts `'3'`, not `'3.5'` or `'abc'`). The library validates (zod's
 * decode direction: a header's schema describes the wire). An asynchronous schema never passes.
 */
export function compileStandardHeader (schema: StandardSchema): (value: string) => boolean {
  const props = schema['~standard']
  const accepts = (value: unknown): boolean => {
    const result = props.validate(value) as { issues?: unknown, then?: unknown }
    return typeof result.then !== 'function' && result.issues === undefined
  }
  return function checkStandardHeader (value) {
    return accepts(value) ||
      (jsonNumberRE.test(value) && accepts(Number(value))) ||
      ((value === 'true' || value === 'false') && accepts(value === 'true'))
  }
}

function escapeSegment (segment: PropertyKey | { key: PropertyKey }): string {
  const key = isObject(segment) ? segment.key : segment
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1')
}

// zod's issue messages can hold data (`Unrecognized key: "secret"`, a custom error function's
// text), and valibot's do (`... but received 123`). So the log gets a message made from the
// issue's code and the schema's side of it only, never the library's own text.
const describe: Record<string, (issue: StandardIssue) => string> = {
  invalid_type: issue => `Expected ${String(issue.expected)}`,
  invalid_value: () => 'Expected one of the values the schema allows',
  invalid_format: issue => `Expected the ${String(issue.format)} format`,
  too_big: issue => `Too big: the schema allows at most ${String(issue.maximum)}${issue.inclusive === false ? ' (exclusive)' : ''}`,
  too_small: issue => `Too small: the schema needs at least ${String(issue.minimum)}${issue.inclusive === false ? ' (exclusive)' : ''}`,
  not_multiple_of: issue => `Expected a multiple of ${String(issue.divisor)}`,
  unrecognized_keys: issue => `${Array.isArray(issue.keys) ? issue.keys.length : 0} unrecognized key(s)`,
  invalid_union: () => 'Matches no member of the union',
  invalid_key: () => 'A key does not match the schema',
  invalid_element: () => 'An element does not match the schema'
}

/** At most ten issues as the log's mismatches: a JSON pointer and a message without values. */
export function issuesToMismatches (issues: ReadonlyArray<StandardIssue>): ResponseMismatch[] {
  return issues.slice(0, 10).map(issue => {
    const path = Array.isArray(issue.path) ? issue.path.map(segment => '/' + escapeSegment(segment)).join('') : ''
    const explain = typeof issue.code === 'string' && Object.hasOwn(describe, issue.code) ? describe[issue.code] : undefined
    return { path, message: explain === undefined ? 'Does not match the schema' : explain(issue) }
  })
}
