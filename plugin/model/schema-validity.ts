import { escapePointer, resolvePointer } from './schema-bundle.ts'
import { fromSerializer } from './serializer-lib.ts'

// The schemas plain Fastify refuses at `ready()`: fast-json-stringify refuses a schema that is not
// valid draft-07 (its own compiled meta-schema check), nests schemas deeper than 100, nests
// objects deeper than twice that, or contains itself. The model writes bodies with a writer of
// its own, so it refuses them alike, coded, instead of writing by a reading of a schema that
// plain Fastify would not start with (and instead of overflowing the stack on a deep one).

interface SchemaValidator {
  (schema: unknown): boolean
  errors: Array<{ instancePath: string, message: string }>
}

/** fast-json-stringify's default `maxDepth`, and the largest it allows. */
const maxDepth = 100
const schemaKeyword = new Set(['additionalItems', 'additionalProperties', 'contains', 'else', 'if', 'not', 'propertyNames', 'then', 'items'])
const schemaList = new Set(['allOf', 'anyOf', 'oneOf', 'items'])
const schemaMap = new Set(['definitions', 'patternProperties', 'properties', 'dependencies'])

type Node = Record<string, unknown>

function isNode (value: unknown): value is Node {
  return typeof value === 'object' && value !== null
}

/** Objects nested deeper than `2 × maxDepth` (data keywords too), or an object inside itself. */
function objectDepthReason (schema: unknown): string | null {
  const stack: Array<{ value: unknown, depth: number, key: string }> = [{ value: schema, depth: 0, key: '' }]
  const path: unknown[] = []
  const keys: string[] = []
  while (stack.length !== 0) {
    const { value, depth, key } = stack.pop() as typeof stack[number]
    if (depth > maxDepth * 2) return `it nests objects deeper than ${maxDepth * 2}, as fast-json-stringify allows no schema to`
    path.length = keys.length = depth
    keys.push(key)
    if (path.includes(value)) {
      return `the schema contains itself at ${keys.map(escapePointer).join('/')} (a cycle of objects, which JSON cannot hold); write the recursion as a $ref`
    }
    path.push(value)
    for (const name in value as Node) {
      const item = (value as Node)[name]
      if (isNode(item)) stack.push({ value: item, depth: depth + 1, key: name })
    }
  }
  return null
}

/**
 * Schemas nested deeper than `maxDepth` through the keywords that hold schemas, counted as
 * fast-json-stringify counts them: a boolean schema in a list or a map counts, as a level of its own.
 */
function schemaDepthReason (schema: unknown): string | null {
  const stack = [{ node: schema, depth: 0 }]
  while (stack.length !== 0) {
    const { node, depth } = stack.pop() as typeof stack[number]
    if (depth > maxDepth) return `it nests schemas deeper than ${maxDepth}, the most fast-json-stringify allows`
    if (!isNode(node)) continue
    const below = (child: unknown): void => { stack.push({ node: child, depth: depth + 1 }) }
    for (const key of Object.keys(node)) {
      const value = node[key]
      if (Array.isArray(value)) {
        if (schemaList.has(key)) value.forEach(below)
      } else if (isNode(value)) {
        if (schemaKeyword.has(key)) below(value)
        else if (schemaMap.has(key)) Object.values(value).forEach(child => { if (!Array.isArray(child)) below(child) })
      }
    }
  }
  return null
}

let validate: SchemaValidator | undefined

/** Why plain Fastify's serializer would refuse `schema` at `ready()`, or `null`. */
export function invalidSchemaReason (schema: unknown): string | null {
  const reason = objectDepthReason(schema) ?? schemaDepthReason(schema)
  if (reason !== null) return reason
  validate ??= fromSerializer<SchemaValidator>('./lib/schema-validator.js')
  if (validate(schema)) return null
  const first = validate.errors[0]
  return `it is not a valid draft-07 schema (data${first.instancePath} ${first.message}; it is ${shown(resolvePointer(schema, first.instancePath))})`
}

/** A schema value for the message, short. */
function shown (value: unknown): string {
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch {}
  text ??= String(typeof value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
