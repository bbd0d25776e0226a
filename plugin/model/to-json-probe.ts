import { resolvePointer } from './schema-bundle.ts'
import { needsNormalizing } from './serialized-value.ts'

// Data that passed its check is sent as checked unless the serializer replaces part of it by its
// toJSON() (fast-json-stringify calls it on every object it writes, lib/serializer.js). Walking
// every value for one costs more than the check itself on a list of rows, yet the data's shape is
// already known: a string property holds a string. So the walk is compiled from the schema and
// visits only what can be an object: the declared properties of objects and the items of arrays.
// Properties the schema does not declare are not written, so they are not visited either. Any
// node it cannot follow this way (a union, a recursive $ref, additional properties, a tuple) is
// walked whole, as before.

/** Whether checked data holds a value that serialization replaces by its `toJSON()`. */
export type ToJSONProbe = (value: object) => boolean

type SchemaObject = Record<string, unknown>

const primitiveTypes = new Set(['string', 'number', 'integer', 'boolean', 'null'])
// Keywords that only constrain, annotate or hold definitions: a node with nothing else is followed.
const annotations = ['$id', '$schema', '$comment', '$defs', 'definitions', 'title', 'description', 'default', 'examples']
const objectKeywords = new Set(['type', 'properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties', ...annotations])
const arrayKeywords = new Set(['type', 'items', 'minItems', 'maxItems', 'uniqueItems', ...annotations])
// The bundle's root is a reference to its schema, beside the definitions it embeds.
const refKeywords = new Set(['$ref', '$defs'])

function isObject (value: unknown): value is SchemaObject {
  return value !== null && typeof value === 'object'
}

/** Checked data under a node whose `type` is primitive can hold no object. */
function isPrimitive (schema: SchemaObject): boolean {
  const { type } = schema
  return Array.isArray(type) ? type.every(t => primitiveTypes.has(t)) : primitiveTypes.has(type as string)
}

function hasOnly (schema: SchemaObject, keywords: ReadonlySet<string>): boolean {
  return Object.keys(schema).every(key => keywords.has(key))
}

/**
 * The probe of a bundled schema, for data that passed its check: `null` when such data can hold
 * no object at all. A probe is called with an object only.
 */
export function compileToJSONProbe (root: unknown): ToJSONProbe | null {
  return probeOf(root, root, new Set())
}

/** `visiting`: the nodes a `$ref` led into on the way here; one met again is a recursion, walked whole. */
function probeOf (schema: unknown, root: unknown, visiting: Set<object>): ToJSONProbe | null {
  if (!isObject(schema)) return needsNormalizing
  if (isPrimitive(schema)) return null
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref.startsWith('#') && hasOnly(schema, refKeywords) ? resolvePointer(root, schema.$ref.slice(1)) : undefined
    if (!isObject(target) || visiting.has(target)) return needsNormalizing
    visiting.add(target)
    const probe = probeOf(target, root, visiting)
    visiting.delete(target)
    return probe
  }
  if (schema.type === 'object' && hasOnly(schema, objectKeywords) && (schema.additionalProperties ?? false) === false) {
    const properties = isObject(schema.properties) ? Object.entries(schema.properties) : []
    return compileObjectProbe(properties.map(([key, node]) => [key, probeOf(node, root, visiting)]))
  }
  if (schema.type === 'array' && isObject(schema.items) && hasOnly(schema, arrayKeywords)) {
    return compileArrayProbe(probeOf(schema.items, root, visiting))
  }
  return needsNormalizing
}

function compileObjectProbe (properties: Array<[string, ToJSONProbe | null]>): ToJSONProbe {
  const keys: string[] = []
  const probes: ToJSONProbe[] = []
  for (const [key, probe] of properties) {
    if (probe !== null) {
      keys.push(key)
      probes.push(probe)
    }
  }
  return function probeObject (value) {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return true
    for (let i = 0; i < keys.length; i++) {
      const item = (value as SchemaObject)[keys[i]]
      if (isObject(item) && probes[i](item)) return true
    }
    return false
  }
}

function compileArrayProbe (items: ToJSONProbe | null): ToJSONProbe {
  return function probeArray (value) {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return true
    if (items === null) return false
    const list = value as unknown[]
    for (let i = 0; i < list.length; i++) {
      const item = list[i]
      if (isObject(item) && items(item)) return true
    }
    return false
  }
}
