// The merge: what a holder staged goes into the reply in onSend, in the order of the precedence
// table in docs/merge.md (status, headers, cookies, no-body statuses, CORS exposure), and every
// header it writes is recorded, so that an error that overtakes it can take it all back.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { isExposable, mergeTokenList } from './expose-headers.ts'
import { FST_TEMP_RESPONSE_INVALID_RESPONSE } from '../errors.ts'
import { stagedValue } from '../holder/headers.ts'
import type { TemporaryHeaders } from '../holder/headers.ts'
import type { ResolvedRouteOptions } from '../options.ts'
import type { ResponseEncoder } from '../model/response-encoder.ts'
import type { ResponseModel } from '../model/response-model.ts'
import { findStatusModel } from '../model/response-model.ts'
import { kAppliedStatus, kCookies, kEntries, kFailed, kHeaders, kObsText, kSealed, kUndo } from '../symbols.ts'
import type { TemporaryResponse } from '../holder/temporary-response.ts'
import { sealTemporaryResponse } from '../holder/temporary-response.ts'

/** What the merge needs to know about a route, resolved once at registration. */
export interface RouteSettings extends ResolvedRouteOptions {
  model: ResponseModel | null
  /** The codecs of the response schemas, built at `ready()`; `null` when they have none. */
  encoder: ResponseEncoder | null
  /** Declared header names that may be exposed, or an empty list. */
  declaredExposable: readonly string[]
  /** The names the route's last successful response exposed, reused while requests stage the same. */
  exposed: ExposedNames | null
}

/** What a response exposes, for the staged names it had. */
export interface ExposedNames {
  /** The staged names the list was made for, in order. */
  readonly staged: readonly string[]
  /** The names to expose: staged then declared, lower-case and distinct. */
  readonly names: readonly string[]
  /** `names` joined with `, `. */
  readonly joined: string
}

/** The Content-Type values Fastify picks when the reply has none (lib/reply.js). */
const defaultContentTypes = new Set([
  'application/json; charset=utf-8',
  'text/plain; charset=utf-8',
  'application/octet-stream'
])

/** Statuses that carry no content (RFC 9110 15.3.5, 15.3.6, 15.4.5). */
export const noBodyStatuses = new Set([204, 205, 304])

/** Which staged headers a merge writes: all, or on an error response the route's keepOnError. */
type Keep = boolean | ReadonlySet<string>

function isKept (keep: Keep, name: string): boolean {
  return keep === true || (keep !== false && keep.has(name))
}

/**
 * Merges the holder into the reply: status, headers, cookies, no-body statuses
 * and CORS exposure, by the rules in docs/merge.md. Returns the payload to send on,
 * or an Error when a staged value breaks a declared header schema.
 */
export function mergeTemporaryResponse (
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  holder: TemporaryResponse,
  settings: RouteSettings,
  fromResponse: boolean
): unknown {
  if (holder[kSealed] && !holder[kFailed]) return payload
  sealTemporaryResponse(holder)
  const failed = holder[kFailed]
  // An error response merged again (its own onSend failed and the next error handler
  // answers) starts from what the reply had: nothing is written twice.
  if (failed) undoMerge(holder, reply)
  if (!failed && !fromResponse) applyStagedStatus(holder, reply)
  const headers = holder[kHeaders]
  let unsent: ReadonlySet<string> | null = null
  if (headers !== null) {
    if (!failed && settings.model?.declaresHeaders === true) {
      const error = checkDeclaredHeaders(headers, reply, settings.model, reply.raw.statusCode)
      if (error !== null) return error
    }
    unsent = writeStagedHeaders(headers, holder, reply, failed ? settings.keepOnError : true, failed ? settings.model : null)
    // Node writes the head and a string body in one write, in the body's encoding (UTF-8),
    // which would re-encode obs-text in a header (nodejs/node#42579). A Buffer body does not.
    if (headers[kObsText] && typeof payload === 'string') payload = Buffer.from(payload)
  }
  const applied = holder[kAppliedStatus]
  if (applied !== 0 && reply.raw.statusCode === applied && noBodyStatuses.has(applied)) {
    payload = dropBody(reply, payload)
  }
  if (settings.exposeDeclared) exposeNames(request, reply, holder, settings, unsent)
  return payload
}

