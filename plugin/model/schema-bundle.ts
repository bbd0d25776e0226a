// One self-contained JSON Schema per response schema, whatever dialect wrote it: a JSON copy
// (TypeBox's hidden markers dropped), every `$ref` rewritten to a JSON pointer into that copy,
// with the shared schemas it reaches (fastify.addSchema()) embedded under `$defs`, resolved
// as fast-json-stringify resolves them: by `$id`, then the fragment as a JSON pointer.

import { isStandardSchema, vendorOf } from './standard-schema.ts'

/** Why a schema cannot be checked; `buildResponseModel` turns it into the coded error. */
export class UncheckableSchema extends Error {}

type Node = Record<string, unknown>

/** JSON Schema's own types (RFC draft 2020-12 6.1.1); TypeBox 0.34 adds 'Date', 'bigint', ... */
const jsonTypes = new Set(['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'])

interface Bundler {
  /** Shared schemas by `$id`, as `fastify.getSchemas()` of the route's scope returns them. */
  shared: Record<string, unknown>
  /** Every `$id` seen, resolved, to the JSON pointer of its copy. */
  ids: Map<string, string>
  defs: Node
  /** `$ref` strings to rewrite once every `$id` is known: node, base id, base pointer. */
  refs: Array<{ node: Node, base: string, pointer: string }>
  /** The name the checker knows a node's `format` by; throws for a format no registry knows. */
  format: (name: string, node: Node) => string
  /** The objects being copied, root first: one met again is a cycle of objects, not JSON. */
  ancestors: Set<object>
  /** The pointers of the copies read as schemas: a `$ref` that lands elsewhere gets a copy of its own. */
  schemas: Set<string>
  /** Members copied as data that a `$ref` reads as a schema: their pointer, to that copy's. */
  asSchema: Map<string, string>
  /** Whether a `$ref` carries refinements beside it. */
  refinedRef: boolean
}

/** Keywords whose value is a schema, or an array of schemas. */
const schemaKeywords = new Set([
  'additionalItems', 'additionalProperties', 'allOf', 'anyOf', 'contains', 'else', 'if', 'items', 'not',
  'oneOf', 'propertyNames', 'then'
])
/** Keywords whose value maps names to schemas. */
const mapKeywords = new Set(['$defs', 'definitions', 'dependencies', 'patternProperties', 'properties'])

/**
 * Keywords of later drafts that the checker (typebox) would apply, which draft-07 (Fastify's
 * fast-json-stringify, and Ajv) ignores: the writer would write by the draft-07 reading of the
 * schema (every item by `items`, say) what the checker judged by another (`prefixItems`).
 */
const laterKeywords = new Set([
  '$dynamicRef', '$recursiveRef', 'dependentRequired', 'dependentSchemas', 'maxContains', 'minContains',
  'prefixItems', 'unevaluatedItems', 'unevaluatedProperties'
])

/** Sets an own property, `__proto__` included (a schema may declare a property of that name). */
function put (node: Node, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true })
}

