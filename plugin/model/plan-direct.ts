import * as Format from 'typebox/format'
import { Guard } from 'typebox/guard'
import { keyMismatch, patternOf } from './plan.ts'
import { intersected, nullableNode, plainNode, Uncovered, unionNode } from './plan-direct-nodes.ts'
import type { NodeReader } from './plan-direct-nodes.ts'
import { DirectMismatch, noted, ownMismatch, primitiveMismatch, readPrimitive, within } from './plan-direct-runtime.ts'
import { writeString } from './plan-writer.ts'
import { escapePointer, formatName, hasRefinedRef, isMultipleOf, isObject, multipleOfKey } from './schema-bundle.ts'
import { callToJSON, isSkipped, readJSON, readUnion } from './snapshot-runtime.ts'
import { unionDateFormat } from './plan-branches.ts'

// The direct path of the plan: for a schema made only of the nodes it covers (plan-direct-nodes.ts:
// one JSON type each and that type's keywords, declared properties, one items schema; an anyOf of
// such nodes, the nullable and literal unions TypeBox writes; ...), one generated function per object or array node
// reads each value once, checks it where it stands and writes it, in a single pass and without a
// snapshot. It reads as the plan's reader does (plan.ts: `toJSON()` once, a Date at a string node as
// fast-json-stringify writes it, a hole `null`), checks as the checker does (typebox's Compile: code
// points for lengths, patterns with the `u` flag, the registered format, `===` for `enum` and
// `const`), and writes as the plan's writer (plan-writer.ts). Mismatches are noted as it goes (at
// most ten, each with the checker's message for the one value that failed) and thrown together as
// a `DirectMismatch` at the end: the value is never read again, not even for the log. The test
// (test/model/plan-direct.test.ts) holds it to the plan's three steps, value for value.

/**
 * Writes a value in one pass; throws `DirectMismatch` for a value the schema does not allow, and
 * lets through what a getter or `toJSON()` throws (or an invalid Date, or data nested too deeply).
 */
export type DirectWriter = (value: unknown) => string

type Node = Record<string, unknown>

interface DirectCompiler extends NodeReader {
  /** The bundle's definitions: a mismatch's messages come from a check of the node with them. */
  defs: unknown
  code: string[]
  values: unknown[]
  names: Map<object, string>
}

function value (compiler: DirectCompiler, item: unknown): string {
  compiler.values.push(item)
  return `k[${compiler.values.length - 1}]`
}

/** A node as the check of a mismatch compiles it: with the bundle's definitions, for its `$ref`s. */
function checked (compiler: DirectCompiler, node: Node): string {
  return value(compiler, { $defs: compiler.defs, allOf: [node] })
}

/** Checks of a primitive `x` beside its type, as typebox's Compile writes them. */
function primitiveChecks (compiler: DirectCompiler, node: Node): string[] {
  const checks: string[] = []
  const { minLength, maxLength, minimum, maximum, exclusiveMinimum, exclusiveMaximum, [multipleOfKey]: multipleOf } = node as Record<string, number | undefined>
  if (minLength !== undefined) checks.push(`(x.length >= ${minLength * 2} || (x.length >= ${minLength} && G.CodePointCount(x) >= ${minLength}))`)
  if (maxLength !== undefined) checks.push(`(x.length <= ${maxLength} || (x.length <= ${maxLength * 2} && G.CodePointCount(x) <= ${maxLength}))`)
  if (typeof node.pattern === 'string') checks.push(`${value(compiler, new RegExp(node.pattern, 'u'))}.test(x)`)
  if (typeof node.format === 'string') {
    const test = Format.Get(node.format)
    // The checker passes a format its registry does not hold; the bundle resolved every one it names.
    if (test !== undefined) checks.push(`${value(compiler, test)}(x)`)
  }
  if (minimum !== undefined) checks.push(`x >= ${minimum}`)
  if (maximum !== undefined) checks.push(`x <= ${maximum}`)
  if (exclusiveMinimum !== undefined) checks.push(`x > ${exclusiveMinimum}`)
  if (exclusiveMaximum !== undefined) checks.push(`x < ${exclusiveMaximum}`)
  if (multipleOf !== undefined) checks.push(`M(x, ${multipleOf})`)
  if (Array.isArray(node.enum)) checks.push(`(${node.enum.length === 0 ? 'false' : node.enum.map(item => `x === ${value(compiler, item)}`).join(' || ')})`)
  if ('const' in node) checks.push(`x === ${value(compiler, node.const)}`)
  return checks
}