/**
 * Applies the staged status, unless the reply's own status was set to something
 * other than 200. It is written to `reply.raw` rather than with `reply.code()`,
 * so an error later on computes its status as if nothing had been staged.
 */
export function applyStagedStatus (holder: TemporaryResponse, reply: FastifyReply): void {
  const staged = holder.statusCode
  if (staged === undefined) return
  const current = reply.raw.statusCode
  if (current === 200 || current === holder[kAppliedStatus]) {
    reply.raw.statusCode = staged
    holder[kAppliedStatus] = staged
  }
}

/** Checks the staged values of the final status's declared headers that will be sent. */
function checkDeclaredHeaders (headers: TemporaryHeaders, reply: FastifyReply, model: ResponseModel, statusCode: number): Error | null {
  const status = findStatusModel(model, statusCode)
  if (status === undefined) return null
  for (const { name, check } of status.headers) {
    const value = stagedValue(headers, name)
    // An explicit header of the same name wins, so the staged value never reaches the wire.
    if (value !== undefined && !reply.hasHeader(name) && !check(value)) {
      const error = new FST_TEMP_RESPONSE_INVALID_RESPONSE(statusCode)
      Object.assign(error, { details: [{ path: `headers/${name}`, message: 'Staged value does not match the declared header schema' }] })
      return error
    }
  }
  return null
}

/** Whether a staged value fails a declaration of its name in any status: such a value is never kept on an error response. */
function failsDeclaration (model: ResponseModel, name: string, value: string): boolean {
  for (const status of model.statuses.values()) {
    for (const header of status.headers) {
      if (header.name === name && !header.check(value)) return true
    }
  }
  return false
}

/**
 * Writes staged headers, then cookies, into the reply by the precedence rules. On an error
 * response (`model` given), a kept value that a declared header schema refuses stays behind.
 * Returns the staged names (not `set-cookie`) whose value was not sent, or `null` when all were.
 */
function writeStagedHeaders (headers: TemporaryHeaders, holder: TemporaryResponse, reply: FastifyReply, keep: Keep, model: ResponseModel | null): Set<string> | null {
  let unsent: Set<string> | null = null
  for (const [name, staged] of headers[kEntries]) {
    if (isKept(keep, name) && (model?.declaresHeaders !== true || !failsDeclaration(model, name, staged))) {
      const current = reply.getHeader(name)
      const value = mergedValue(name, staged, current)
      if (value !== undefined) {
        writeHeader(holder, reply, name, value, current)
        continue
      }
    }
    (unsent ??= new Set()).add(name)
  }
  const cookies = headers[kCookies]
  if (cookies.length !== 0 && isKept(keep, 'set-cookie')) {
    const current = reply.getHeader('set-cookie')
    // Fastify appends Set-Cookie values, so the reply's own lines stay first. Lines set on
    // reply.raw alone would be replaced by Fastify's at writeHead: carry them over.
    const onRawOnly = current !== undefined && current === reply.raw.getHeader('set-cookie')
    writeHeader(holder, reply, 'set-cookie', onRawOnly ? [...[current].flat(), ...cookies] : cookies, current)
  }
  return unsent
}

/**
 * The value a staged header is written with, given what the reply has: token lists are
 * merged, anything else is written only where the reply has none (or Fastify's default
 * Content-Type). `undefined`: the reply's own value wins.
 */
function mergedValue (name: string, value: string, current: unknown): unknown {
  // Lower-cased: @fastify/compress, when its onSend runs later, looks for
  // 'accept-encoding' case-sensitively before appending its own.
  if (name === 'vary') return mergeTokenList(current, value.toLowerCase().split(','), true)
  if (name === 'access-control-expose-headers') return mergeTokenList(current, value.split(','))
  if (current === undefined || (name === 'content-type' && defaultContentTypes.has(current as string))) return value
  return undefined
}

/** Discards a body that the staged status forbids, releasing a stream. */
function dropBody (reply: FastifyReply, payload: unknown): null {
  reply.removeHeader('content-type')
  reply.removeHeader('content-length')
  const body = payload as { resume?: () => void, cancel?: () => Promise<void> } | null
  if (body !== null && typeof body === 'object') {
    if (typeof body.resume === 'function') {
      (body as NodeJS.ReadableStream).on('error', noop)
      body.resume()
    } else if (typeof body.cancel === 'function') {
      body.cancel().catch(noop)
    }
  }
  return null
}

