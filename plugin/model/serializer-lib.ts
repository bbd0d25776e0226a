import { createRequire } from 'node:module'

// What the model takes from fast-json-stringify itself, loaded from where Fastify has it, so that
// the plugin merges and refuses schemas exactly as the serializer of plain Fastify would.

type Node = Record<string, unknown>
type Merge = (schemas: unknown[]) => Node

let serializerRequire: NodeJS.Require | undefined

export function fromSerializer<T> (path: string): T {
  if (serializerRequire === undefined) {
    const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'))
    serializerRequire = createRequire(fromFastify.resolve('fast-json-stringify'))
  }
  return serializerRequire(path) as T
}

let merge: Merge | undefined

/** fast-json-stringify's own merge (@fastify/merge-json-schemas, conflicts skipped). */
export function mergeSchemas (schemas: unknown[]): Node {
  merge ??= fromSerializer<Merge>('./lib/merge-schemas.js')
  return merge(schemas)
}