const typeTests: Record<string, string> = {
  string: 'typeof x === \'string\'',
  number: 'Number.isFinite(x)',
  integer: 'Number.isInteger(x)',
  boolean: 'typeof x === \'boolean\'',
  null: 'x === null'
}
/** The reader's step for a primitive of `type` (plan.ts): an object read with `toJSON()`, a Date as fast-json-stringify writes it. */
function toPrimitive (node: Node, type: string): string {
  return `if (!(${typeTests[type]})) x = P(x, ${type === 'string' ? JSON.stringify(formatName(node)) : 'null'})`
}

/** The test that a primitive `x` is of `type` and passes its node's keywords. */
function passes (compiler: DirectCompiler, node: Node, type: string): string {
  return [typeTests[type], ...primitiveChecks(compiler, node)].join(' && ')
}

const writes: Record<string, string> = {
  string: 'S(x)',
  number: '(\'\' + x)',
  integer: '(\'\' + x)',
  boolean: '(x ? \'true\' : \'false\')',
  null: '\'null\''
}

/**
 * Statements that check the value in `x` at `schema` and append it to `j` after `prefix` (a string
 * expression), or note its mismatches in `e` under the path `at` (an expression, evaluated only
 * then). Primitives are written inline; objects and arrays by their own function.
 */
function emit (compiler: DirectCompiler, given: unknown, prefix: string, at: string): string {
  const schema = intersected(compiler, given)
  const union = unionNode(compiler, schema)
  if (union !== null) return emitUnion(compiler, union, prefix, at)
  const nullable = nullableNode(compiler, schema)
  if (nullable !== null) {
    // As the reader reads it: an object with `toJSON()` (or a Date) first, then `null` or the type.
    const { node, type } = nullable
    if (type === 'object' || type === 'array') return written(compiler, node, prefix, at)
    return `${toPrimitive(node, type)}
if (x === null) j += ${prefix} + 'null'
else if (${passes(compiler, node, type)}) j += ${prefix} + ${writes[type]}
else X(e, ${checked(compiler, node)}, x, ${at})`
  }
  const node = plainNode(compiler, schema)
  const type = node.type as string
  if (type === 'object' || type === 'array') return written(compiler, node, prefix, at)
  // The reader's step for a primitive node (plan.ts): with `const`, the value read as JSON reads
  // it; otherwise an object read with `toJSON()` (a Date at a string node as fast-json-stringify
  // writes it). Anything else stays as it is, and the check judges it.
  const read = 'const' in node ? 'x = J(x)' : toPrimitive(node, type)
  return `${read}\nif (${passes(compiler, node, type)}) j += ${prefix} + ${writes[type]}\nelse X(e, ${checked(compiler, node)}, x, ${at})`
}

/** Statements that write the object or array in `x` by its node's own function. */
function written (compiler: DirectCompiler, node: Node, prefix: string, at: string): string {
  return `m = e.length\nj += ${prefix} + ${writerOf(compiler, node)}(x, e)\nif (e.length !== m) L(e, m, ${at})`
}

/**
 * An `anyOf` as the reader takes it (plan-branches.ts): the value read as JSON reads it, then the
 * first branch that plain copy matches, written by that branch. Each branch is a plain node; an
 * object or array branch is tried on the copy with mismatches of its own, which are dropped.
 */
function emitUnion (compiler: DirectCompiler, node: Node, prefix: string, at: string): string {
  const tries = (node.anyOf as unknown[]).map(schema => {
    if (unionNode(compiler, schema) !== null) throw new Uncovered()
    const branch = plainNode(compiler, schema)
    const type = branch.type as string
    if (type === 'object' || type === 'array') return `if ((y = ${writerOf(compiler, branch)}(x, t = []), t.length === 0)) j += ${prefix} + y`
    return `if (${passes(compiler, branch, type)}) j += ${prefix} + ${writes[type]}`
  })
  const format = unionDateFormat(node.anyOf as unknown[], compiler.deref)
  const read = format === null ? 'J(x)' : `U(x, ${JSON.stringify(format)})`
  return `x = ${read}\n${tries.join('\nelse ')}\nelse X(e, ${checked(compiler, node)}, x, ${at})`
}

