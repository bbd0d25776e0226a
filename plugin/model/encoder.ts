import { EncodeFailure, enter, findOwnEncode, hasReachableCodec, resolveRef, toFailure } from './codecs.ts'
import type { CodecBuilder, Encoder, LocatedSchema, SchemaNode } from './codecs.ts'
import { isObject } from './schema-bundle.ts'

// Builds the encoder of a schema node from its codec and those below it. Only subschemas that
// reach a codec get a step, so the encoder walks just the paths where something is encoded.
// Parts of the value that nothing encodes are shared with the handler's object, never written.

function enterChild (schema: unknown, scope: LocatedSchema['scope']): LocatedSchema | undefined {
  return isObject(schema) ? enter(schema, scope) : undefined
}

/** Prefixes the failure's path with the key that led to it. */
function failAt (error: unknown, key: string | number): EncodeFailure {
  return toFailure(error, '/' + String(key).replace(/~/g, '~0').replace(/\//g, '~1'))
}

function copyObject (value: SchemaNode): SchemaNode {
  const proto = Object.getPrototypeOf(value)
  // A class instance keeps its prototype (its toJSON(), say), as the serializer will see it.
  return proto === Object.prototype || proto === null ? { ...value } : Object.assign(Object.create(proto), value)
}

function objectStep (builder: CodecBuilder, located: LocatedSchema): Encoder | null {
  const { node, scope } = located
  const properties = isObject(node.properties) ? node.properties : {}
  const declared = new Set(Object.keys(properties))
  const named: Array<[string, Encoder]> = []
  for (const key of declared) {
    const plan = buildEncoder(builder, enterChild(properties[key], scope))
    if (plan !== null) named.push([key, plan])
  }
  const patterns: Array<[RegExp, Encoder | null]> = []
  if (isObject(node.patternProperties)) {
    for (const [pattern, schema] of Object.entries(node.patternProperties)) patterns.push([new RegExp(pattern, 'u'), buildEncoder(builder, enterChild(schema, scope))])
  }
  const additional = buildEncoder(builder, enterChild(node.additionalProperties, scope))
  const others = additional !== null || patterns.some(([, plan]) => plan !== null)
  if (named.length === 0 && !others) return null
  return function encodeObject (value) {
    if (!isObject(value)) return value
    let copy: SchemaNode | undefined
    const put = (key: string, plan: Encoder): void => {
      const item = value[key]
      if (item === undefined) return
      let encoded: unknown
      try {
        encoded = plan(item)
      } catch (error) {
        throw failAt(error, key)
      }
      if (encoded !== item) (copy ??= copyObject(value))[key] = encoded
    }
    for (const [key, plan] of named) if (Object.hasOwn(value, key)) put(key, plan)
    if (others) {
      for (const key of Object.keys(value)) {
        if (declared.has(key)) continue
        const match = patterns.find(([pattern]) => pattern.test(key))
        const plan = match === undefined ? additional : match[1]
        if (plan !== null) put(key, plan)
      }
    }
    return copy ?? value
  }
}

function arrayStep (builder: CodecBuilder, { node, scope }: LocatedSchema): Encoder | null {
  // draft 2020-12 prefixItems + items, or draft-07 items: [...] + additionalItems
  const prefixList = Array.isArray(node.prefixItems) ? node.prefixItems : Array.isArray(node.items) ? node.items : []
  const prefix = prefixList.map(schema => buildEncoder(builder, enterChild(schema, scope)))
  const rest = buildEncoder(builder, enterChild(Array.isArray(node.items) ? node.additionalItems : node.items, scope))
  if (rest === null && prefix.every(plan => plan === null)) return null
  return function encodeArray (value) {
    if (!Array.isArray(value)) return value
    let copy: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const plan = i < prefix.length ? prefix[i] : rest
      if (plan === null) continue
      let encoded: unknown
      try {
        encoded = plan(value[i])
      } catch (error) {
        throw failAt(error, i)
      }
      if (encoded !== value[i]) (copy ??= value.slice())[i] = encoded
    }
    return copy ?? value
  }
}

/**
 * TypeBox's union rule: the branch whose encoded value matches the branch. A branch without
 * codecs is tried first, on the value as it is; a branch whose encode throws is skipped, and its
 * error is thrown only when no branch matches and every codec branch threw.
 */
function unionStep (builder: CodecBuilder, { node, scope }: LocatedSchema, key: 'anyOf' | 'oneOf'): Encoder | null {
  const list = node[key]
  if (!Array.isArray(list)) return null
  const branches = list.filter(isObject).map(schema => {
    const located = enter(schema, scope)
    return { plan: buildEncoder(builder, located), check: (builder.compileCheck as NonNullable<CodecBuilder['compileCheck']>)(located.node) }
  })
  const plain = branches.filter(branch => branch.plan === null)
  const coded = branches.filter(branch => branch.plan !== null)
  if (coded.length === 0) return null
  return function encodeUnion (value) {
    for (const branch of plain) if (branch.check(value)) return value
    let failure: unknown
    for (const branch of coded) {
      try {
        const encoded = (branch.plan as Encoder)(value)
        if (branch.check(encoded)) return encoded
      } catch (error) {
        failure ??= error
      }
    }
    if (failure !== undefined) throw failure
    return value
  }
}

function compose (steps: Encoder[]): Encoder {
  if (steps.length === 1) return steps[0]
  return function encodeInOrder (value) {
    let result = value
    for (const step of steps) result = step(result)
    return result
  }
}

/**
 * The encoder of a node, or `null` when no codec is reachable from it. Memoized per node; a
 * node met again while its own encoder is being built (a recursive schema) gets a forward call.
 */
export function buildEncoder (builder: CodecBuilder, located: LocatedSchema | undefined): Encoder | null {
  if (located === undefined || !hasReachableCodec(builder, located)) return null
  const { node } = located
  const known = builder.plans.get(node)
  if (known !== undefined) return known
  const forward: { encode?: Encoder } = {}
  builder.plans.set(node, function encodeRecursive (value) { return (forward.encode as Encoder)(value) })
  const steps: Encoder[] = []
  const own = findOwnEncode(node)
  if (own !== undefined) {
    steps.push(function encodeCodec (value) {
      try {
        return own(value)
      } catch (error) {
        throw new EncodeFailure(error, '')
      }
    })
  }
  const target = typeof node.$ref === 'string' ? buildEncoder(builder, resolveRef(builder, node.$ref, located.scope)) : null
  for (const step of [
    target,
    objectStep(builder, located),
    arrayStep(builder, located),
    ...(Array.isArray(node.allOf) ? node.allOf.map(schema => buildEncoder(builder, enterChild(schema, located.scope))) : []),
    unionStep(builder, located, 'anyOf'),
    unionStep(builder, located, 'oneOf')
  ]) if (step !== null) steps.push(step)
  const built = compose(steps)
  forward.encode = built
  builder.plans.set(node, built)
  return built
}
