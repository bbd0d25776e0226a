// Internal state lives behind symbols (fastify/fastify lib/symbols.js), so it is
// invisible to users and cannot collide with other decorators.

/** The request's holder; `null` until `request.response` is first read. */
export const kTemporaryResponse = Symbol('fastify-temporary-response.holder')
/** Holder: the staged headers, created on first use. */
export const kHeaders = Symbol('fastify-temporary-response.headers')
/** Holder and headers: set once the holder was merged; later writes throw. */
export const kSealed = Symbol('fastify-temporary-response.sealed')
/** Holder: an error response is on its way (set by onError). */
export const kFailed = Symbol('fastify-temporary-response.failed')
/** Holder: the status this plugin wrote into reply.raw, or 0. */
export const kAppliedStatus = Symbol('fastify-temporary-response.applied-status')
/** Holder, to undo a merge: name, previous value, name, ... for each header it wrote; `null` until one. */
export const kUndo = Symbol('fastify-temporary-response.undo')
/** Headers: lower-case name to combined value, in insertion order (never `set-cookie`). */
export const kEntries = Symbol('fastify-temporary-response.entries')
/** Headers: Fetch's sorted and combined list for iteration, `null` until read after a change. */
export const kSorted = Symbol('fastify-temporary-response.sorted')
/** Headers: the staged `Set-Cookie` lines, in order. */
export const kCookies = Symbol('fastify-temporary-response.cookies')
/** Headers: a staged value has a byte above 0x7F. */
export const kObsText = Symbol('fastify-temporary-response.obs-text')
/** Route config: set by onRoute on routes that got the plugin's route-level hooks. */
export const kRouteHooked = Symbol('fastify-temporary-response.route-hooked')
/** Holder: the request it belongs to, for `@fastify/cookie`'s signer; `null` for a holder made by hand. */
export const kRequest = Symbol('fastify-temporary-response.request')
/** Request: the status its body was serialized for (set in preSerialization), or 0 when nothing was serialized. */
export const kSerializedStatus = Symbol('fastify-temporary-response.serialized-status')
/** Request: set to `true` by onError, only on requests that fail; an error response is not the model's. */
export const kErrored = Symbol('fastify-temporary-response.errored')
/** Request: the string the model's serializer wrote for it, or `null`: a body an onSend hook put in its place is checked again. */
export const kSerializedBody = Symbol('fastify-temporary-response.serialized-body')
