import { resolvePointer } from './schema-bundle.ts'

// The response model checks what Fastify's serializer (fast-json-stringify) will write, which
// differs from the returned data in two ways by design: a value with toJSON() is written as its
// result, and a Date where a string is declared as a string (lib/serializer.js asDateTime,
// asDate, asTime). Everything else is checked as returned: no coercion.

type SchemaObject = Record<string, unknown>

const dateFormats = new Set(['date-time', 'date', 'time'])

/** Whether serialization would replace any value in `value` by its `toJSON()` (Dates included). */
export function needsNormalizing (value: unknown): boolean {
  return isObject(value) && hasToJSON(value)
}

function isObject (value: unknown): value is object {
  return value !== null && typeof value === 'object'
}

// The walk for what a compiled probe cannot follow (to-json-probe.ts). Primitives are tested
// inline, not by a call each: they are most of a response's values.
function hasToJSON (value: object): boolean {
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return true
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      if (isObject(item) && hasToJSON(item)) return true
    }
    return false
  }
  for (const key in value) {
    const item = (value as SchemaObject)[key]
    if (isObject(item) && hasToJSON(item)) return true
  }
  return false
}

/** A schema with its `$ref`s followed, within the bundled root. */
function deref (schema: unknown, root: SchemaObject): SchemaObject | undefined {
  let node = schema
  for (let hops = 0; hops < 32 && node !== null && typeof node === 'object' && typeof (node as SchemaObject).$ref === 'string'; hops++) {
    node = resolvePointer(root, ((node as SchemaObject).$ref as string).slice(1))
  }
  return node !== null && typeof node === 'object' ? node as SchemaObject : undefined
}

/** The schema and the subschemas an instance must also match, or may match. */
function branches (schema: SchemaObject, root: SchemaObject): SchemaObject[] {
  const all = [schema]
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const list = schema[key]
    if (Array.isArray(list)) for (const item of list) { const node = deref(item, root); if (node !== undefined) all.push(node) }
  }
  return all
}

function find<T> (schema: SchemaObject | undefined, root: SchemaObject, pick: (node: SchemaObject) => T | undefined): T | undefined {
  if (schema === undefined) return undefined
  for (const node of branches(schema, root)) {
    const found = pick(node)
    if (found !== undefined) return found
  }
  return undefined
}

function propertySchema (schema: SchemaObject | undefined, key: string, root: SchemaObject): SchemaObject | undefined {
  // A property any branch declares, by name or pattern, comes before additionalProperties.
  return find(schema, root, node => {
    const properties = node.properties as SchemaObject | undefined
    if (properties !== undefined && Object.hasOwn(properties, key)) return deref(properties[key], root)
    const patterns = node.patternProperties as SchemaObject | undefined
    for (const pattern in patterns) if (new RegExp(pattern, 'u').test(key)) return deref(patterns[pattern], root)
    return undefined
  }) ?? find(schema, root, node => typeof node.additionalProperties === 'object' ? deref(node.additionalProperties, root) : undefined)
}

function itemSchema (schema: SchemaObject | undefined, index: number, root: SchemaObject): SchemaObject | undefined {
  return find(schema, root, node => {
    const prefix = Array.isArray(node.prefixItems) ? node.prefixItems : Array.isArray(node.items) ? node.items : undefined
    if (prefix !== undefined && index < prefix.length) return deref(prefix[index], root)
    const rest = Array.isArray(node.items) ? node.additionalItems : node.items
    return typeof rest === 'object' ? deref(rest, root) : undefined
  })
}

function twoDigits (n: number): string {
  return n < 10 ? '0' + n : String(n)
}

/**
 * The string fast-json-stringify writes for a Date at a node: the local date for `date`, the
 * local time for `time` (checked with its offset, which RFC 3339's full-time requires and
 * fast-json-stringify leaves out), the ISO date-time otherwise.
 */
function dateString (date: Date, schema: SchemaObject | undefined, root: SchemaObject): string {
  if (!Number.isFinite(date.getTime())) throw new TypeError('an invalid Date cannot be serialized')
  const format = find(schema, root, node => dateFormats.has(node.format as string) ? node.format as string : undefined)
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString()
  if (format === 'date') return local.slice(0, 10)
  if (format !== 'time') return date.toISOString()
  const offset = -date.getTimezoneOffset()
  const zone = offset === 0 ? 'Z' : (offset > 0 ? '+' : '-') + twoDigits(Math.floor(Math.abs(offset) / 60)) + ':' + twoDigits(Math.abs(offset) % 60)
  return local.slice(11, 19) + zone
}

/**
 * A copy of `value` as the serializer sees it, guided by the bundled schema: toJSON() results,
 * Dates as strings. Unchanged parts are shared, not copied. Throws for a toJSON() that throws,
 * an invalid Date or cyclic data.
 */
export function normalizeForCheck (value: unknown, root: SchemaObject): unknown {
  return normalize(value, root, deref(root, root), 0)
}

function normalize (value: unknown, root: SchemaObject, schema: SchemaObject | undefined, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value
  if (depth > 512) throw new RangeError('the data is nested too deeply, or cyclic')
  if (value instanceof Date) return dateString(value, schema, root)
  const toJSON = (value as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') return normalize(toJSON.call(value), root, schema, depth + 1)
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const item = normalize(value[i], root, itemSchema(schema, i, root), depth + 1)
      if (item !== value[i]) (copy ??= value.slice())[i] = item
    }
    return copy ?? value
  }
  let copy: SchemaObject | undefined
  for (const key of Object.keys(value)) {
    const item = (value as SchemaObject)[key]
    const normalized = normalize(item, root, propertySchema(schema, key, root), depth + 1)
    if (normalized !== item) (copy ??= { ...value })[key] = normalized
  }
  return copy ?? value
}
