import type {
  DoneFuncWithErrOrRes,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onSendHookHandler,
  preSerializationHookHandler,
  RouteOptions
} from 'fastify'
import { isExposable } from './merge/expose-headers.ts'
import { applyStagedStatus, exposeNames, mergeTemporaryResponse, noBodyStatuses } from './merge/merge.ts'
import type { RouteSettings } from './merge/merge.ts'
import type { ResolvedRouteOptions, TemporaryResponseRouteOptions } from './options.ts'
import { resolveRouteOptions } from './options.ts'
import { hasSinclairSchema, loadSinclairFormats } from './model/formats.ts'
import type { SinclairFormats } from './model/formats.ts'
import { assertValidSchemas, buildResponseModel, declaredHeaderNames, findBodyCheck, findStatusModel } from './model/response-model.ts'
import type { ResponseMismatch, ResponseModel } from './model/response-model.ts'
import { buildRouteEncoder, encodeFailureDetails } from './model/route-encoder.ts'
import { encodeResponse } from './model/response-encoder.ts'
import type { ResponseEncoder } from './model/response-encoder.ts'
import { EncodeFailure } from './model/codecs.ts'
import { findStandardSchema } from './model/standard-schema.ts'
import { buildStandardModel, hasStandardBody, noStatusSchema, refuseStandardSchemas, wrapSerializerCompiler } from './model/zod.ts'
import type { SerializerCompiler, StandardRoute } from './model/zod.ts'
import { droppedBody, invalidResponse } from './model/serializer.ts'
import { createSerializerCompiler, expectBody, isCheckedBySerializer, resolveSerializers, usesDefaultSerializer } from './model/route-serializer.ts'
import { sharedSchemasAsAdded } from './model/shared-schemas.ts'
import { getHolder, markAnswered } from './holder/request-holder.ts'
import { kAppliedStatus, kFailed, kRouteHooked, kSerializedBody } from './symbols.ts'
import { guardPayload, isErrorResponse, markSerialized } from './guard.ts'
import { isWebResponse, unpackWebResponse } from './merge/web-response.ts'
import { wireEventStream } from './merge/event-stream.ts'
import type { EventStreams } from './merge/event-stream.ts'

type Hook = (...args: any[]) => unknown

/** A route whose response model is built at `ready()`, when every shared schema is known. */
export interface PendingModel {
  settings: RouteSettings
  response: object
  /** The instance the route was added to: its `getSchemas()` are the ones Fastify resolves with. */
  instance: FastifyInstance
  route: string
  /** Set when the response schemas hold a zod (Standard Schema) schema: see model/zod.ts. */
  standard: StandardRoute | null
}

function isObject (value: unknown): value is object {
  return value !== null && typeof value === 'object'
}

/** Resolves what the hooks of one route need: its options and the names it declares. The model comes at `ready()`. */
export function resolveRouteSettings (routeOptions: RouteOptions, base: ResolvedRouteOptions): RouteSettings {
  const config = (routeOptions.config as { temporaryResponse?: TemporaryResponseRouteOptions } | undefined)?.temporaryResponse
  const options = config === undefined
    ? base
    : resolveRouteOptions(config, base, `config.temporaryResponse of ${routeOptions.method} ${routeOptions.url}`)
  const response = routeOptions.schema?.response
  const declared = isObject(response) && options.exposeDeclared ? declaredHeaderNames(response).filter(isExposable) : []
  return { ...options, model: null, encoder: null, declaredExposable: declared, exposed: null }
}

/**
 * Builds the response model of every route added so far (run by the onReady hook): Fastify
 * builds its serializers just before, so `getSchemas()` now holds every shared schema a `$ref`
 * may name, including those added after the route. A GET and its HEAD route share one model.
 */
