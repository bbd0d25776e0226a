import type { FastifyInstance } from 'fastify'
import { containsCodec } from './codecs.ts'
import { isStandardSchema } from './standard-schema.ts'

// fastify.addSchema() stores a copy (rfdc) that drops what makes a codec a codec (typebox 1.x's
// hidden `~codec` and @sinclair/typebox 0.34's Transform symbol) and typebox 1.x's refinements
// (a hidden `~refine`). So the plugin wraps addSchema() on the instance it is registered on and
// keeps, per instance and `$id`, each schema that carries either, as it was added. Child
// instances inherit the wrapper (Object.create), and Fastify's addSchema() passes the schema on
// to existing children through it.

const added = new WeakMap<object, Map<string, object>>()

/** Wraps `fastify.addSchema()` so that shared schemas with codecs keep them. */
export function keepSharedCodecs (fastify: FastifyInstance): void {
  const addSchema = fastify.addSchema
  fastify.addSchema = function addSchemaKeepingCodecs (this: FastifyInstance, schema) {
    const result = addSchema.call(this, schema)
    // Fastify refused a schema without an $id above; a fluent schema never holds a codec.
    if (containsCodec(schema) || containsRefinement(schema)) {
      let byId = added.get(this)
      if (byId === undefined) added.set(this, byId = new Map())
      byId.set((schema as { $id: string }).$id, schema as object)
    }
    return result
  }
}

/** Whether a schema holds a typebox 1.x refinement, anywhere in it. */
function containsRefinement (value: unknown, seen = new Set<object>()): boolean {
  if (value === null || typeof value !== 'object' || seen.has(value) || isStandardSchema(value)) return false
  seen.add(value)
  if (!Array.isArray(value) && Object.hasOwn(value, '~refine')) return true
  return Object.values(value).some(item => containsRefinement(item, seen))
}

/**
 * `getSchemas()` of `instance`, with each schema the plugin kept as it was added (codecs and
 * refinements included) in place of Fastify's copy: what the response model checks with.
 */
export function sharedSchemasAsAdded (instance: FastifyInstance): Record<string, unknown> {
  const stored = instance.getSchemas() as Record<string, unknown>
  const find = findSharedSchemas(instance)
  let result: Record<string, unknown> | null = null
  for (const id of Object.keys(stored)) {
    const schema = find(id)
    if (schema !== stored[id]) (result ??= { ...stored })[id] = schema
  }
  return result ?? stored
}

/**
 * The shared schemas a route of `instance` resolves: the one added with this `$id` in its scope
 * or a parent's, with its codecs, else Fastify's copy from `getSchemas()`.
 */
export function findSharedSchemas (instance: FastifyInstance): (id: string) => unknown {
  const stored = instance.getSchemas() as Record<string, unknown>
  return function findSharedSchema (id) {
    if (!Object.hasOwn(stored, id)) return undefined
    for (let scope: object | null = instance; scope !== null; scope = Object.getPrototypeOf(scope)) {
      const original = added.get(scope)?.get(id)
      if (original !== undefined) return original
    }
    return stored[id]
  }
}
