import type { FastifyReply, FastifyRequest } from 'fastify'
import { isExposable, mergeTokenList, splitList } from './expose-headers.ts'
import type { ResolvedRouteOptions } from './options.ts'
import type { ResponseModel } from './response-model.ts'
import { findStatusModel } from './response-model.ts'
import { FST_TEMP_RESPONSE_INVALID_RESPONSE } from './errors.ts'
import { stagedValue } from './headers.ts'
import type { TemporaryHeaders } from './headers.ts'
import { kAppliedStatus, kCookies, kFailed, kHeaders, kNames, kObsText, kSealed, kUndo, kValues, kWritten } from './symbols.ts'
import type { TemporaryResponse } from './temporary-response.ts'
import { sealTemporaryResponse } from './temporary-response.ts'

/** What the merge needs to know about a route, resolved once at registration. */
export interface RouteSettings extends ResolvedRouteOptions {
  model: ResponseModel | null
  /** Declared header names that may be exposed, or an empty list. */
  declaredExposable: readonly string[]
}

/** The Content-Type values Fastify picks when the reply has none (lib/reply.js). */
const defaultContentTypes = new Set([
  'application/json; charset=utf-8',
  'text/plain; charset=utf-8',
  'application/octet-stream'
])
// RFC 9110 15.3.5, 15.3.6, 15.4.5: no content.
const noBodyStatuses = new Set([204, 205, 304])

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

/** Marks the holder as failing and undoes what a merge that an error overtook wrote. */
export function markFailed (holder: TemporaryResponse, reply: FastifyReply): void {
  holder[kFailed] = true
  if (holder[kAppliedStatus] !== 0 && reply.raw.statusCode === holder[kAppliedStatus]) {
    reply.raw.statusCode = 200
  }
  holder[kAppliedStatus] = 0
  const written = holder[kWritten]
  if (written !== 0) {
    holder[kWritten] = 0
    const names = (holder[kHeaders] as TemporaryHeaders)[kNames]
    for (let i = 0; i < names.length && i < cookieBit; i++) {
      if ((written & (1 << i)) !== 0) reply.removeHeader(names[i])
    }
    if ((written & (1 << cookieBit)) !== 0) reply.removeHeader('set-cookie')
  }
  const undo = holder[kUndo]
  if (undo === null) return
  holder[kUndo] = null
  for (let i = undo.length - 2; i >= 0; i -= 2) {
    const name = undo[i] as string
    reply.removeHeader(name)
    if (undo[i + 1] !== undefined) reply.header(name, undo[i + 1])
  }
}

// Bits 0-30 of kWritten stand for staged names by index, bit 31 for Set-Cookie.
const cookieBit = 31

/**
 * Writes one header, remembering how to undo it: a bit when the reply had none
 * (no allocation, the common case), the previous value otherwise.
 */
function writeHeader (holder: TemporaryResponse, reply: FastifyReply, name: string, value: unknown, previous: unknown, bit: number): void {
  if (previous === undefined && bit <= cookieBit) {
    holder[kWritten] |= 1 << bit
  } else {
    const undo = holder[kUndo] ?? (holder[kUndo] = [])
    undo.push(name, Array.isArray(previous) ? previous.slice() : previous)
  }
  reply.header(name, value)
}

function isKept (keep: boolean | ReadonlySet<string>, name: string): boolean {
  return keep === true || (keep !== false && keep.has(name))
}

