import type { FastifyCorsOptions } from '@fastify/cors'
import { describe } from './describe.ts'
import { FST_TEMP_RESPONSE_INVALID_OPTION } from './errors.ts'

/** The options that both the plugin and a route's `config.temporaryResponse` take. */
interface SharedOptions {
  /**
   * Which header names are added to `Access-Control-Expose-Headers` on CORS responses:
   * `'staged'` (staged and declared ones), `'declared'` (declared ones only) or `false` (none).
   * @default 'staged'
   */
  exposeHeaders?: 'staged' | 'declared' | false
  /**
   * Staged headers that survive onto error responses: `false` (none), `true` (all,
   * cookies included) or a list of header names (case-insensitive; `'set-cookie'`
   * keeps the staged cookies).
   * @default false
   */
  keepOnError?: boolean | string[]
  /**
   * Validate returned data (strings, pre-serialized JSON and Buffers included), and
   * staged values of declared headers, against the response schema of the final
   * status. A mismatch, or a final status without a schema, becomes a 500 error
   * response. Streams, a returned Web `Response` and `reply.hijack()` bypass it.
   * @default true
   */
  validateResponse?: boolean
}

/** Options that a route may override in `config.temporaryResponse`. */
export interface TemporaryResponseRouteOptions extends SharedOptions {
  /** Not a route option: CORS is registered once, with the plugin options. */
  cors?: never
}

/** Options of the plugin. All but `cors` may be overridden per route in `config.temporaryResponse`. */
export interface FastifyTemporaryResponseOptions extends SharedOptions {
  /**
   * Registers `@fastify/cors` with these options (it must be installed), wired to
   * expose staged and declared headers. `false` leaves CORS to you: a `@fastify/cors`
   * you register yourself is exposed to just the same.
   * @default false
   */
  cors?: FastifyCorsOptions | false
}

/** Route options after validation, with defaults applied and names lower-cased. */
export interface ResolvedRouteOptions {
  exposeStaged: boolean
  exposeDeclared: boolean
  /** `true`: keep all; a Set: keep those lower-case names; `false`: keep none. */
  keepOnError: boolean | ReadonlySet<string>
  validateResponse: boolean
}

const exposeValues = ['staged', 'declared', false]
const routeOptionNames = new Set(['exposeHeaders', 'keepOnError', 'validateResponse'])
// Fastify hands its own register options (fastify.register(plugin, { prefix })) to every plugin.
const pluginOptionNames = new Set([...routeOptionNames, 'cors', 'prefix', 'logLevel', 'logSerializers'])

function invalid (name: string, expected: string, value: unknown): never {
  throw new FST_TEMP_RESPONSE_INVALID_OPTION(name, expected, describe(value))
}

/**
 * Validates options and resolves them over `base`. Throws a coded TypeError that
 * names the option, as @fastify/cors does for its own.
 */
export function resolveRouteOptions (
  options: SharedOptions,
  base: ResolvedRouteOptions,
  where: string
): ResolvedRouteOptions {
  if (options === null || typeof options !== 'object') {
    invalid(where, 'an object', options)
  }
  // A misspelled option would be ignored silently (a `validateResponses: false` leaving validation
  // on), and cors is registered once, for all routes.
  const [names, expected] = where === 'options'
    ? [pluginOptionNames, 'an object of cors, exposeHeaders, keepOnError and validateResponse']
    : [routeOptionNames, 'an object of exposeHeaders, keepOnError and validateResponse']
  for (const key of Object.keys(options)) {
    if (!names.has(key)) invalid(where, expected, key)
  }
  const { exposeHeaders, keepOnError, validateResponse } = options
  const resolved = { ...base }
  if (exposeHeaders !== undefined) {
    if (!exposeValues.includes(exposeHeaders)) {
      invalid(`${where}.exposeHeaders`, "'staged', 'declared' or false", exposeHeaders)
    }
    resolved.exposeStaged = exposeHeaders === 'staged'
    resolved.exposeDeclared = exposeHeaders !== false
  }
  if (keepOnError !== undefined) {
    resolved.keepOnError = resolveKeepOnError(keepOnError, `${where}.keepOnError`)
  }
  if (validateResponse !== undefined) {
    if (typeof validateResponse !== 'boolean') invalid(`${where}.validateResponse`, 'a boolean', validateResponse)
    resolved.validateResponse = validateResponse
  }
  return resolved
}

function resolveKeepOnError (value: unknown, name: string): boolean | ReadonlySet<string> {
  if (typeof value === 'boolean') return value
  if (!Array.isArray(value) || !value.every(item => typeof item === 'string')) {
    return invalid(name, 'a boolean or an array of header names', value)
  }
  return new Set(value.map(item => item.toLowerCase()))
}

/** The defaults of every route option. */
export const defaultRouteOptions: ResolvedRouteOptions = {
  exposeStaged: true,
  exposeDeclared: true,
  keepOnError: false,
  validateResponse: true
}

/** Validates the plugin options; returns the CORS options to register, if any, and the route defaults. */
export function normalizeOptions (options: FastifyTemporaryResponseOptions): {
  cors: FastifyCorsOptions | false
  route: ResolvedRouteOptions
} {
  const route = resolveRouteOptions(options, defaultRouteOptions, 'options')
  const cors = options.cors === undefined ? false : options.cors
  if (cors !== false && (cors === null || typeof cors !== 'object')) {
    invalid('options.cors', '@fastify/cors options (an object) or false', cors)
  }
  return { cors, route }
}
