import { mergeSchemas } from './serializer-lib.ts'
import { isMultipleOfRefinement, isObject, multipleOfKey } from './schema-bundle.ts'

// Which schemas the direct path covers (plan-direct.ts), node by node: a plain node (one JSON type
// and that type's keywords), a type beside 'null', an anyOf of plain nodes, an allOf of objects
// merged as fast-json-stringify merges it. Anything else throws `Uncovered`, and the plan's three
// steps serve the schema.

type Node = Record<string, unknown>

/** What reading the nodes needs of the direct path's compiler. */
export interface NodeReader {
  deref: (schema: unknown) => unknown
  /** Each `allOf` node's merged object node, so a recursive schema reaches the same one again. */
  merged: Map<object, Node>
}

/** A schema the direct path does not cover. */
export class Uncovered extends Error {}

export const annotations = ['title', 'description', '$comment', 'examples', 'default', 'readOnly', 'writeOnly', 'deprecated', '$defs', 'definitions']
// `multipleOf` is bundled under its own key, beside the `~refine` that hands it to the checker.
const numberKeywords = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', multipleOfKey, '~refine', 'enum', 'const']
const covered: Record<string, Set<string>> = {
  string: new Set([...annotations, 'type', 'minLength', 'maxLength', 'pattern', 'format', 'enum', 'const']),
  number: new Set([...annotations, 'type', ...numberKeywords]),
  integer: new Set([...annotations, 'type', ...numberKeywords]),
  boolean: new Set([...annotations, 'type', 'enum', 'const']),
  null: new Set([...annotations, 'type', 'enum', 'const']),
  object: new Set([...annotations, 'type', 'properties', 'required', 'additionalProperties', 'patternProperties']),
  array: new Set([...annotations, 'type', 'items', 'minItems', 'maxItems'])
}
const numericKeywords = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', multipleOfKey, 'minLength', 'maxLength', 'minItems', 'maxItems']

function isPrimitive (value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
}

/** The node a schema is, or throws `Uncovered`. */
export function plainNode (compiler: NodeReader, schema: unknown): Node {
  const node = compiler.deref(schema)
  if (!isObject(node) || typeof node.type !== 'string') throw new Uncovered()
  return checkKeywords(node, node.type)
}

/**
 * A node whose `type` lists `'null'` beside one other type (as `nullable: true` is bundled), or
 * `null` for any other node. `enum` and `const` would apply to `null` too: not here.
 */
export function nullableNode (compiler: NodeReader, schema: unknown): { node: Node, type: string } | null {
  const node = compiler.deref(schema)
  if (!isObject(node) || !Array.isArray(node.type) || node.type.length !== 2 || !node.type.includes('null')) return null
  const type = node.type.find(item => item !== 'null')
  if (type === 'object' || type === 'array') return { node: checkKeywords(node, type, ['nullable']), type }
  if (!['string', 'number', 'integer', 'boolean'].includes(type) || 'enum' in node || 'const' in node) throw new Uncovered()
  checkKeywords(node, type, ['nullable'])
  return { node, type }
}

/** The node, if it has only keywords the direct path covers for `type` (and `others`); else throws `Uncovered`. */
function checkKeywords (node: Node, type: string, others: string[] = []): Node {
  const keywords = covered[type]
  for (const key of Object.keys(node)) if (!keywords.has(key) && !others.includes(key)) throw new Uncovered()
  // An application's own refinement is the checker's to run.
  if ('~refine' in node && !isMultipleOfRefinement(node)) throw new Uncovered()
  for (const key of numericKeywords) if (key in node && (typeof node[key] !== 'number' || !Number.isFinite(node[key]))) throw new Uncovered()
  if ('enum' in node && (!Array.isArray(node.enum) || !node.enum.every(isPrimitive))) throw new Uncovered()
  if ('const' in node && !isPrimitive(node.const)) throw new Uncovered()
  return node
}

const branchKeywords = new Set(['type', 'properties', 'required', 'title', 'description', '$comment'])

/**
 * An `allOf` of objects (TypeBox's Intersect) as fast-json-stringify and the plan's steps read it:
 * merged into one object node; any other schema as it is. Covered only where checking the merged
 * node is checking the `allOf`: branches made of declared properties alone (no keyword that looks
 * at other keys), no property name in two of them.
 */
export function intersected (compiler: NodeReader, schema: unknown): unknown {
  const node = compiler.deref(schema)
  if (!isObject(node) || !('allOf' in node)) return schema
  const known = compiler.merged.get(node)
  if (known !== undefined) return known
  const { allOf, ...parent } = node
  if (!Array.isArray(allOf) || !Object.keys(parent).every(key => (key === 'type' && parent.type === 'object') || annotations.includes(key))) throw new Uncovered()
  const names = new Set<string>()
  const branches = allOf.map(item => {
    const branch = compiler.deref(item)
    if (!isObject(branch) || branch.type !== 'object' || !Object.keys(branch).every(key => branchKeywords.has(key))) throw new Uncovered()
    for (const name of Object.keys(isObject(branch.properties) ? branch.properties : {})) {
      if (names.has(name)) throw new Uncovered()
      names.add(name)
    }
    return branch
  })
  const merged = mergeSchemas([parent, ...branches])
  // The merge drops a property named like an Object.prototype member (`toString`): its check would go with it.
  const properties = isObject(merged.properties) ? merged.properties : {}
  if ([...names].some(name => !Object.hasOwn(properties, name))) throw new Uncovered()
  compiler.merged.set(node, merged)
  return merged
}

/** A node whose only keyword is `anyOf` (beside annotations), or `null`. */
export function unionNode (compiler: NodeReader, schema: unknown): Node | null {
  const node = compiler.deref(schema)
  if (!isObject(node) || !Array.isArray(node.anyOf)) return null
  for (const key of Object.keys(node)) if (key !== 'anyOf' && !annotations.includes(key)) throw new Uncovered()
  return node
}
