// Server-sent events. @fastify/sse and fastify-sse-v2 write the response head to reply.raw
// themselves (reply.raw.writeHead, or a first write or flushHeaders, which Node turns into
// writeHead), so Fastify's onSend, where the merge runs, never sees the response. When a
// response may become an event stream (fastify-sse-v2's reply.sse() is called, or the route
// has @fastify/sse's `sse` option), reply.raw.writeHead is wrapped for it: when the head is an
// event stream's and the request has a holder, the holder is merged into reply.raw first, by
// the same rules, before the first byte leaves.
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, RouteOptions } from 'fastify'
import { getHolder, markAnswered } from '../holder/request-holder.ts'
import type { TemporaryResponse } from '../holder/temporary-response.ts'
import { kAppliedStatus, kSealed, kUndo } from '../symbols.ts'
import { markFailed, mergeTemporaryResponse } from './merge.ts'
import type { RouteSettings } from './merge.ts'

/** Route config: the route's settings, for a reply `sse()` decorator to find. */
const kRouteSettings = Symbol('fastify-temporary-response.route-settings')

/** How the routes of the plugin's scope can stream events. */
export interface EventStreams {
  /** A reply `sse()` decorator existed before the plugin, so it could not be wrapped. */
  decoratedBefore: boolean
}

type WriteHead = (this: unknown, statusCode: number, ...rest: unknown[]) => unknown
interface RawReply { writeHead: WriteHead }

const eventStreamRE = /^\s*text\/event-stream\s*(?:;|$)/i

/**
 * Wraps the reply `sse()` decorator that fastify-sse-v2 adds from now on, in the plugin's scope
 * and below, so that calling it prepares the merge: routes that never call it pay nothing.
 * A decorator added before the plugin cannot be wrapped (Fastify refuses to decorate twice):
 * its routes get a hook instead.
 */
export function wrapSseDecorator (fastify: FastifyInstance): EventStreams {
  if (fastify.hasReplyDecorator('sse')) return { decoratedBefore: true }
  const decorateReply = fastify.decorateReply as (this: FastifyInstance, name: string, value: unknown, dependencies?: string[]) => FastifyInstance
  fastify.decorateReply = function decorateReplyTemporaryResponse (this: FastifyInstance, name: string, value: unknown, dependencies?: string[]) {
    const decorated = name === 'sse' && typeof value === 'function' ? wrapSse(value as (...args: unknown[]) => unknown) : value
    return decorateReply.call(this, name, decorated, dependencies)
  } as FastifyInstance['decorateReply']
  return { decoratedBefore: false }
}

function wrapSse (sse: (...args: unknown[]) => unknown): (this: FastifyReply, ...args: unknown[]) => unknown {
  return function sseTemporaryResponse (...args) {
    if (!this.raw.headersSent) {
      const settings = (this.request.routeOptions.config as { [kRouteSettings]?: RouteSettings })[kRouteSettings]
      if (settings !== undefined) {
        wrapWriteHead(this.request, this, settings)
      } else if (getHolder(this.request) !== null) {
        // A route added before the plugin loaded: its onRoute hook never ran.
        this.log.warn(`fastify-temporary-response: ${this.request.method} ${this.request.routeOptions.url} was added before the plugin loaded, so what request.response staged cannot reach its event stream. Await the registration, or add routes in a plugin registered after it`)
      }
    }
    return sse.apply(this, args)
  }
}

/**
 * Records the route's settings in its config, and gives a route that can stream events without
 * a wrapped decorator (`@fastify/sse`'s `sse` route option, or fastify-sse-v2 registered before
 * the plugin) the hook that wraps `reply.raw.writeHead`.
 */
export function wireEventStream (routeOptions: RouteOptions, settings: RouteSettings, streams: EventStreams): void {
  (routeOptions.config as { [kRouteSettings]?: RouteSettings })[kRouteSettings] = settings
  // A decorator that the plugin's instance had is every route's below it.
  if (!(routeOptions as { sse?: unknown }).sse && !streams.decoratedBefore) return
  const onRequest = routeOptions.onRequest
  const hooks = onRequest === undefined ? [] : Array.isArray(onRequest) ? onRequest : [onRequest]
  routeOptions.onRequest = [...hooks, createEventStreamHook(settings)] as RouteOptions['onRequest']
}

function createEventStreamHook (settings: RouteSettings): onRequestHookHandler {
  return function onRequestWrapWriteHead (request, reply, done) {
    wrapWriteHead(request, reply, settings)
    done()
  }
}

/**
 * Wraps `reply.raw.writeHead` to merge the holder into an event stream's head. Wrapped twice
 * (a route with both SSE plugins), the outer wrapper merges and seals, and the inner one passes.
 */
function wrapWriteHead (request: FastifyRequest, reply: FastifyReply, settings: RouteSettings): void {
  const raw = reply.raw as unknown as RawReply
  const writeHead = raw.writeHead
  raw.writeHead = function writeHeadTemporaryResponse (statusCode, ...rest) {
    if (isEventStream(reply)) {
      const holder = getHolder(request)
      // No holder: a later write must throw, not vanish. Sealed: merged once already.
      if (holder === null) markAnswered(request)
      else if (!holder[kSealed]) statusCode = mergeEventStream(request, reply, holder, settings, statusCode)
    }
    return writeHead.call(this, statusCode, ...rest)
  }
}

function isEventStream (reply: FastifyReply): boolean {
  const type = reply.raw.getHeader('content-type')
  return typeof type === 'string' && eventStreamRE.test(type)
}

/**
 * Merges the holder into reply.raw, which holds the head the SSE plugin is writing: its own
 * headers (Content-Type, Cache-Control...) and the reply's are explicit and win, as
 * `reply.header()` does. Returns the status to write.
 */
function mergeEventStream (
  request: FastifyRequest,
  reply: FastifyReply,
  holder: TemporaryResponse,
  settings: RouteSettings,
  statusCode: number
): number {
  const raw = reply.raw
  const head = toRawReply(reply)
  raw.statusCode = statusCode
  const merged = mergeTemporaryResponse(request, head, null, holder, settings, false)
  if (merged instanceof Error) {
    // The status and headers are the plugin's, already half-written: the stream goes out
    // without a staged value, never with the one that broke its declared schema.
    markFailed(holder, head)
    reply.log.error({ err: merged }, 'fastify-temporary-response: a staged header breaks its declared schema; the event stream is sent without the staged headers and status')
  }
  // The head is on the wire: an error from now on has nothing to take back.
  holder[kUndo] = null
  holder[kAppliedStatus] = 0
  return raw.statusCode
}

/** The reply's header methods, acting on reply.raw, where the SSE plugins put the head. */
function toRawReply (reply: FastifyReply): FastifyReply {
  const raw = reply.raw
  const head = {
    raw,
    getHeader: (name: string) => raw.getHeader(name),
    hasHeader: (name: string) => raw.hasHeader(name),
    header (name: string, value: number | string | readonly string[]) {
      raw.setHeader(name, value)
      return head
    },
    removeHeader (name: string) {
      raw.removeHeader(name)
      return head
    }
  }
  return head as unknown as FastifyReply
}
