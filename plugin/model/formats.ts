import * as Format from 'typebox/format'
import { fullFormats } from 'ajv-formats/dist/formats.js'
import { isDateTime } from './fast-formats.ts'
import { ajvFormatPrefix, sinclairFormatPrefix, UncheckableSchema } from './schema-bundle.ts'
import { isStandardSchema } from './standard-schema.ts'

// The checker (typebox 1.x) passes any string whose `format` it does not know, so every format a
// response schema names is resolved when the checker is built, or the schema is refused.

/** TypeBox 0.34 marks its schemas with this global symbol (and 1.x with a hidden `~kind`). */
export const sinclairKind = Symbol.for('TypeBox.Kind')

type Check = (value: string) => boolean

/** The part of @sinclair/typebox's FormatRegistry that is read: the application's formats. */
export interface SinclairFormats {
  Has: (name: string) => boolean
  Get: (name: string) => Check | undefined
}

/** typebox's own format checks: a registry entry that is one of them is not the application's. */
const typeboxOwn = new Set<unknown>(Object.values(Format))

function fromAjv (name: string): Check | undefined {
  // Own properties only: 'constructor', 'toString' or '__proto__' are Object.prototype's, not formats.
  if (!Object.hasOwn(fullFormats, name)) return undefined
  // The same answers, about ten times faster (fast-formats.ts).
  if (name === 'date-time') return isDateTime
  const format = (fullFormats as Record<string, unknown>)[name]
  // A format of numbers (int32, int64, float, double) leaves strings alone: ajv checks it on
  // numbers only, and the bundle writes int32's bounds into the node (schema-bundle.ts).
  if ((format as { type?: unknown }).type === 'number') return () => true
  // ajv-formats defines a format as a RegExp, a function, { validate } or `true` (any string).
  const test = typeof format === 'object' && !(format instanceof RegExp) ? (format as { validate: unknown }).validate : format
  if (test instanceof RegExp) return value => test.test(value)
  if (typeof test === 'function') return value => (test as Check)(value)
  return () => test === true
}

/**
 * Returns the name under which typebox 1.x's registry checks `name` for this node, in order:
 * the application's own format in @sinclair/typebox's FormatRegistry (for a 0.34 node), the
 * application's own in typebox 1.x's registry (a name of its own, or one of typebox's replaced
 * with `Format.Set()`), the formats Fastify's own validator knows (ajv-formats, full, registered
 * under a prefixed name so no application format is replaced): a response is checked as a
 * request is; then typebox's own, for the names ajv-formats lacks (`iri`, `idn-email`, ...).
 */
export function resolveFormat (name: string, node: object, sinclair: SinclairFormats | null): string {
  if (sinclair !== null && sinclairKind in node && sinclair.Has(name)) {
    const prefixed = sinclairFormatPrefix + name
    Format.Set(prefixed, sinclair.Get(name) as Check)
    return prefixed
  }
  if (Format.Has(name) && !typeboxOwn.has(Format.Get(name))) return name
  const check = fromAjv(name)
  if (check !== undefined) {
    const prefixed = ajvFormatPrefix + name
    if (!Format.Has(prefixed)) Format.Set(prefixed, check)
    return prefixed
  }
  if (Format.Has(name)) return name
  throw new UncheckableSchema(`format ${JSON.stringify(name)} is known to no format registry (typebox's Format, @sinclair/typebox's FormatRegistry, ajv-formats)`)
}

/** Whether a value holds a TypeBox 0.34 schema anywhere; a cycle or a Standard Schema (zod) is not followed. */
export function hasSinclairSchema (value: unknown, seen = new Set<object>()): boolean {
  if (value === null || typeof value !== 'object' || seen.has(value) || isStandardSchema(value)) return false
  if (sinclairKind in value) return true
  seen.add(value)
  return Object.values(value).some(item => hasSinclairSchema(item, seen))
}

/** @sinclair/typebox's FormatRegistry, imported only for routes with 0.34 schemas. */
export async function loadSinclairFormats (): Promise<SinclairFormats> {
  const { FormatRegistry } = await import('@sinclair/typebox')
  return FormatRegistry
}
