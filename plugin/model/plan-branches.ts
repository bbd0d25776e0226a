import { Compile } from 'typebox/compile'
import type { TSchema } from 'typebox'
import { mergeSchemas } from './serializer-lib.ts'
import { formatName } from './schema-bundle.ts'

// The plan's reading of the keywords that choose or combine schemas, as fast-json-stringify follows
// them: `allOf` merged into one schema; for `anyOf`/`oneOf`, the first branch the value matches,
// written with the parent's other keywords merged in; for `if`, `then` or `else` likewise. The value
// is read once as JSON reads it, and that plain copy is what branches are chosen on and read from;
// it must match the node's own schema, so an instance the node rejects (two `oneOf` branches, say)
// is a mismatch even where the branch chosen would write a part that passes.

type Node = Record<string, unknown>

/** What plan.ts gives this file: the bundle, and the way to name a reader or a value in the code. */
export interface BranchCompiler {
  root: Node
  reader: (schema: unknown) => string
  value: (item: unknown) => string
  deref: (schema: unknown) => unknown
  /** Throws the plan's refusal. */
  refuse: (reason: string) => never
}

/** The compiled check of one node of the bundle: its `$ref`s point into the bundle's `$defs`. */
function checkOf (compiler: BranchCompiler, schema: unknown): string {
  const check = Compile({ $defs: compiler.root.$defs, allOf: [schema] } as unknown as TSchema)
  return compiler.value(check)
}

function mergedNode (compiler: BranchCompiler, schemas: unknown[]): Node {
  try {
    return mergeSchemas(schemas.map(schema => compiler.deref(schema)))
  } catch (error) {
    return compiler.refuse(`its subschemas cannot be merged as fast-json-stringify merges them (${(error as Error).message})`)
  }
}

function merged (compiler: BranchCompiler, schemas: unknown[]): string {
  return compiler.reader(mergedNode(compiler, schemas))
}

function without (node: Node, keys: string[]): Node {
  const rest = { ...node }
  for (const key of keys) delete rest[key]
  return rest
}

/**
 * The format a Date in a union is written by, where that is `date` or `time` (else `null`: JSON's
 * ISO date-time). fast-json-stringify writes it by the first branch its check lets a Date through:
 * a `string` node (its check takes a Date for a string), or a node without a type or of type
 * `object`, which a Date passes too.
 */
export function unionDateFormat (branches: unknown[], deref: (schema: unknown) => unknown): string | null {
  for (const branch of branches) {
    const node = deref(branch)
    if (node === null || typeof node !== 'object') return null
    const type = (node as Node).type
    const format = formatName(node as Node)
    const types = Array.isArray(type) ? type : [type]
    if (types.includes('string')) return format === 'date' || format === 'time' ? format : null
    if (type === undefined || types.includes('object')) return null
  }
  return null
}

/** The body of a node's reader for its `allOf`, `anyOf`, `oneOf` or `if`; `null` when it has none. */
export function branchBody (compiler: BranchCompiler, node: Node): string | null {
  if (Array.isArray(node.allOf)) {
    const parent = without(node, ['allOf'])
    // fast-json-stringify keeps the parent's `additionalProperties: false` over the merge.
    const closed = parent.additionalProperties === false
    const all = mergedNode(compiler, [closed ? without(parent, ['additionalProperties']) : parent, ...node.allOf])
    return `return ${compiler.reader(closed ? { ...all, additionalProperties: false } : all)}(v, s)`
  }
  const key = Array.isArray(node.anyOf) ? 'anyOf' : Array.isArray(node.oneOf) ? 'oneOf' : undefined
  if (key !== undefined) {
    const parent = without(node, [key])
    const empty = Object.keys(parent).length === 0
    const format = unionDateFormat(node[key] as unknown[], compiler.deref)
    const read = format === null ? 'j(v)' : `u(v, ${JSON.stringify(format)})`
    const lines = [`const x = ${read}\nif (!${checkOf(compiler, node)}.Check(x)) throw new M(${JSON.stringify(`the value matches no ${key} branch, or more than one`)})`]
    for (const branch of node[key] as unknown[]) {
      const reader = empty ? compiler.reader(branch) : merged(compiler, [parent, branch])
      lines.push(`if (${checkOf(compiler, branch)}.Check(x)) return ${reader}(x, s)`)
    }
    // Unreachable: the node's check passed, so a branch did.
    lines.push('throw new M(\'no branch matched\')')
    return lines.join('\n')
  }
  if (node.if !== undefined && (node.then !== undefined || node.else !== undefined)) {
    const parent = without(node, ['if', 'then', 'else'])
    const then = node.then === undefined ? compiler.reader(parent) : merged(compiler, [parent, node.then])
    const otherwise = node.else === undefined ? compiler.reader(parent) : merged(compiler, [parent, node.else])
    return `const x = j(v)
if (!${checkOf(compiler, node)}.Check(x)) throw new M('the value does not match its if/then/else')
return ${checkOf(compiler, node.if)}.Check(x) ? ${then}(x, s) : ${otherwise}(x, s)`
  }
  return null
}
