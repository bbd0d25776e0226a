import { Compile } from 'typebox/compile'
import type { TSchema } from 'typebox'
import { formatName, isObject, multipleOfKey, refPointer, resolvePointer, uniqueItemsKey } from './schema-bundle.ts'
import { branchBody } from './plan-branches.ts'
import type { BranchCompiler } from './plan-branches.ts'
import { callToJSON, dateString, isIntegerLike, isSkipped, put, readJSON, readUnion, types, ValueMismatch } from './snapshot-runtime.ts'
import type { PlanState } from './snapshot-runtime.ts'

// The reading step of the response model: one generated function per schema node turns the value
// a handler returned into the plain snapshot that is checked and then written, following the
// bundled schema as fast-json-stringify follows it (declared properties read once by name, in its
// order: required first; other keys only where patternProperties or additionalProperties let them
// be written; `default` for a missing property; `toJSON()` called once; a Date at a string node as
// fast-json-stringify writes it; a hole `null`). Nothing is coerced: an object where a primitive is
// declared stays an object, and the check rejects it. Property names reach the generated code only
// as JSON string literals.

/** Reads a value into its snapshot. */
export type Reader = (value: unknown, state: PlanState) => unknown

/** A schema the plan cannot read as the serializer would: the caller keeps the serializer's own path. */
export class Unplannable extends Error {}

type Node = Record<string, unknown>