/**
 * The reader's opening of an object or array: `toJSON()` once, then the kind is checked. Where the
 * node is nullable, `null` is written, before `toJSON()` or from it (plan.ts reads it so).
 */
function open (kind: 'object' | 'array', nullable: boolean): string {
  const wrong = `{ O(e, '', 'must be ${kind}'); return '' }`
  const none = nullable ? 'if (v === null) return \'null\'\n' : ''
  return `${none}if (v === null || typeof v !== 'object') ${wrong}
v = C(v)
${none}if (v === null || typeof v !== 'object') ${wrong}
if (${kind === 'array' ? '!' : ''}Array.isArray(v)) ${wrong}`
}

function writerOf (compiler: DirectCompiler, node: Node): string {
  const known = compiler.names.get(node)
  if (known !== undefined) return known
  const name = `w${compiler.names.size}`
  compiler.names.set(node, name)
  // A plain node's type, or (nullable) the one beside 'null'.
  const nullable = Array.isArray(node.type)
  const kind = nullable ? (node.type as string[]).find(item => item !== 'null') : node.type
  const body = kind === 'array' ? arrayBody(compiler, node, nullable) : objectBody(compiler, node, nullable)
  compiler.code.push(`function ${name} (v, e) {\n${body}\n}`)
  return name
}

function arrayBody (compiler: DirectCompiler, node: Node, nullable: boolean): string {
  if (!isObject(compiler.deref(node.items))) throw new Uncovered()
  const { minItems, maxItems } = node as Record<string, number | undefined>
  const lines = [open('array', nullable), 'const n = v.length']
  if (minItems !== undefined) lines.push(`if (n < ${minItems}) O(e, '', 'must not have fewer than ${minItems} items')`)
  if (maxItems !== undefined) lines.push(`if (n > ${maxItems}) O(e, '', 'must not have more than ${maxItems} items')`)
  // A hole, `undefined`, a function or a symbol is read as `null`, as JSON writes it in an array.
  lines.push(`let j = '['
let x, m, t, y
for (let i = 0; i < n; i++) {
if ((x = v[i]) === undefined || typeof x === 'function' || typeof x === 'symbol') x = null
${emit(compiler, node.items, '(i === 0 ? \'\' : \',\')', '\'/\' + i')}
}
return j + ']'`)
  return lines.join('\n')
}

function objectBody (compiler: DirectCompiler, node: Node, nullable: boolean): string {
  const properties = isObject(node.properties) ? node.properties : {}
  const required = Array.isArray(node.required) ? node.required : []
  const keys = Object.keys(properties)
  const others = otherKeys(compiler, node, keys)
  // A required name no property declares is held by the reader for the check; `__proto__` is read from the prototype.
  if (!required.every(name => typeof name === 'string' && Object.hasOwn(properties, name)) || keys.includes('__proto__')) throw new Uncovered()
  // fast-json-stringify's order: required properties first, the others after, each group in schema order.
  keys.sort((a, b) => Number(required.includes(b)) - Number(required.includes(a)))
  // With a required property first, every property after it follows a comma.
  const leading = keys.length !== 0 && required.includes(keys[0])
  const lines = [open('object', nullable), `let j = ${leading ? '\'{\'' : '\'\''}\nlet x, m, t, y`]
  keys.forEach((key, i) => {
    const literal = JSON.stringify(key)
    const comma = leading && i === 0 ? '' : ','
    const target = compiler.deref(properties[key])
    // An object or array default is written through its node by the plan's steps (filtered, in order).
    if (isObject(target) && target.default !== null && typeof target.default === 'object') throw new Uncovered()
    // A missing property with a `default` gets it (checked against its schema at ready()).
    const fallback = isObject(target) && target.default !== undefined
      ? ` else j += ${JSON.stringify(comma + literal + ':' + JSON.stringify(target.default))}`
      : required.includes(key) ? ` else O(e, ${JSON.stringify('/' + escapePointer(key))}, 'Required property')` : ''
    const check = emit(compiler, properties[key], JSON.stringify(comma + literal + ':'), JSON.stringify('/' + escapePointer(key)))
    lines.push(`if ((x = v[${literal}]) !== undefined) {\n${check}\n}${fallback}`)
  })
  if (others !== null) lines.push(others)
  lines.push(leading ? 'return j + \'}\'' : 'return j === \'\' ? \'{}\' : \'{\' + j.slice(1) + \'}\'')
  return lines.join('\n')
}

