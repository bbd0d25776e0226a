// Routes added before the plugin finished loading (`fastify.register(plugin); fastify.get(...)`
// without `await`) ran their onRoute hooks before the plugin's existed, and Fastify offers no way
// to reach their options later. They do get the plugin's application-level hooks, and those see
// the route's schema and config: there each early route gets the same response model, codecs
// included, built at its first request.
import type { DoneFuncWithErrOrRes, FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, preSerializationHookHandler, RouteOptions } from 'fastify'
import { buildResponseModels, createOnSend, createPreSerialization, resolveRouteSettings } from './hooks.ts'
import type { EarlyOnSend } from './hooks.ts'
import type { RouteSettings } from './merge/merge.ts'
import type { ResolvedRouteOptions } from './options.ts'
import { isErrorResponse } from './guard.ts'
import { kRouteHooked } from './symbols.ts'

interface EarlyRoute {
  settings: RouteSettings
  /** Settles when the route's model and encoder are built. */
  built: Promise<void>
  onSend: ReturnType<typeof createOnSend>
  preSerialization: ReturnType<typeof createPreSerialization>
}

type Done = DoneFuncWithErrOrRes

/** The hooks that serve early routes: an application-level preSerialization, and an onSend for the fallback. */
export interface EarlyRoutes {
  preSerialization: preSerializationHookHandler<unknown>
  onSend: EarlyOnSend
}

/** Builds the early routes' hooks; each route is resolved once, and warned about once. */
export function createEarlyRoutes (base: ResolvedRouteOptions, log: FastifyBaseLogger): EarlyRoutes {
  const routes = new WeakMap<object, EarlyRoute>()

  function findRoute (instance: FastifyInstance, request: FastifyRequest): EarlyRoute | null {
    if (request.is404) return null
    const routeOptions = request.routeOptions
    const config = routeOptions.config as { [kRouteHooked]?: true, method: string, url: string }
    if (config[kRouteHooked] === true) return null
    let route = routes.get(config)
    if (route === undefined) {
      const name = `${config.method} ${config.url}`
      const settings = resolveRouteSettings({ ...routeOptions, method: config.method, url: config.url } as unknown as RouteOptions, base)
      const response = routeOptions.schema?.response
      let built = Promise.resolve()
      // Without response schemas the route is served as a route added after the plugin is.
      if (response !== null && typeof response === 'object') {
        log.warn(`fastify-temporary-response: ${name} was added before the plugin loaded; it gets its response model at its first request, and an unusable response schema fails its requests instead of ready(). Await the registration, or add routes in a plugin registered after it`)
        built = buildResponseModels([{ settings, response, instance, route: name, standard: null }])
      }
      // Awaited by every request; never an unhandled rejection before the first one does.
      built.catch(noop)
      route = { settings, built, onSend: createOnSend(settings), preSerialization: createPreSerialization(settings) }
      routes.set(config, route)
    }
    return route
  }

  /** Runs `step` once the route's model is built; a model that cannot be built fails the request, not its error response. */
  function whenBuilt (route: EarlyRoute, request: FastifyRequest, done: Done, step: () => void): void {
    route.built.then(step, (error: Error) => isErrorResponse(request) ? step() : done(error))
  }

  return {
    preSerialization: function preSerializationEarlyRoute (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply, payload: unknown, done: Done) {
      const route = findRoute(this, request)
      if (route === null) return done(null, payload)
      whenBuilt(route, request, done, () => route.preSerialization.call(this, request, reply, payload, done))
    },
    onSend (instance, request, reply, payload, done) {
      const route = findRoute(instance, request)
      if (route === null) return false
      whenBuilt(route, request, done, () => route.onSend.call(instance, request, reply, payload, done))
      return true
    }
  }
}

function noop (): void {}