/** A JSON object, as a schema node or a map of them is: not null, not an array. */
export function isObject<T extends object = Node> (value: unknown): value is T {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

export function resolveId (id: string, base: string): string {
  try {
    return base === '' ? id : new URL(id, base).href
  } catch {
    return id
  }
}

/** Where a copy goes: its pointer, and the base `$id` and pointer its local refs resolve against. */
interface Place { pointer: string, base: string, basePointer: string }

function child (place: Place, key: string | number): Place {
  return { pointer: `${place.pointer}/${typeof key === 'number' ? key : escapePointer(key)}`, base: place.base, basePointer: place.basePointer }
}

/**
 * Copies a schema as JSON, noting `$id`s and `$ref`s. Other keywords (annotations, data such
 * as `enum`, vocabularies TypeBox does not know) are kept as they are. `nullable: true` (the
 * OpenAPI keyword that fast-json-stringify and Ajv honour) becomes `'null'` in `type`.
 */
function copy (bundler: Bundler, value: unknown, place: Place): unknown {
  if (isStandardSchema(value)) throw new UncheckableSchema(`a ${vendorOf(value)} schema (Standard Schema) sits inside a JSON Schema at ${place.pointer}; write the whole response schema in one of them`)
  if (value !== null && typeof value === 'object' && bundler.ancestors.has(value)) {
    throw new UncheckableSchema(`the schema contains itself at ${place.pointer} (a cycle of objects, which JSON cannot hold); write the recursion as a $ref`)
  }
  if (Array.isArray(value)) return copyWithin(bundler, value, () => value.map((item, i) => copy(bundler, item, child(place, i))))
  bundler.schemas.add(place.pointer)
  if (!isObject(value)) return value
  return copyWithin(bundler, value, () => copyNode(bundler, value, place))
}

function copyWithin<T> (bundler: Bundler, value: object, run: () => T): T {
  bundler.ancestors.add(value)
  const result = run()
  bundler.ancestors.delete(value)
  return result
}

function copyNode (bundler: Bundler, value: Node, place: Place): Node {
  if (typeof value.$ref === 'string') return copyRef(bundler, value, place)
  const node: Node = {}
  if (typeof value.$id === 'string') {
    place = { pointer: place.pointer, base: resolveId(value.$id, place.base), basePointer: place.pointer }
    const seen = bundler.ids.get(place.base)
    // fast-json-stringify refuses it too: which of the two would a `$ref` name?
    if (seen !== undefined && seen !== place.pointer) throw new UncheckableSchema(`$id ${JSON.stringify(value.$id)} is given twice, at ${seen} and ${place.pointer}`)
    bundler.ids.set(place.base, place.pointer)
  }
  for (const key of Object.keys(value)) {
    const item = value[key]
    // The bundle's own keys are written below, never taken from the schema.
    if (key === '$id' || ownKeys.has(key)) continue
    if (laterKeywords.has(key)) {
      throw new UncheckableSchema(`${key} at ${place.pointer} is not a draft-07 keyword: fast-json-stringify and Ajv ignore it, the checker would apply it (write a tuple as items: [...] with additionalItems)`)
    }
    if (schemaKeywords.has(key)) {
      node[key] = copy(bundler, item, child(place, key))
    } else if (mapKeywords.has(key) && isObject(item)) {
      const map: Node = {}
      const at = child(place, key)
      // draft-07 `dependencies` may also list property names: an array stays as it is.
      for (const name of Object.keys(item)) put(map, name, Array.isArray(item[name]) ? item[name] : copy(bundler, item[name], child(at, name)))
      node[key] = map
    } else {
      node[key] = item
    }
  }
  copyRefinements(value, node, place.pointer)
  if (('const' in node && !isJSONValue(node.const)) || (Array.isArray(node.enum) && !node.enum.every(item => isJSONValue(item)))) {
    throw new UncheckableSchema(`${'const' in node ? 'const' : 'enum'} at ${place.pointer} holds a value JSON cannot (a Date, a RegExp, Infinity...), which no response can equal`)
  }
  if (typeof node.format === 'string') node.format = bundler.format(node.format, value)
  const numeric = formatName(node)
  // Whoever checks it on strings (an application may have replaced it): on numbers it is ajv-formats'.
  if (numeric === 'int32' || numeric === 'int64') numericFormat(node, numeric, place.pointer)
  if (typeof node.multipleOf === 'number') divisibleAsAjvReads(node)
  if (node.uniqueItems === true) uniqueAsAjvReads(node)
  checkType(node.type)
  if (node.nullable === true && typeof node.type === 'string') node.type = [node.type, 'null']
  return node
}

/**
 * ajv-formats' `int32` and `int64` check numbers (integers, int32 within 32 bits), where the
 * checker applies formats to strings only: on an `integer` node they are its bounds, written into
 * the node; on a node that also takes other numbers, the integer part has no keyword to go to;
 * on a node of strings they do not apply.
 */
function numericFormat (node: Node, format: string, pointer: string): void {
  const types = Array.isArray(node.type) ? node.type : [node.type]
  // A node of strings only: the format does not apply (a string of digits, as OpenAPI writes int64).
  if (node.type !== undefined && !types.includes('number') && !types.includes('integer')) return
  if (node.type === undefined || types.includes('number')) {
    throw new UncheckableSchema(`format ${JSON.stringify(node.format)} at ${pointer} asks a number to be an integer, which only type integer says to the checker; declare type integer`)
  }
  if (format !== 'int32') return
  node.minimum = typeof node.minimum === 'number' ? Math.max(node.minimum, -2147483648) : -2147483648
  node.maximum = typeof node.maximum === 'number' ? Math.min(node.maximum, 2147483647) : 2147483647
}

/** The bundle's key for a node's `multipleOf`, which the checker reads from its `~refine` instead. */
export const multipleOfKey = '~multipleOf'

/**
 * `multipleOf` as Ajv (Fastify's validator) reads it: the quotient, as floating-point division
 * gives it, is an integer below 1e21 (above, Ajv's `parseInt` reads its exponent form as another
 * number). Where the quotient is too large for a double, an integer is a multiple of the reciprocal
 * of an integer (the test suite's float-overflow case, which Ajv gets wrong). The checker's own
 * test has a tolerance of 1e-10 instead: it passes `0.07` under `0.01` and `1.00000000001` under
 * `1`, which Ajv refuses, and refuses `799576780.75` under `0.01`, which Ajv passes.
 */
export function isMultipleOf (value: number, divisor: number): boolean {
  const quotient = value / divisor
  if (Number.isFinite(quotient)) return Number.isInteger(quotient) && Math.abs(quotient) < 1e21
  return Number.isInteger(value) && Number.isInteger(1 / divisor)
}

interface Refinement { check: (value: unknown) => boolean, error: (value: unknown) => string }

/** One refinement per divisor: bundles of the same schema stay equal, and share a compiled check. */
const divisors = new Map<number, Refinement>()

/** Whether a node's refinement is the bundle's own `multipleOf` (the direct path writes that check itself). */
export function isMultipleOfRefinement (node: Node): boolean {
  const refinements = node['~refine'] as unknown[]
  return refinements.length === 1 && refinements[0] === divisors.get(node[multipleOfKey] as number)
}

function isRefinements (value: unknown): value is Refinement[] {
  return Array.isArray(value) && value.every(item => isObject<Refinement>(item) && typeof item.check === 'function' && typeof item.error === 'function')
}

/** Keys the bundle writes itself: the same names in a schema are not the bundle's to read. */
const ownKeys = new Set(['~refine', '~multipleOf', '~uniqueItems'])

const guarded = new WeakMap<Refinement, Refinement>()

/**
 * An application's refinement, handed a copy of the value: the value checked is the one written
 * next, and a refinement that changed it would have the change sent unchecked.
 */
function guardRefinement (refinement: Refinement): Refinement {
  let guard = guarded.get(refinement)
  if (guard === undefined) {
    guarded.set(refinement, guard = {
      check: value => refinement.check(copyOf(value)),
      error: value => refinement.error(copyOf(value))
    })
  }
  return guard
}

/**
 * A copy of a value for a refinement. What is checked and written is JSON data, which always
 * copies; a union branch with codecs is tried on the handler's own value (codecs.ts), which may
 * not (a function in it): that one goes as it is, and is read and checked again once encoded.
 */
function copyOf (value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  try {
    return structuredClone(value)
  } catch {
    return value
  }
}

/** Whether a `const` or `enum` member is a JSON value: the only kind a response can equal. */
function isJSONValue (value: unknown, depth = 0): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true
  if (typeof value === 'number') return Number.isFinite(value)
  if (typeof value !== 'object' || depth > 100) return false
  if (Array.isArray(value)) return value.every(item => isJSONValue(item, depth + 1))
  const prototype = Object.getPrototypeOf(value)
  return (prototype === Object.prototype || prototype === null) && Object.values(value).every(item => isJSONValue(item, depth + 1))
}

