import type { FastifyInstance, FastifySerializerCompiler } from 'fastify'
import type { BodyPlan, ResponseModel, StatusModel } from './response-model.ts'
import type { Serialize } from './serializer.ts'
import { fromSerializer } from './serializer-lib.ts'

// The route-level serializer compiler that puts a route's bodies through the response model.
// Fastify calls it per status and media type while the route is built, before `ready()`, when a
// shared schema may still be missing; so it hands back a serializer that calls the model's once
// the model is built at `ready()`. A schema compiled later, while a request runs
// (`reply.serializeInput()`, `reply.compileSerializationSchema()`), is not the route's response
// schema: it is compiled as Fastify's default compiler would, and what it writes is a string the
// route returns, which the model then checks like any other (guard.ts).

interface Slot {
  status: string
  contentType: string | undefined
  serialize: Serialize | null
}

const slots = new WeakMap<object, Slot[]>()
/** The shared schemas of a route whose slots are resolved: later compiles resolve `$ref`s with them. */
const resolved = new WeakMap<object, Record<string, unknown>>()

type Build = (schema: unknown, options: { schema: Record<string, unknown> }) => Serialize
let build: Build | undefined

/** Fastify's default serializer compiler is a bound `responseSchemaCompiler` (@fastify/fast-json-stringify-compiler). */
export function usesDefaultSerializer (instance: FastifyInstance): boolean {
  const compiler = instance.serializerCompiler as { name?: string } | undefined
  return compiler === undefined || compiler.name === 'bound responseSchemaCompiler'
}

/** What the serializer writes next is this request's body (set by preSerialization, just before). */
let expecting: Record<symbol, unknown> | null = null
let bodyKey: symbol

/**
 * Called by a route's preSerialization hook right before Fastify serializes the body: the string
 * the model's serializer writes next is recorded on `target[key]`, so that onSend can tell it from
 * a body a hook put in its place. Where another hook runs in between (an async one), a serializer
 * call may record nothing, or on the wrong request: onSend then checks the body again, never less.
 */
export function expectBody (target: object, key: symbol): void {
  expecting = target as Record<symbol, unknown>
  bodyKey = key
}

/** The serializer compiler of one route; `key` names the route for `resolveSerializers()`. */
export function createSerializerCompiler (key: object): FastifySerializerCompiler<unknown> {
  const list: Slot[] = []
  slots.set(key, list)
  return function compileModelSerializer ({ schema, httpStatus, contentType }) {
    const shared = resolved.get(key)
    if (shared !== undefined) {
      build ??= fromSerializer<Build>('./index.js')
      return build(schema, { schema: shared })
    }
    const slot: Slot = { status: httpStatus as string, contentType: contentType as string | undefined, serialize: null }
    list.push(slot)
    return function serializeModel (data: unknown): string {
      const target = expecting
      expecting = null
      const body = (slot.serialize as Serialize)(data)
      if (target !== null) target[bodyKey] = body
      return body
    }
  }
}

/** Gives each serializer of the route the validating serializer of its status and media type. */
export function resolveSerializers (key: object, model: ResponseModel, shared: Record<string, unknown>): void {
  resolved.set(key, shared)
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
