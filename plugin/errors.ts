import createError from '@fastify/error'

// Every error the package throws, in one place (fastify/fastify lib/errors.js).
// Codes are public and stable: see the table in docs/errors.md.

/** A header name that is not an RFC 9110 token. */
export const FST_TEMP_RESPONSE_INVALID_HEADER_NAME = createError(
  'FST_TEMP_RESPONSE_INVALID_HEADER_NAME',
  'Header name must be an RFC 9110 token, instead got %s',
  500,
  TypeError
)

/** A header value that Node's HTTP layer would refuse to send. */
export const FST_TEMP_RESPONSE_INVALID_HEADER_VALUE = createError(
  'FST_TEMP_RESPONSE_INVALID_HEADER_VALUE',
  'Header "%s" has a value with a character HTTP cannot carry (CR, LF, NUL, another control character, or above U+00FF)',
  500,
  TypeError
)

/** A framing or connection-specific header: Node's and Fastify's to write, and forbidden in HTTP/2. */
export const FST_TEMP_RESPONSE_FORBIDDEN_HEADER = createError(
  'FST_TEMP_RESPONSE_FORBIDDEN_HEADER',
  'Header "%s" frames the HTTP message or is connection-specific (forbidden in HTTP/2) and cannot be staged; Fastify and Node.js frame the message and manage the connection',
  500,
  TypeError
)

/** A status code outside 200-599. */
export const FST_TEMP_RESPONSE_INVALID_STATUS_CODE = createError(
  'FST_TEMP_RESPONSE_INVALID_STATUS_CODE',
  'statusCode must be an integer from 200 to 599, instead got %s',
  500,
  RangeError
)

/** A cookie name that is not an RFC 6265 token. */
export const FST_TEMP_RESPONSE_INVALID_COOKIE_NAME = createError(
  'FST_TEMP_RESPONSE_INVALID_COOKIE_NAME',
  'Cookie name must be an RFC 6265 token, instead got %s',
  500,
  TypeError
)

/** A cookie value that is not a string, or cannot be percent-encoded (a lone UTF-16 surrogate). */
export const FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE = createError(
  'FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE',
  'Cookie "%s": the value must be a string without lone UTF-16 surrogates, instead got %s',
  500,
  TypeError
)

/** A cookie option that is malformed or breaks a rule browsers enforce. */
export const FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION = createError(
  'FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION',
  'Cookie "%s": %s',
  500,
  TypeError
)

/** `signed: true` without a signer: `@fastify/cookie` is not registered with a `secret` in the route's context. */
export const FST_TEMP_RESPONSE_MISSING_COOKIE_SIGNER = createError(
  'FST_TEMP_RESPONSE_MISSING_COOKIE_SIGNER',
  'Cookie "%s": signed: true needs @fastify/cookie registered with a secret in the route\'s context (fastify.signCookie is missing)',
  500,
  TypeError
)

/** A write to request.response after it was merged into the reply. */
export const FST_TEMP_RESPONSE_ALREADY_SENT = createError(
  'FST_TEMP_RESPONSE_ALREADY_SENT',
  'request.response was already merged into the reply; %s has no effect now. Stage it before onSend, or use reply directly',
  500
)

/** Data or a declared header that does not match the route's response schema. */
export const FST_TEMP_RESPONSE_INVALID_RESPONSE = createError(
  'FST_TEMP_RESPONSE_INVALID_RESPONSE',
  'Response does not match the schema of status %s',
  500
)

/** A response schema the plugin cannot check, found when the checkers are built at `ready()`. */
export const FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA = createError(
  'FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA',
  'The response schema of %s (status %s) cannot be checked: %s. Fix the schema, or set validateResponse: false for this route',
  500
)

/** A plugin or route option with the wrong type or value. */
export const FST_TEMP_RESPONSE_INVALID_OPTION = createError(
  'FST_TEMP_RESPONSE_INVALID_OPTION',
  'Option %s must be %s, instead got %s',
  500,
  TypeError
)

/** The plugin registered twice on one instance tree. */
export const FST_TEMP_RESPONSE_ALREADY_REGISTERED = createError(
  'FST_TEMP_RESPONSE_ALREADY_REGISTERED',
  'fastify-temporary-response is already registered; register it once, at the root, before the routes it serves',
  500
)