function noop (): void {}

/**
 * Adds the staged names that were sent and the declared ones to
 * Access-Control-Expose-Headers, on CORS responses only. `unsent`: the staged names
 * whose value the merge did not send (the reply's own won, or not kept on an error).
 */
export function exposeNames (
  request: FastifyRequest,
  reply: FastifyReply,
  holder: TemporaryResponse | null,
  settings: RouteSettings,
  unsent: ReadonlySet<string> | null = null
): void {
  if (!reply.hasHeader('access-control-allow-origin')) return
  // A preflight is @fastify/cors's business.
  if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) return
  const exposed = findExposedNames(holder, settings, unsent)
  if (exposed.names.length === 0) return
  const current = reply.getHeader('access-control-expose-headers')
  // Names are lower-case and distinct already: with nothing to merge into, they are joined once.
  const value = current === undefined ? exposed.joined : mergeTokenList(current, exposed.names)
  if (holder === null) reply.header('access-control-expose-headers', value)
  else writeHeader(holder, reply, 'access-control-expose-headers', value, current)
}

const noNames: readonly string[] = []

/**
 * The staged names that were sent (kept, on an error response), then the declared ones. A route's
 * requests mostly stage the same names and send them all, so the list of such a response is kept
 * on the route and reused while they do; a response where a staged value lost (or an error
 * response) gets a list of its own and leaves the kept one alone.
 */
function findExposedNames (holder: TemporaryResponse | null, settings: RouteSettings, unsent: ReadonlySet<string> | null): ExposedNames {
  const staged = settings.exposeStaged ? holder?.[kHeaders]?.[kEntries] : undefined
  const reusable = unsent === null && holder?.[kFailed] !== true
  const last = settings.exposed
  if (reusable && last !== null && isSameNames(last.staged, staged)) return last
  const names: string[] = []
  if (staged !== undefined) {
    for (const name of staged.keys()) {
      if (isExposable(name) && (unsent === null || !unsent.has(name))) names.push(name)
    }
  }
  for (const name of settings.declaredExposable) {
    if (!names.includes(name)) names.push(name)
  }
  const exposed = { staged: staged === undefined ? noNames : Array.from(staged.keys()), names, joined: names.join(', ') }
  if (reusable) settings.exposed = exposed
  return exposed
}

/** Whether the staged names are those of a kept list, in the same order. */
function isSameNames (list: readonly string[], staged: ReadonlyMap<string, string> | undefined): boolean {
  if (staged === undefined) return list.length === 0
  if (list.length !== staged.size) return false
  let i = 0
  for (const name of staged.keys()) {
    if (name !== list[i++]) return false
  }
  return true
}

// Every header a merge writes is recorded as name, previous value (undefined: the reply had
// none), so that an error overtaking the merge, or a second merge of the same holder, can take
// it back. The list is created by the first write: a merge that writes nothing allocates nothing.

/** Writes one header into the reply, first recording what the reply had under that name. */
export function writeHeader (holder: TemporaryResponse, reply: FastifyReply, name: string, value: unknown, previous: unknown): void {
  const undo = holder[kUndo] ?? (holder[kUndo] = [])
  // Fastify appends Set-Cookie lines into the array it holds: keep a copy of the old lines.
  undo.push(name, Array.isArray(previous) ? previous.slice() : previous)
  reply.header(name, value)
}

/** Takes back every recorded write, newest first, leaving the reply as the merge found it. */
export function undoMerge (holder: TemporaryResponse, reply: FastifyReply): void {
  const undo = holder[kUndo]
  if (undo === null) return
  holder[kUndo] = null
  for (let i = undo.length - 2; i >= 0; i -= 2) {
    const name = undo[i] as string
    const previous = undo[i + 1]
    reply.removeHeader(name)
    if (previous !== undefined) reply.header(name, previous)
  }
}

/** Marks the holder as failing, and undoes the staged status and what a merge wrote. */
export function markFailed (holder: TemporaryResponse, reply: FastifyReply): void {
  holder[kFailed] = true
  if (holder[kAppliedStatus] !== 0 && reply.raw.statusCode === holder[kAppliedStatus]) {
    reply.raw.statusCode = 200
  }
  holder[kAppliedStatus] = 0
  undoMerge(holder, reply)
}