/**
 * typebox 1.x keeps a Refine's checks in a hidden `~refine`: the checker runs them, beside a
 * `$ref` too (typebox applies its siblings), each on a copy of the value.
 */
function copyRefinements (value: Node, node: Node, pointer: string): void {
  if (!Object.hasOwn(value, '~refine')) return
  const refinements = value['~refine']
  if (!isRefinements(refinements)) throw new UncheckableSchema(`~refine at ${pointer} is not a list of typebox refinements: the checker would ignore it`)
  node['~refine'] = refinements.map(guardRefinement)
}

/** Hands the checker a node's `multipleOf` as a refinement that reads it as Ajv does. */
function divisibleAsAjvReads (node: Node): void {
  const divisor = node.multipleOf as number
  let refinement = divisors.get(divisor)
  if (refinement === undefined) {
    divisors.set(divisor, refinement = {
      check: value => typeof value !== 'number' || isMultipleOf(value, divisor),
      error: () => `must be multiple of ${divisor}`
    })
  }
  delete node.multipleOf
  node[multipleOfKey] = divisor
  node['~refine'] = [...(node['~refine'] as Refinement[] | undefined ?? []), refinement]
}

/** The bundle's key for a node's `uniqueItems: true`, which the checker reads from its `~refine` instead. */
export const uniqueItemsKey = '~uniqueItems'