/** Writes staged headers into the reply by the precedence rules. */
function writeStagedHeaders (headers: TemporaryHeaders, holder: TemporaryResponse, reply: FastifyReply, keep: boolean | ReadonlySet<string>): void {
  const names = headers[kNames]
  const values = headers[kValues]
  for (let i = 0; i < names.length; i++) {
    const name = names[i]
    if (!isKept(keep, name)) continue
    const value = values[i]
    const current = reply.getHeader(name)
    // Past bit 30, a name is undone through the list like a replaced value.
    const bit = i < cookieBit ? i : cookieBit + 1
    if (name === 'vary') {
      // Lower-cased: @fastify/compress, when its onSend runs later, looks for
      // 'accept-encoding' case-sensitively before appending its own.
      writeHeader(holder, reply, name, mergeTokenList(current, splitList(value.toLowerCase()), true), current, bit)
    } else if (name === 'access-control-expose-headers') {
      writeHeader(holder, reply, name, mergeTokenList(current, splitList(value)), current, bit)
    } else if (current === undefined || (name === 'content-type' && defaultContentTypes.has(current as string))) {
      writeHeader(holder, reply, name, value, current, bit)
    }
  }
  if (headers[kCookies].length !== 0 && isKept(keep, 'set-cookie')) {
    // Fastify appends Set-Cookie values, so the reply's own lines stay first.
    writeHeader(holder, reply, 'set-cookie', headers[kCookies], reply.getHeader('set-cookie'), cookieBit)
  }
}

/** Checks staged values of the declared headers of the final status. */
function checkDeclaredHeaders (holder: TemporaryResponse, model: ResponseModel, statusCode: number): Error | null {
  const headers = holder[kHeaders]
  const status = headers === null ? undefined : findStatusModel(model, statusCode)
  if (status === undefined) return null
  for (const { name, check } of status.headers) {
    const value = stagedValue(headers as TemporaryHeaders, name)
    if (value !== undefined && !check(value)) {
      const error = new FST_TEMP_RESPONSE_INVALID_RESPONSE(statusCode)
      Object.assign(error, { details: [{ path: `headers/${name}`, message: 'Staged value does not match the declared header schema' }] })
      return error
    }
  }
  return null
}

/** Discards a body that the staged status forbids, releasing a stream. */
function dropBody (reply: FastifyReply, payload: unknown): null {
  reply.removeHeader('content-type')
  reply.removeHeader('content-length')
  const body = payload as { resume?: () => void, on?: (e: string, f: () => void) => void, cancel?: () => Promise<void> } | null
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
 * Access-Control-Expose-Headers, on CORS responses only.
 */
export function exposeNames (request: FastifyRequest, reply: FastifyReply, holder: TemporaryResponse | null, settings: RouteSettings): void {
  if (!reply.hasHeader('access-control-allow-origin')) return
  // A preflight is @fastify/cors's business.
  if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) return
  const staged = settings.exposeStaged ? holder?.[kHeaders] : undefined
  let names = settings.declaredExposable
  if (staged != null && staged[kNames].length !== 0) {
    // The staged names that were sent (kept, on an error response), then the declared ones.
    const keep = (holder as TemporaryResponse)[kFailed] ? settings.keepOnError : true
    const list: string[] = []
    for (const name of staged[kNames]) {
      if (isKept(keep, name) && isExposable(name)) list.push(name)
    }
    for (const name of names) {
      if (!list.includes(name)) list.push(name)
    }
    names = list
  }
  if (names.length === 0) return
  const current = reply.getHeader('access-control-expose-headers')
  // Names are lower-case and distinct already: with nothing to merge into, join them.
  reply.header('access-control-expose-headers', current === undefined ? names.join(', ') : mergeTokenList(current, names))
}

/**
 * Merges the holder into the reply: status, headers, cookies, no-body statuses
 * and CORS exposure, by the rules in the README. Returns the payload to send on,
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
  if (!failed && !fromResponse) applyStagedStatus(holder, reply)
  if (!failed && settings.validateResponse && settings.model !== null) {
    const error = checkDeclaredHeaders(holder, settings.model, reply.raw.statusCode)
    if (error !== null) return error
  }
  const headers = holder[kHeaders]
  if (headers !== null) {
    writeStagedHeaders(headers, holder, reply, failed ? settings.keepOnError : true)
    // Node writes the head and a string body in one write, in the body's encoding (UTF-8),
    // which would re-encode obs-text in a header (nodejs/node#42579). A Buffer body does not.
    if (headers[kObsText] && typeof payload === 'string') payload = Buffer.from(payload)
  }
  const applied = holder[kAppliedStatus]
  if (applied !== 0 && reply.raw.statusCode === applied && noBodyStatuses.has(applied)) {
    payload = dropBody(reply, payload)
  }
  if (settings.exposeDeclared) exposeNames(request, reply, holder, settings)
  return payload
}
