import type { FastifyInstance, FastifySerializerCompiler } from 'fastify'
import type { BodyPlan, ResponseModel, StatusModel } from './response-model.ts'
import type { Serialize } from './serializer.ts'

// The route-level serializer compiler that puts a route's bodies through the response model.
// Fastify calls it per status and media type while the route is built, before `ready()`, when a
// shared schema may still be missing; so it hands back a serializer that calls the model's once
// the model is built at `ready()`.

interface Slot {
  status: string
  contentType: string | undefined
  serialize: Serialize | null
}

const slots = new WeakMap<object, Slot[]>()

/** Fastify's default serializer compiler is a bound `responseSchemaCompiler` (@fastify/fast-json-stringify-compiler). */
export function usesDefaultSerializer (instance: FastifyInstance): boolean {
  const compiler = instance.serializerCompiler as { name?: string } | undefined
  return compiler === undefined || compiler.name === 'bound responseSchemaCompiler'
}

/** The serializer compiler of one route; `key` names the route for `resolveSerializers()`. */
export function createSerializerCompiler (key: object): FastifySerializerCompiler<unknown> {
  const list: Slot[] = []
  slots.set(key, list)
  return function compileModelSerializer ({ httpStatus, contentType }) {
    const slot: Slot = { status: httpStatus as string, contentType: contentType as string | undefined, serialize: null }
    list.push(slot)
    return function serializeModel (data: unknown): string {
      return (slot.serialize as Serialize)(data)
    }
  }
}

/** Gives each serializer of the route the validating serializer of its status and media type. */
export function resolveSerializers (key: object, model: ResponseModel): void {
  for (const slot of slots.get(key) ?? []) {
    // The model is built from the same `schema.response`, keyed alike: every slot has its plan.
    const status = model.statuses.get(slot.status) as StatusModel
    const plan = slot.contentType === undefined ? status.body : (status.media as Map<string, BodyPlan>).get(slot.contentType)
    slot.serialize = (plan as BodyPlan).serialize
  }
}

/** Whether the body of this status and media type is checked by the route's serializer. */
export function isCheckedBySerializer (key: object): boolean {
  return slots.has(key)
}