/**
 * The loop over the keys `properties` does not declare, or `null` where nothing reads them: a key
 * matching the one pattern of `patternProperties` (as fast-json-stringify tests it, which the plan
 * has made sure the checker agrees with) is written by its schema, any other by an
 * `additionalProperties` schema; with `additionalProperties: false`, a key JSON would write makes
 * the object a mismatch. More than one pattern, or a declared name a pattern matches (checked
 * against both schemas), is left to the steps.
 */
function otherKeys (compiler: DirectCompiler, node: Node, declared: string[]): string | null {
  const patterns = isObject(node.patternProperties) ? Object.entries(node.patternProperties) : []
  const additional = node.additionalProperties
  if (patterns.length > 1 || ('patternProperties' in node && !isObject(node.patternProperties))) throw new Uncovered()
  if (patterns.length === 0 && additional === undefined) return null
  const prefix = '(\',\' + S(q) + \':\')'
  const at = '(\'/\' + E(q))'
  const lines = [`for (const q of Object.keys(v)) {\nif (${value(compiler, new Set(declared))}.has(q) || H(x = v[q])) continue`]
  if (patterns.length === 1) {
    const [source, schema] = patterns[0]
    const plain = patternOf(source)
    const unicode = RegExp(source, 'u')
    // A declared name the pattern matches, as the checker reads it or as the serializer does, is checked against both schemas.
    if (declared.some(key => plain.test(key) || unicode.test(key))) throw new Uncovered()
    // As the steps do (plan.ts): a key the two readings judge differently is a mismatch.
    lines.push(`if ((y = ${value(compiler, plain)}.test(q)) !== ${value(compiler, unicode)}.test(q)) { O(e, ${at}, ${JSON.stringify(keyMismatch(source))}); continue }`)
    lines.push(`if (y) {\n${emit(compiler, schema, prefix, at)}\ncontinue\n}`)
  }
  if (additional === false) lines.push('O(e, \'\', \'must not have additional properties\')\nbreak')
  else if (additional !== undefined) lines.push(emit(compiler, additional, prefix, at))
  lines.push('}')
  return lines.join('\n')
}

/**
 * Compiles the direct writer of a bundled schema, or returns `null` where the schema has a node the
 * direct path does not cover (the plan's own steps serve it then).
 */
export function compileDirect (root: unknown, deref: (schema: unknown) => unknown): DirectWriter | null {
  // It follows a `$ref` alone: refinements beside one are the checker's to run.
  if (hasRefinedRef(root as Node)) return null
  const compiler: DirectCompiler = { defs: (root as Node).$defs, deref, code: [], values: [], names: new Map(), merged: new Map() }
  let entry: string
  try {
    entry = emit(compiler, root, '\'\'', '\'\'')
  } catch {
    // Uncovered, or a pattern only the checker's own compilation can judge: the plan's steps serve it.
    return null
  }
  const source = `'use strict'
${compiler.code.join('\n')}
return function writeDirect (x) {
const e = []
let j = '', m, t, y
${entry}
if (e.length !== 0) throw new D(e.slice(0, ${noted}))
return j
}`
  // eslint-disable-next-line no-new-func
  return new Function('k', 'G', 'P', 'J', 'U', 'C', 'H', 'S', 'E', 'X', 'O', 'L', 'D', 'M', source)(
    compiler.values, Guard, readPrimitive, readJSON, readUnion, callToJSON, isSkipped, writeString, escapePointer, primitiveMismatch, ownMismatch, within, DirectMismatch, isMultipleOf) as DirectWriter
}