/**
 * A JSON value written with its keys sorted: two values have the same one exactly where Ajv's
 * deep equality takes them for equal (numbers by value, key order aside, strings as JSON escapes
 * them, lone surrogates included).
 */
function canonical (value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']'
  return '{' + Object.keys(value).sort().map(key => JSON.stringify(key) + ':' + canonical((value as Node)[key])).join(',') + '}'
}

/**
 * `uniqueItems` as Ajv reads it: no two items deep-equal, found in linear time. The checker's own
 * test compares hashes of the items, which collide (`[['a', 'b'], ['a\nb']]`, two lone
 * surrogates) and refuse valid data.
 */
export function isUnique (items: unknown[]): boolean {
  const seen = new Set<unknown>()
  for (const item of items) {
    // Primitives by value, objects and arrays by their canonical JSON (a string: never a primitive's twin).
    const key = item !== null && typeof item === 'object' ? canonical(item) : typeof item === 'string' ? JSON.stringify(item) : item
    if (seen.has(key)) return false
    seen.add(key)
  }
  return true
}

const unique: Refinement = { check: value => !Array.isArray(value) || isUnique(value), error: () => 'must not have duplicate items' }

/** Hands the checker a node's `uniqueItems: true` as a refinement that reads it as Ajv does. */
function uniqueAsAjvReads (node: Node): void {
  delete node.uniqueItems
  node[uniqueItemsKey] = true
  node['~refine'] = [...(node['~refine'] as Refinement[] | undefined ?? []), unique]
}

/** The prefixes formats are registered under for the checker (formats.ts, resolveFormat). */
export const ajvFormatPrefix = 'ajv-formats:'
export const sinclairFormatPrefix = '@sinclair/typebox:'
const formatPrefixes = [ajvFormatPrefix, sinclairFormatPrefix]

/**
 * A node's format by its plain name, as the writer and `dateString` know it: the bundle gives the
 * checker a prefixed one; an application's own name may hold a `:` of its own.
 */
export function formatName (node: Node): string {
  const format = node.format
  if (typeof format !== 'string') return ''
  for (const prefix of formatPrefixes) if (format.startsWith(prefix)) return format.slice(prefix.length)
  return format
}

/** What draft-07 keeps of a schema with a `$ref`: keywords beside it are ignored, so only definitions stay (a pointer may lead into them). */
const refSiblings = new Set(['definitions', '$defs'])

/** A `$ref` overrides its siblings (draft-07 8.3), `$id` included: it does not move the base URI either. */
function copyRef (bundler: Bundler, value: Node, place: Place): Node {
  const node: Node = { $ref: value.$ref }
  copyRefinements(value, node, place.pointer)
  if ('~refine' in node) bundler.refinedRef = true
  for (const key of Object.keys(value)) {
    const item = value[key]
    if (!refSiblings.has(key) || !isObject(item)) continue
    const map: Node = {}
    const at = child(place, key)
    for (const name of Object.keys(item)) put(map, name, copy(bundler, item[name], child(at, name)))
    node[key] = map
  }
  bundler.refs.push({ node, base: place.base, pointer: place.basePointer })
  return node
}

function checkType (type: unknown): void {
  for (const name of Array.isArray(type) ? type : type === undefined ? [] : [type]) {
    if (!jsonTypes.has(name)) throw new UncheckableSchema(`type ${JSON.stringify(name)} is not a JSON type, so no JSON value can match it`)
  }
}

/** A key as a JSON pointer segment (RFC 6901): `~` and `/` escaped. */
export function escapePointer (key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1')
}

function unescapePointer (segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~')
}

/** The node a JSON pointer names in `root`, or `undefined`. */
export function resolvePointer (root: unknown, pointer: string): unknown {
  let node = root
  for (const segment of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Node)[unescapePointer(segment)]
  }
  return node
}

/** The pointer of the schema with this (resolved) `$id`, embedding a shared one on first use. */
function findId (bundler: Bundler, id: string, base: string): string | undefined {
  const resolved = resolveId(id, base)
  const known = bundler.ids.get(resolved) ?? bundler.ids.get(id)
  if (known !== undefined) return known
  const key = id in bundler.shared ? id : resolved in bundler.shared ? resolved : undefined
  if (key === undefined) return undefined
  const pointer = `/$defs/${escapePointer(`shared:${key}`)}`
  bundler.ids.set(key, pointer)
  bundler.ids.set(resolved, pointer)
  bundler.defs[`shared:${key}`] = copy(bundler, bundler.shared[key], { pointer, base: resolved, basePointer: pointer })
  return pointer
}

