import { isObject, resolveId, resolvePointer } from './schema-bundle.ts'
import { isStandardSchema } from './standard-schema.ts'

// A response schema's codecs, found once per schema at ready() and turned into one encoder per
// status and media type: the handler returns decoded (domain) values, the encoder calls each
// codec's encode callback, in TypeBox's order (a node's own codec first, then its children, on
// the encoded value), copying on write. No Clone, Default, Convert or Clean step runs, unlike
// TypeBox's Value.Encode: what the callbacks return is checked and serialized as it is.

type Node = Record<string | symbol, unknown>

/** Encodes one value; throws an `EncodeFailure` when a codec's encode callback throws. */
export type Encoder = (value: unknown) => unknown

/** 0.34 `Type.Transform` keeps `{ Decode, Encode }` under this symbol; 1.x a hidden `~codec`. */
const sinclairTransform = Symbol.for('TypeBox.Transform')

/** An encode callback that threw, with the JSON pointer of the value it was given. */
export class EncodeFailure extends Error {
  path: string
  constructor (cause: unknown, path: string) {
    super(`an Encode callback threw: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    this.path = path
  }
}

/** The failure as an `EncodeFailure` at `path` below where it happened: anything else (a RangeError from the stack, say) is wrapped. */
export function toFailure (error: unknown, segment = ''): EncodeFailure {
  const failure = error instanceof EncodeFailure ? error : new EncodeFailure(error, '')
  failure.path = segment + failure.path
  return failure
}

/** The node's own encode callback: typebox 1.x `Type.Codec`/`Type.Encode`, or 0.34 `Type.Transform`. */
export function findOwnEncode (node: Node): Encoder | undefined {
  const codec = node['~codec']
  if (isObject(codec) && typeof codec.encode === 'function') return codec.encode as Encoder
  const transform = node[sinclairTransform]
  if (isObject(transform) && typeof transform.Encode === 'function') return transform.Encode as Encoder
  return undefined
}

/** Whether a schema carries a codec anywhere, `$ref`s not followed: what `addSchema()` must keep. */
export function containsCodec (value: unknown, seen = new Set<object>()): boolean {
  if (value === null || typeof value !== 'object' || seen.has(value) || isStandardSchema(value)) return false
  seen.add(value)
  if (!Array.isArray(value) && findOwnEncode(value as Node) !== undefined) return true
  return Object.values(value).some(item => containsCodec(item, seen))
}

/** Where a node is: the `$id` its refs resolve against, and the document `#` names. */
interface Scope { base: string, doc: Node }
interface Located { node: Node, scope: Scope }

/** What finding and building encoders needs from the route. */
export interface CodecContext {
  /** The shared schema with this `$id`: as added (with its codecs) if the plugin saw it, else Fastify's copy. */
  shared: (id: string) => unknown
  /**
   * A check of a union branch, to pick the branch the encoded value matches. Only building an
   * encoder compiles checks; finding whether a schema reaches a codec needs none (`null`).
   */
  compileCheck: ((schema: Node) => (value: unknown) => boolean) | null
}

interface Builder extends CodecContext {
  /** `$id`s declared inside the route's own schema, resolved. */
  ids: Map<string, Located>
  plans: Map<Node, Encoder>
  reaches: Map<Node, boolean>
}

export function enter (node: Node, scope: Scope): Located {
  return { node, scope: typeof node.$id === 'string' ? { base: resolveId(node.$id, scope.base), doc: node } : scope }
}

function collectIds (ids: Map<string, Located>, value: unknown, scope: Scope, seen: Set<object>): void {
  if (value === null || typeof value !== 'object' || seen.has(value) || isStandardSchema(value)) return
  seen.add(value)
  if (!Array.isArray(value) && typeof (value as Node).$id === 'string') {
    const located = enter(value as Node, scope)
    ids.set(located.scope.base, located)
    scope = located.scope
  }
  for (const item of Object.values(value)) collectIds(ids, item, scope, seen)
}

/** The node a `$ref` names, resolved as the bundler resolves it (by `$id`, then a JSON pointer). */
export function resolveRef (builder: Builder, ref: string, scope: Scope): Located | undefined {
  const hash = ref.indexOf('#')
  const id = hash === -1 ? ref : ref.slice(0, hash)
  const fragment = hash === -1 ? '' : ref.slice(hash + 1)
  let target: Located | undefined
  if (id === '') {
    target = { node: scope.doc, scope }
  } else {
    const resolved = resolveId(id, scope.base)
    target = builder.ids.get(resolved)
    const shared = target === undefined ? builder.shared(id) ?? builder.shared(resolved) : undefined
    if (isObject(shared)) target = { node: shared, scope: { base: resolved, doc: shared } }
  }
  const node = target === undefined || fragment === '' ? target?.node : resolvePointer(target.node, fragment)
  return isObject(node) ? enter(node, (target as Located).scope) : undefined
}

/** The subschemas an encoder descends into, as TypeBox's Value.Encode does. */
function edges (builder: Builder, { node, scope }: Located): Located[] {
  const out: Located[] = []
  const add = (value: unknown): void => {
    for (const item of Array.isArray(value) ? value : [value]) if (isObject(item)) out.push(enter(item, scope))
  }
  for (const key of ['properties', 'patternProperties']) if (isObject(node[key])) add(Object.values(node[key]))
  for (const key of ['additionalProperties', 'items', 'prefixItems', 'additionalItems', 'allOf', 'anyOf', 'oneOf']) add(node[key])
  const target = typeof node.$ref === 'string' ? resolveRef(builder, node.$ref, scope) : undefined
  if (target !== undefined) out.push(target)
  return out
}

/** Whether a codec is reachable from the node: exact, cycles included (no partial memo). */
export function hasReachableCodec (builder: Builder, start: Located): boolean {
  const known = builder.reaches.get(start.node)
  if (known !== undefined) return known
  const seen = new Set<Node>()
  const stack = [start]
  let found = false
  while (!found && stack.length !== 0) {
    const located = stack.pop() as Located
    if (seen.has(located.node)) continue
    seen.add(located.node)
    found = findOwnEncode(located.node) !== undefined
    stack.push(...edges(builder, located))
  }
  builder.reaches.set(start.node, found)
  return found
}

export type { Builder as CodecBuilder, Located as LocatedSchema, Node as SchemaNode }

/** A fresh builder for one route's response schema. */
export function createCodecBuilder (context: CodecContext, response: object): Builder {
  const ids = new Map<string, Located>()
  collectIds(ids, response, { base: '', doc: response as Node }, new Set())
  return { ...context, ids, plans: new Map(), reaches: new Map() }
}