export async function buildResponseModels (pending: PendingModel[]): Promise<void> {
  const built = new WeakMap<object, WeakMap<FastifyInstance, { model?: ResponseModel, encoder?: ResponseEncoder | null }>>()
  let sinclair: Promise<SinclairFormats> | null = null
  const compiled = new Map()
  for (const { settings, response, instance, route, standard } of pending.splice(0)) {
    if (standard !== null) {
      // The route's serializer encodes and checks: no encoder, and a model without body checks.
      if (settings.validateResponse) settings.model = buildStandardModel(response, standard, { route, shared: instance.getSchemas(), sinclair: null })
      continue
    }
    const byInstance = built.get(response) ?? new WeakMap()
    built.set(response, byInstance)
    const entry = byInstance.get(instance) ?? {}
    byInstance.set(instance, entry)
    const formats = async (): Promise<SinclairFormats | null> => hasSinclairSchema(response) ? await (sinclair ??= loadSinclairFormats()) : null
    // Before any walk of them: a schema plain Fastify's serializer would refuse is refused, coded.
    if (settings.validateResponse && entry.model === undefined) assertValidSchemas(response, { route, shared: instance.getSchemas() })
    // Encoding is conversion, not checking: it runs with validation off too.
    if (!('encoder' in entry)) entry.encoder = await buildRouteEncoder(response as Record<string, Record<string, unknown>>, instance, route, formats)
    settings.encoder = entry.encoder as ResponseEncoder | null
    if (settings.validateResponse) {
      entry.model ??= buildResponseModel(response, { route, shared: sharedSchemasAsAdded(instance), sinclair: await formats(), compiled })
      settings.model = entry.model
      resolveSerializers(settings, entry.model, instance.getSchemas())
    }
  }
}

/** The onSend hook of one route: merges the holder, or only exposes declared names. */
export function createOnSend (settings: RouteSettings): onSendHookHandler {
  const hasDeclaredNames = settings.declaredExposable.length !== 0
  // Known once the route is built (its serializer compiler comes after this hook): read at the first request.
  let recorded: boolean | undefined
  return function onSendMergeTemporaryResponse (request, reply, payload, done) {
    const holder = getHolder(request)
    // No unchecked path: a body the route's serializer did not write is checked before the merge.
    if (settings.model !== null) {
      payload = guardPayload(request, reply, payload, holder, settings.model, recorded ??= isCheckedBySerializer(settings))
      if (payload instanceof Error) return done(payload)
    }
    if (holder === null) {
      markAnswered(request)
      if (!hasDeclaredNames) {
        done(null, payload)
        return
      }
      // Unpacked first, so that a Response's own exposure list is merged with, not over, ours.
      const body = isWebResponse(payload) ? unpackWebResponse(reply, payload, null) : payload
      exposeNames(request, reply, null, settings)
      done(null, body)
      return
    }
    // reply.callNotFound() answers through the route's own onSend: a 404 is an error response.
    if (request.is404) holder[kFailed] = true
    const fromResponse = isWebResponse(payload)
    const body = fromResponse ? unpackWebResponse(reply, payload as Response, holder) : payload
    const merged = mergeTemporaryResponse(request, reply, body, holder, settings, fromResponse)
    if (merged instanceof Error) done(merged)
    else done(null, merged)
  }
}

/**
 * For Fastify's automatic HEAD route: its own onSend cannot take a Web Response
 * (Buffer.byteLength throws on it), so unpack one, and merge, before it runs; and
 * it empties the body, so check that first.
 */
function createHeadOnSend (settings: RouteSettings): onSendHookHandler {
  const merge = createOnSend(settings)
  return function onSendHeadTemporaryResponse (request, reply, payload, done) {
    // Checked here, before Fastify's own HEAD hook empties the body.
    if (settings.model !== null) {
      payload = guardPayload(request, reply, payload, getHolder(request), settings.model, isCheckedBySerializer(settings))
      if (payload instanceof Error) return done(payload)
    }
    if (!isWebResponse(payload)) {
      done(null, payload)
    } else if (getHolder(request) === null) {
      done(null, unpackWebResponse(reply, payload, null))
    } else {
      merge.call(this, request, reply, payload, done)
    }
  }
}

const noMediaSchema: ResponseMismatch[] = [{ path: '', message: 'The response schema declares no media type that matches the reply\'s Content-Type' }]