function rewriteRef (bundler: Bundler, root: Node, ref: { node: Node, base: string, pointer: string }): void {
  const text = ref.node.$ref as string
  const hash = text.indexOf('#')
  const id = hash === -1 ? text : text.slice(0, hash)
  const fragment = hash === -1 ? '' : text.slice(hash + 1)
  const target = id === '' ? ref.pointer : findId(bundler, id, ref.base)
  if (target === undefined) throw new UncheckableSchema(`$ref ${JSON.stringify(text)} names no schema added with addSchema() (nor an $id in the schema)`)
  if (fragment !== '' && !fragment.startsWith('/')) throw new UncheckableSchema(`$ref ${JSON.stringify(text)} uses a plain-name fragment; use a JSON pointer`)
  // The checker decodes the whole fragment before it splits it (a%2Fb is a/b, two steps), a
  // pointer after (one step, the key a/b); fast-json-stringify resolves neither.
  if (fragment.includes('%')) throw new UncheckableSchema(`$ref ${JSON.stringify(text)} is percent-encoded, which fast-json-stringify does not resolve; name the key as it is (~1 for /, ~0 for ~)`)
  const pointer = target + fragment
  const found = resolvePointer(root, pointer)
  if (found === undefined) throw new UncheckableSchema(`$ref ${JSON.stringify(text)} points at nothing`)
  if (!bundler.schemas.has(pointer)) {
    if (typeof found !== 'boolean' && !isObject(found)) throw new UncheckableSchema(`$ref ${JSON.stringify(text)} points at a value that is not a schema`)
    ref.node.$ref = refTo(copyAsSchema(bundler, found, pointer, id === '' ? ref.base : resolveId(id, ref.base), target))
    return
  }
  ref.node.$ref = refTo(pointer)
}

/**
 * A `$ref` to a pointer of the bundle, as the checker reads one: it decodes the whole fragment
 * first, so a `%` of a key or an `$id` on the way (`a%62`) is written `%25`, and `refPointer()`
 * reads it back for the plan the same way.
 */
function refTo (pointer: string): string {
  return '#' + pointer.replace(/%/g, '%25')
}

/** The pointer a bundled `$ref` names (see `refTo()`). */
export function refPointer (ref: string): string {
  return decodeURIComponent(ref.slice(1))
}

/**
 * A member no keyword holds a schema in (`x-tuple`, `enum/0`, a remote document's `integer`) that
 * a `$ref` names: the bundle copied it as data, unread, so it is copied again, once per pointer,
 * as the schema the `$ref` reads it as (its formats resolved, its keywords and its own `$ref`s
 * read), and the check and the writer both read that copy. Its local `$ref`s resolve against
 * the document it sits in.
 */
function copyAsSchema (bundler: Bundler, value: unknown, pointer: string, base: string, basePointer: string): string {
  const known = bundler.asSchema.get(pointer)
  if (known !== undefined) return known
  const name = `data:${pointer}`
  const at = `/$defs/${escapePointer(name)}`
  bundler.asSchema.set(pointer, at)
  bundler.defs[name] = copy(bundler, value, { pointer: at, base, basePointer })
  return at
}

/**
 * Bundles `schema` into one document: `{ $defs: { schema, 'shared:<id>': ... }, $ref }`.
 * Throws `UncheckableSchema` for a `$ref` that resolves to nothing or a non-JSON type.
 */
export function bundleSchema (schema: unknown, shared: Record<string, unknown>, format: Bundler['format']): Node {
  const defs: Node = {}
  const root: Node = { $defs: defs, $ref: '#/$defs/schema' }
  const bundler: Bundler = { shared, ids: new Map(), defs, refs: [], format, ancestors: new Set(), schemas: new Set(), asSchema: new Map(), refinedRef: false }
  defs.schema = copy(bundler, schema, { pointer: '/$defs/schema', base: '', basePointer: '/$defs/schema' })
  // Embedding a shared schema can add refs: walk until none is left.
  for (let i = 0; i < bundler.refs.length; i++) rewriteRef(bundler, root, bundler.refs[i])
  if (bundler.refinedRef) refinedRefs.add(root)
  return root
}

const refinedRefs = new WeakSet<Node>()

/**
 * Whether a bundle has a `$ref` with refinements beside it: the checker runs them, a reading that
 * follows the `$ref` alone would not.
 */
export function hasRefinedRef (root: Node): boolean {
  return refinedRefs.has(root)
}
