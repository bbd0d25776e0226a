import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { FastifyCorsOptions } from '@fastify/cors'
import { FST_TEMP_RESPONSE_ALREADY_REGISTERED } from './errors.ts'
import { markFailed } from './merge/merge.ts'
import { markErrored } from './guard.ts'
import type { FastifyTemporaryResponseOptions } from './options.ts'
import { normalizeOptions } from './options.ts'
import { getHolder, getTemporaryResponse } from './holder/request-holder.ts'
import { buildResponseModels, createFallbackOnSend, createOnRoute } from './hooks.ts'
import type { PendingModel } from './hooks.ts'
import { createEarlyRoutes } from './early-routes.ts'
import { wrapSseDecorator } from './merge/event-stream.ts'
import { keepSharedCodecs } from './model/shared-schemas.ts'
import { kErrored, kSerializedBody, kSerializedStatus, kTemporaryResponse } from './symbols.ts'

function onErrorTemporaryResponse (request: FastifyRequest, reply: FastifyReply, _error: unknown, done: () => void): void {
  markErrored(request)
  const holder = getHolder(request)
  if (holder !== null) markFailed(holder, reply)
  done()
}

/** The servers of the applications the plugin is registered in, once each. */
const registeredServers = new WeakSet<object>()

async function registerCors (fastify: FastifyInstance, options: FastifyCorsOptions): Promise<void> {
  // Loaded only when asked for.
  const { default: cors } = await import('@fastify/cors')
  await fastify.register(cors, options)
}

/**
 * FastAPI's temporary response for Fastify: hooks and handlers stage headers,
 * cookies and a status on `request.response`, and the plugin merges them into
 * whatever the route sends, serialized and validated by its TypeBox response
 * schema, with the staged names exposed to CORS.
 * @example
 * await fastify.register(temporaryResponse, { cors: { origin: 'https://app.example', credentials: true } })
 * fastify.get('/cats', async (request) => {
 *   request.response.headers.set('X-Cat-Dog', 'alone in the world')
 *   return { message: 'Hello World' }
 * })
 */
const plugin: FastifyPluginAsync<FastifyTemporaryResponseOptions> = async function fastifyTemporaryResponse (fastify, options) {
  const { cors, route } = normalizeOptions(options)
  // Every instance of an application shares its server, which decorators do not reach: a
  // registration in a child scope, then at the root, is seen too, in whichever order.
  if (registeredServers.has(fastify.server)) {
    throw new FST_TEMP_RESPONSE_ALREADY_REGISTERED()
  }
  registeredServers.add(fastify.server)
  fastify.decorateRequest(kTemporaryResponse, null)
  fastify.decorateRequest(kSerializedStatus, 0)
  fastify.decorateRequest(kSerializedBody, null)
  fastify.decorateRequest(kErrored, false)
  fastify.decorateRequest('response', { getter: getTemporaryResponse })
  // Schemas added from now on keep their codecs for the routes that $ref them. Those added
  // before are known only as Fastify's copies, which may have lost one: say so, once.
  keepSharedCodecs(fastify)
  const earlySchemas = Object.keys(fastify.getSchemas())
  if (earlySchemas.length !== 0) {
    fastify.log.warn(`fastify-temporary-response: shared schemas added before the plugin was registered (${earlySchemas.join(', ')}) are known only as Fastify's copies, which drop TypeBox codecs and refinements. Register the plugin before addSchema() if they hold any`)
  }
  const pending: PendingModel[] = []
  fastify.addHook('onRoute', createOnRoute(route, pending, wrapSseDecorator(fastify)))
  // Checkers are built at ready(), after Fastify built its serializers: every shared schema is known.
  fastify.addHook('onReady', async function buildTemporaryResponseModels () {
    await buildResponseModels(pending)
  })
  fastify.addHook('onError', onErrorTemporaryResponse)
  // The fallback onSend serves what no route-level hook does: 404s, where only keepOnError can
  // keep anything, and routes already in the router, added before this onRoute hook existed.
  // Without either, it is not added, and costs nothing.
  const early = fastify.printRoutes() === '(empty tree)' ? null : createEarlyRoutes(route, fastify.log)
  if (early !== null) fastify.addHook('preSerialization', early.preSerialization)
  if (early !== null || route.keepOnError !== false) {
    fastify.addHook('onSend', createFallbackOnSend(route, early === null ? null : early.onSend))
  }
  if (cors !== false) await registerCors(fastify, cors)
}

export const fastifyTemporaryResponse = fp(plugin, {
  fastify: '5.x',
  name: 'fastify-temporary-response'
})

export default fastifyTemporaryResponse

export {
  FST_TEMP_RESPONSE_ALREADY_REGISTERED,
  FST_TEMP_RESPONSE_ALREADY_SENT,
  FST_TEMP_RESPONSE_FORBIDDEN_HEADER,
  FST_TEMP_RESPONSE_INVALID_COOKIE_NAME,
  FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION,
  FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE,
  FST_TEMP_RESPONSE_INVALID_HEADER_NAME,
  FST_TEMP_RESPONSE_INVALID_HEADER_VALUE,
  FST_TEMP_RESPONSE_INVALID_OPTION,
  FST_TEMP_RESPONSE_INVALID_RESPONSE,
  FST_TEMP_RESPONSE_INVALID_STATUS_CODE,
  FST_TEMP_RESPONSE_MISSING_COOKIE_SIGNER,
  FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA
} from './errors.ts'
export { TemporaryResponse } from './holder/temporary-response.ts'
export type * from './types.ts'