/** The preSerialization hook of a route with a response schema: staged status, then the response model. */
export function createPreSerialization (settings: RouteSettings): preSerializationHookHandler<unknown> {
  // The route's serializer checks what it writes: the body is not checked twice.
  const checkedBySerializer = isCheckedBySerializer(settings)
  return function preSerializationTemporaryResponse (request, reply: FastifyReply, payload, done) {
    const holder = getHolder(request)
    if (holder !== null && !holder[kFailed]) applyStagedStatus(holder, reply)
    const model = settings.model
    const statusCode = reply.raw.statusCode
    const schema = model === null ? undefined : findStatusModel(model, statusCode)
    const unserved = markSerialized(request, statusCode, model !== null && schema === undefined, holder)
    if (unserved !== null) return done(unserved)
    // Validation off and no codecs: the status was all there was to do.
    if (model === null && settings.encoder === null) {
      done(null, payload)
      return
    }
    if (checkedBySerializer) expectBody(request, kSerializedBody)
    // A body the staged status forbids is dropped, not sent: nothing to validate.
    const dropped = holder !== null && holder[kAppliedStatus] === statusCode && noBodyStatuses.has(statusCode)
    // The common case: one body schema, no codecs, and the route's serializer reads, checks and writes.
    if (checkedBySerializer && !dropped && schema?.media === null && settings.encoder === null) {
      done(null, payload)
      return
    }
    const status = dropped ? undefined : schema
    const contentType = reply.getHeader('content-type')
    // The handler returns decoded values; what is checked and serialized is their encoding.
    if (dropped && checkedBySerializer) {
      done(null, droppedBody)
      return
    }
    const body = settings.encoder === null || dropped ? payload : encodeResponse(settings.encoder, statusCode, contentType, payload)
    if (body instanceof EncodeFailure) {
      done(invalidResponse(statusCode, encodeFailureDetails(body), body.cause))
      return
    }
    const plan = status === undefined ? null : findBodyCheck(status, contentType)
    // No schema for the reply's media type: Fastify would send the data unfiltered.
    if (plan === undefined) {
      done(invalidResponse(statusCode, noMediaSchema))
      return
    }
    // The model's serializer reads, checks and writes; any other serializer gets the checked snapshot.
    if (plan === null || checkedBySerializer) {
      done(null, body)
      return
    }
    let snapshot: unknown
    try {
      snapshot = plan.snapshot(body)
    } catch (error) {
      done(error as Error)
      return
    }
    done(null, snapshot)
  }
}

/**
 * The preSerialization hook of a route with zod (Standard Schema) response schemas: the staged
 * status selects the schema the route's own serializer checks with; a status or media type
 * that has none is refused, never sent unchecked.
 */
export function createStandardPreSerialization (settings: RouteSettings): preSerializationHookHandler<unknown> {
  return function preSerializationStandardSchema (request, reply: FastifyReply, payload, done) {
    const holder = getHolder(request)
    if (holder !== null && !holder[kFailed]) applyStagedStatus(holder, reply)
    const model = settings.model
    const statusCode = reply.raw.statusCode
    const status = model === null ? undefined : findStatusModel(model, statusCode)
    // The provider's serializer writes what follows: marked, as any schema serializer's output.
    const unserved = markSerialized(request, statusCode, model !== null && status === undefined, holder)
    if (unserved !== null) return done(unserved)
    if (model === null || isErrorResponse(request)) {
      done(null, payload)
      return
    }
    const check = status === undefined ? undefined : findBodyCheck(status, reply.getHeader('content-type'))
    const dropped = holder !== null && holder[kAppliedStatus] === statusCode && noBodyStatuses.has(statusCode)
    if (dropped) return done(null, payload)
    if (check == null) return done(invalidResponse(statusCode, noStatusSchema))
    // A zod body's snapshot is itself (its serializer checks); a JSON Schema body beside it is the model's checked snapshot.
    let snapshot: unknown
    try {
      snapshot = check.snapshot(payload)
    } catch (error) {
      return done(error as Error)
    }
    done(null, snapshot)
  }
}