// fast-json-stringify's inference lists (index.js inferTypeByKeyword), in its order.
const objectKeywords = ['properties', 'required', 'additionalProperties', 'patternProperties', 'maxProperties', 'minProperties', 'dependencies']
const arrayKeywords = ['items', 'additionalItems', 'maxItems', 'minItems', 'uniqueItems', uniqueItemsKey, 'contains']
const stringKeywords = ['maxLength', 'minLength', 'pattern']
// The bundle keeps `multipleOf` and `uniqueItems: true` under keys of its own (schema-bundle.ts).
const numberKeywords = [multipleOfKey, 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum']
const primitives = new Set(['string', 'number', 'integer', 'boolean', 'null'])

/** The type fast-json-stringify writes a node as: its `type`, else one inferred from its keywords. */
function typeOf (node: Node): unknown {
  if (node.type !== undefined) return node.type
  for (const [type, keywords] of [['object', objectKeywords], ['array', arrayKeywords], ['string', stringKeywords], ['number', numberKeywords]] as const) {
    if (keywords.some(keyword => keyword in node)) return type
  }
  return undefined
}

interface Compiler extends BranchCompiler {
  /** Generated function source, one per node. */
  code: string[]
  /** Values the generated code refers to by index: readers' helpers, regexps, defaults. */
  values: unknown[]
  names: Map<object, string>
}

function value (compiler: Compiler, item: unknown): string {
  compiler.values.push(item)
  return `k[${compiler.values.length - 1}]`
}

/** A schema with its `$ref` followed (draft-07: keywords beside `$ref` are ignored). */
function deref (compiler: Compiler, schema: unknown): unknown {
  for (let hops = 0; isObject(schema) && typeof schema.$ref === 'string'; hops++) {
    if (hops === 64) throw new Unplannable('a $ref chain that never reaches a schema')
    schema = resolvePointer(compiler.root, refPointer(schema.$ref))
  }
  return schema
}

/** The name of the generated function that reads `schema`, compiling it on first use. */
function readerOf (compiler: Compiler, schema: unknown): string {
  const node = deref(compiler, schema)
  const key = isObject(node) ? node : node === false ? falseKey : trueKey
  const known = compiler.names.get(key)
  if (known !== undefined) return known
  const name = `r${compiler.names.size}`
  compiler.names.set(key, name)
  compiler.code.push(`function ${name} (v, s) {\n${isObject(node) ? body(compiler, node) : 'return j(v)'}\n}`)
  return name
}
const trueKey = {}
const falseKey = {}

function body (compiler: Compiler, node: Node): string {
  const branches = branchBody(compiler, node)
  if (branches !== null) return branches
  if (node.const !== undefined) return `const x = j(v)\nreturn e(x, ${value(compiler, node.const)}) ? ${value(compiler, node.const)} : x`
  const type = typeOf(node)
  const types = Array.isArray(type) ? type : [type]
  // A type inferred from keywords is not checked: the value may be of any type.
  const inferred = node.type === undefined
  if (types.every(item => primitives.has(item as string))) return primitiveBody(node, types as string[], inferred)
  // `nullable` (bundled as a type list with 'null') on an object or an array.
  const nullable = types.length === 2 && types.includes('null')
  const kind = nullable ? types.find(item => item !== 'null') : types.length === 1 ? type : undefined
  const guard = nullable ? 'if (v === null) return v\n' : ''
  if (kind === 'object') return guard + objectBody(compiler, node, inferred)
  if (kind === 'array') return guard + arrayBody(compiler, node, inferred)
  if (kind === undefined && type !== undefined) throw new Unplannable('a type list with object or array')
  return 'return j(v)'
}

function primitiveBody (node: Node, types: string[], inferred: boolean): string {
  // -0 is sent as 0, and checked so: typebox's uniqueItems tells them apart, JSON does not.
  const numeric = types.includes('number') || types.includes('integer')
  // Where no type is checked, a primitive is read as JSON writes it too: a non-finite number is `null`.
  const read = inferred ? 'j(v)' : numeric ? 'v === 0 ? 0 : v' : 'v'
  return [
    `if (v === null || typeof v !== 'object') return ${read}`,
    types.includes('string') ? `if (t.isDate(v)) return d(v, ${JSON.stringify(formatName(node))})` : '',
    // toJSON() once, as JSON.stringify: its result is what is checked, an object still an object
    // (the check rejects it). Where no type is checked, any object is read as JSON reads it.
    inferred ? 'return j(v)' : 'return c(v)'
  ].join('\n')
}

/**
 * Opens an object or array: `toJSON()` once. A value of another type is returned as it is where
 * the type is checked (the check rejects it). Where it is inferred, fast-json-stringify writes any
 * non-null value at an object node as an object (12 and [1] as {}): so does the plan; and a
 * non-array at an array node is read as JSON reads it.
 */
function open (expected: 'object' | 'array', inferred: boolean, requires = false): string {
  if (expected === 'array') {
    const other = inferred ? 'return j(v)' : 'return v'
    return `if (v === null || typeof v !== 'object') return v
v = c(v)
if (v === null || typeof v !== 'object') return v
if (!Array.isArray(v)) ${other}`
  }
  if (inferred && requires) {
    // Written as an object, a non-object could never hold the required keys, although `required`
    // does not apply to it: it is read as JSON reads it, and the check judges it as it is.
    return `if (v === null || typeof v !== 'object') return j(v)
v = c(v)
if (v === null || typeof v !== 'object') return j(v)
if (Array.isArray(v)) return j(v)
const r = true`
  }
  if (inferred) {
    // `r`: the value is an object, so keys nothing writes still count for the check.
    return `if (v === null) return v
v = c(v)
if (v === null) return v
let r = !Array.isArray(v)
if (typeof v !== 'object') { v = Object(v); r = false }`
  }
  return `if (v === null || typeof v !== 'object') return v
v = c(v)
if (v === null || typeof v !== 'object') return v
if (Array.isArray(v)) return v`
}

function arrayBody (compiler: Compiler, node: Node, inferred: boolean): string {
  const tuple = Array.isArray(node.items) ? node.items : null
  const lines = [open('array', inferred), 'const n = v.length\nconst a = []\nlet x']
  const item = (reader: string): string => `a.push(h(x = v[i]) ? null : ${reader}(x, s))`
  if (tuple === null) {
    lines.push(`for (let i = 0; i < n; i++) ${item(readerOf(compiler, node.items ?? true))}`)
  } else {
    const prefix = tuple.map(schema => readerOf(compiler, schema))
    lines.push(`for (let i = 0; i < n && i < ${prefix.length}; i++) switch (i) {`)
    prefix.forEach((reader, i) => lines.push(`case ${i}: ${item(reader)}; break`))
    lines.push(`}\nfor (let i = ${prefix.length}; i < n; i++) ${item(readerOf(compiler, node.additionalItems ?? true))}`)
  }
  lines.push('return a')
  return lines.join('\n')
}

function objectBody (compiler: Compiler, node: Node, inferred: boolean): string {
  const properties = isObject(node.properties) ? node.properties : {}
  const required = Array.isArray(node.required) ? node.required.filter(name => typeof name === 'string') : []
  // fast-json-stringify writes required properties first, the others after, each group in schema order.
  const keys = Object.keys(properties).sort((a, b) => Number(required.includes(b)) - Number(required.includes(a)))
  const ordered = keys.some(isIntegerLike) || 'patternProperties' in node || (node.additionalProperties !== undefined && node.additionalProperties !== false)
  refuseUnwritable(compiler, node, keys, properties)
  const lines = [open('object', inferred, required.length !== 0), 'const o = {}\nlet x']
  if (ordered) lines.push('const w = []')
  for (const key of keys) {
    const literal = JSON.stringify(key)
    const target = deref(compiler, properties[key])
    // A named store per property, as fast-json-stringify's named loads: every snapshot of the node
    // gets the same hidden class, so the check and JSON.stringify stay on their fast paths.
    const store = (item: string): string => key === '__proto__' ? `p(o, ${literal}, ${item})` : `o[${literal}] = ${item}`
    const fallback = isObject(target) && target.default !== undefined ? ` else { ${store(defaultOf(compiler, target.default))}${ordered ? `; w.push(${literal})` : ''} }` : ''
    lines.push(`if ((x = v[${literal}]) !== undefined) { ${store(`${readerOf(compiler, properties[key])}(x, s)`)}${ordered ? `; w.push(${literal})` : ''} }${fallback}`)
  }
  lines.push(...extras(compiler, node, keys))
  if (ordered) lines.push('if (w.some(g)) (s.order ??= new Map()).set(o, w)')
  lines.push('return o')
  return lines.join('\n')
}

/**
 * Refuses what fast-json-stringify would write against the schema whatever the value: a `default`
 * the property's own schema refuses, and a `minProperties` that the declared properties cannot
 * reach once undeclared keys are dropped.
 */
function refuseUnwritable (compiler: Compiler, node: Node, keys: string[], properties: Node): void {
  const writesOthers = 'patternProperties' in node || (node.additionalProperties !== undefined && node.additionalProperties !== false)
  if (typeof node.minProperties === 'number' && keys.length < node.minProperties && !writesOthers) {
    throw new Unplannable(`minProperties ${node.minProperties} with ${keys.length} declared properties: undeclared keys are dropped, so the written object cannot reach it`)
  }
  for (const key of keys) {
    const target = deref(compiler, properties[key])
    if (!isObject(target) || target.default === undefined) continue
    const check = Compile({ $defs: compiler.root.$defs, allOf: [target] } as unknown as TSchema)
    if (!check.Check(target.default)) throw new Unplannable(`the default of ${JSON.stringify(key)} does not match its own schema, and it is written for a missing property`)
  }
}

/** A default as the generated code writes it: an object or array copied, so no snapshot shares the schema's. */
function defaultOf (compiler: Compiler, item: unknown): string {
  return item !== null && typeof item === 'object' ? `structuredClone(${value(compiler, item)})` : value(compiler, item)
}

/** The keys `properties` does not declare: written by pattern or additionalProperties, or held for the check. */
function extras (compiler: Compiler, node: Node, declared: string[]): string[] {
  const patterns = isObject(node.patternProperties) ? Object.entries(node.patternProperties) : []
  const additional = node.additionalProperties
  const required = Array.isArray(node.required) ? node.required : []
  // Keys nothing writes still count for these keywords: they are kept for the check, then dropped.
  const held = additional === false || 'propertyNames' in node || 'minProperties' in node || 'maxProperties' in node ||
    'dependencies' in node || 'not' in node || required.some(name => !declared.includes(name as string))
  if (patterns.length === 0 && (additional === undefined || additional === false) && !held) return []
  const skip = new Set(declared)
  const lines = [`let z\nfor (const y of Object.keys(v)) {\nif (${value(compiler, skip)}.has(y) || h(x = v[y])) continue`]
  for (const [pattern, schema] of patterns) {
    // fast-json-stringify tests the key its own way (patternOf), the checker with the `u` flag: a key
    // they judge differently would be written by one schema and checked by another.
    lines.push(`if ((z = ${value(compiler, patternOf(pattern))}.test(y)) !== ${value(compiler, RegExp(pattern, 'u'))}.test(y)) throw new M(${JSON.stringify(keyMismatch(pattern))})`)
    // A node that writes other keys is always `ordered`: their order is recorded.
    lines.push(`if (z) { p(o, y, ${readerOf(compiler, schema)}(x, s)); w.push(y); continue }`)
  }
  if (additional !== undefined && additional !== false) {
    lines.push(`p(o, y, ${readerOf(compiler, additional)}(x, s)); w.push(y)`)
  } else if (held) {
    lines.push(`${'type' in node ? '' : 'if (r) '}{ p(o, y, j(x)); (s.held ??= []).push(o, y) }`)
  }
  lines.push('}')
  return lines
}

// Patterns the checker (with the `u` flag) and fast-json-stringify (without it) read differently.
const unicodeOnlyRE = /\\[pPk]|\\u\{|[^\0-\uFFFF]/

/** Why a key is refused that `pattern` matches as the checker reads it and not as fast-json-stringify does, or the reverse. */
export function keyMismatch (pattern: string): string {
  return `the key matches the patternProperties pattern ${JSON.stringify(pattern)} as the checker reads it and not as the serializer does, or the reverse`
}

/**
 * A pattern as fast-json-stringify tests it: without the `u` flag, and written into a regexp
 * literal that turns any run of backslashes before a `/` into one (so `\\/`, a backslash and a
 * slash, becomes `\/`, a slash).
 */
export function patternOf (pattern: string): RegExp {
  if (unicodeOnlyRE.test(pattern)) throw new Unplannable(`patternProperties ${JSON.stringify(pattern)} reads differently with and without the u flag`)
  try {
    RegExp(pattern, 'u')
    return RegExp(pattern.replace(/\\*\//g, '\\/'))
  } catch {
    throw new Unplannable(`patternProperties ${JSON.stringify(pattern)} is not a regular expression both ways`)
  }
}

function deepEqual (a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every(key => Object.hasOwn(b, key) && deepEqual((a as Node)[key], (b as Node)[key]))
}

const helpers = { j: readJSON, u: readUnion, c: callToJSON, d: dateString, p: put, h: isSkipped, g: isIntegerLike, e: deepEqual, t: types, M: ValueMismatch }

/** Follows a `$ref` within a bundle as the reader does. */
export function derefIn (root: Node): (schema: unknown) => unknown {
  const compiler = { root } as unknown as Compiler
  return schema => deref(compiler, schema)
}

/** Compiles the reader of a bundled schema (`bundleSchema()`); throws `Unplannable` for a schema it cannot follow. */
export function compileReader (root: Node): Reader {
  const compiler: Compiler = {
    root,
    code: [],
    values: [],
    names: new Map(),
    reader: schema => readerOf(compiler, schema),
    value: item => value(compiler, item),
    deref: schema => deref(compiler, schema),
    refuse: reason => { throw new Unplannable(reason) }
  }
  const entry = readerOf(compiler, root)
  const source = `'use strict'\nconst { j, u, c, d, p, h, g, e, t, M } = helpers\n${compiler.code.join('\n')}\nreturn ${entry}`
  // eslint-disable-next-line no-new-func
  return new Function('helpers', 'k', source)(helpers, compiler.values) as Reader
}
