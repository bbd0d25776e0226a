import { test } from 'tap'
import * as errors from '../plugin/errors.ts'
import * as publicApi from '../plugin/index.ts'

type ErrorConstructor = new (...args: unknown[]) => Error & { code: string, statusCode: number }

// code -> [base class, status, constructor arguments, message]
const expected: Record<string, [Function, number, string[], string]> = {
  FST_TEMP_RESPONSE_INVALID_HEADER_NAME: [
    TypeError, 500, ['"a b"'],
    'Header name must be an RFC 9110 token, instead got "a b"'
  ],
  FST_TEMP_RESPONSE_INVALID_HEADER_VALUE: [
    TypeError, 500, ['x-a'],
    'Header "x-a" has a value with a character HTTP cannot carry (CR, LF, NUL, another control character, or above U+00FF)'
  ],
  FST_TEMP_RESPONSE_FORBIDDEN_HEADER: [
    TypeError, 500, ['content-length'],
    'Header "content-length" frames the HTTP message or is connection-specific (forbidden in HTTP/2) and cannot be staged; Fastify and Node.js frame the message and manage the connection'
  ],
  FST_TEMP_RESPONSE_INVALID_STATUS_CODE: [
    RangeError, 500, ['1000'],
    'statusCode must be an integer from 200 to 599, instead got 1000'
  ],
  FST_TEMP_RESPONSE_INVALID_COOKIE_NAME: [
    TypeError, 500, ['"a;b"'],
    'Cookie name must be an RFC 6265 token, instead got "a;b"'
  ],
  FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE: [
    TypeError, 500, ['sid', '42'],
    'Cookie "sid": the value must be a string without lone UTF-16 surrogates, instead got 42'
  ],
  FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION: [
    TypeError, 500, ['sid', 'partitioned requires secure: true'],
    'Cookie "sid": partitioned requires secure: true'
  ],
  FST_TEMP_RESPONSE_MISSING_COOKIE_SIGNER: [
    TypeError, 500, ['sid'],
    'Cookie "sid": signed: true needs @fastify/cookie registered with a secret in the route\'s context (fastify.signCookie is missing)'
  ],
  FST_TEMP_RESPONSE_ALREADY_SENT: [
    Error, 500, ['setCookie()'],
    'request.response was already merged into the reply; setCookie() has no effect now. Stage it before onSend, or use reply directly'
  ],
  FST_TEMP_RESPONSE_INVALID_RESPONSE: [
    Error, 500, ['201'],
    'Response does not match the schema of status 201'
  ],
  FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA: [
    Error, 500, ['GET /users', '200', 'format "x" is known to no format registry'],
    'The response schema of GET /users (status 200) cannot be checked: format "x" is known to no format registry. Fix the schema, or set validateResponse: false for this route'
  ],
  FST_TEMP_RESPONSE_INVALID_OPTION: [
    TypeError, 500, ['options.validateResponse', 'a boolean', '"yes"'],
    'Option options.validateResponse must be a boolean, instead got "yes"'
  ],
  FST_TEMP_RESPONSE_ALREADY_REGISTERED: [
    Error, 500, [],
    'fastify-temporary-response is already registered; register it once, at the root, before the routes it serves'
  ]
}

const constructors = errors as unknown as Record<string, ErrorConstructor>

test('errors.ts exports exactly the expected FST_TEMP_RESPONSE_* constructors', async (t) => {
  t.same(Object.keys(errors).sort(), Object.keys(expected).sort())
})

test('index.ts re-exports every error constructor unchanged', async (t) => {
  const exported = publicApi as unknown as Record<string, unknown>
  for (const code of Object.keys(expected)) {
    t.equal(exported[code], constructors[code], code)
  }
})

for (const [code, [Base, statusCode, args, message]] of Object.entries(expected)) {
  test(`${code}: code, status, message and class`, async (t) => {
    const Ctor = constructors[code]
    const err = new Ctor(...args)
    t.equal(err.code, code)
    t.equal(err.statusCode, statusCode)
    t.equal(err.message, message)
    t.equal(err.name, 'FastifyError')
    t.ok(err instanceof Ctor, 'instanceof its own constructor')
    t.ok(err instanceof Base, `instanceof ${Base.name}`)
    t.ok(err instanceof Error, 'instanceof Error')
    if (Base === Error) {
      t.notOk(err instanceof TypeError, 'not a TypeError')
      t.notOk(err instanceof RangeError, 'not a RangeError')
    }
    t.type(err.stack, 'string')
  })
}

test('instanceof tells the codes apart', async (t) => {
  const codes = Object.keys(expected)
  for (const code of codes) {
    const err = new constructors[code]('x', 'y', 'z')
    for (const other of codes) {
      if (other !== code) t.notOk(err instanceof constructors[other], `${code} is not ${other}`)
    }
  }
})