/** Wraps the route's own serializer compiler; without one, the model refuses its Standard Schemas at `ready()`. */
function resolveStandardRoute (instance: FastifyInstance, routeOptions: RouteOptions, settings: RouteSettings): StandardRoute {
  const routeLevel = routeOptions.serializerCompiler as SerializerCompiler | undefined
  // Fastify sets up its default compiler only at ready(): one seen now was set by the application.
  const standard: StandardRoute = { ownCompiler: (routeLevel ?? instance.serializerCompiler) !== undefined, serializers: new Map() }
  if (!settings.validateResponse) return standard
  if (standard.ownCompiler) {
    routeOptions.serializerCompiler = wrapSerializerCompiler(standard, () => routeLevel ?? instance.serializerCompiler as SerializerCompiler)
  } else if (hasStandardBody(routeOptions.schema?.response as object)) {
    routeOptions.serializerCompiler = refuseStandardSchemas
  }
  return standard
}

function toArray (hooks: Hook | Hook[] | undefined): Hook[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks]
}

/**
 * The onRoute hook: gives every route, at registration, hooks that run after
 * all application-level ones, so what @fastify/cors or any other hook wrote is
 * in the reply by the time the merge reads it.
 */
export function createOnRoute (base: ResolvedRouteOptions, pending: PendingModel[], streams: EventStreams): (this: FastifyInstance, routeOptions: RouteOptions) => void {
  return function onRouteTemporaryResponse (routeOptions) {
    const settings = resolveRouteSettings(routeOptions, base)
    const onSend = toArray(routeOptions.onSend as Hook | Hook[] | undefined)
    const last = onSend[onSend.length - 1]
    if (routeOptions.method === 'HEAD' && last?.name === 'headRouteOnSendHandler') {
      onSend.splice(-1, 0, createHeadOnSend(settings))
    }
    routeOptions.onSend = [...onSend, createOnSend(settings)] as RouteOptions['onSend']
    // Fastify copies config into the route context: the fallback hook reads this mark there.
    routeOptions.config = { ...routeOptions.config, [kRouteHooked]: true } as RouteOptions['config']
    wireEventStream(routeOptions, settings, streams)
    const response = routeOptions.schema?.response
    if (isObject(response)) {
      const standard = findStandardSchema(response) === null ? null : resolveStandardRoute(this, routeOptions, settings)
      pending.push({ settings, response, instance: this, route: `${routeOptions.method} ${routeOptions.url}`, standard })
      // Validation on and Fastify's own serializer: the response model serializes the route's bodies.
      if (standard === null && settings.validateResponse && routeOptions.serializerCompiler === undefined && usesDefaultSerializer(this)) {
        routeOptions.serializerCompiler = createSerializerCompiler(settings)
      }
      const preSerialization = toArray(routeOptions.preSerialization as Hook | Hook[] | undefined)
      const own = standard === null ? createPreSerialization(settings) : createStandardPreSerialization(settings)
      routeOptions.preSerialization = [...preSerialization, own] as RouteOptions['preSerialization']
    }
  }
}

/** Serves a request of a route added before the plugin loaded; `false` when the request's route is not one. */
export type EarlyOnSend = (instance: FastifyInstance, request: FastifyRequest, reply: FastifyReply, payload: unknown, done: DoneFuncWithErrOrRes) => boolean

/**
 * The application-level onSend hook. Routes get their merge from onRoute; this
 * one merges for the requests no route-level hook serves: the 404 handler, where
 * only keepOnError can keep anything, and routes added before the plugin loaded
 * (`app.register(plugin); app.get(...)` without `await`), served by `early`.
 */
export function createFallbackOnSend (base: ResolvedRouteOptions, early: EarlyOnSend | null): onSendHookHandler {
  const notFound = createOnSend(resolveRouteSettings({ method: 'GET', url: '*' } as RouteOptions, base))
  return function onSendFallbackTemporaryResponse (request, reply, payload, done) {
    if (early !== null && early(this, request, reply, payload, done)) return
    const holder = getHolder(request)
    if (holder === null || !request.is404) {
      done(null, payload)
      return
    }
    holder[kFailed] = true
    notFound.call(this, request, reply, payload, done)
  }
}
