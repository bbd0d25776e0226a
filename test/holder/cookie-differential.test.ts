import { types } from 'node:util'
import { test } from 'tap'
import fc from 'fast-check'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import cookie from '@fastify/cookie'
import plugin from '../../plugin/index.ts'
import { createHttpsClient, fieldValues, tls } from '../helpers/wire-client.ts'

// A differential against @fastify/cookie 11's reply.setCookie()/clearCookie(): the same name,
// value and options through both, the Set-Cookie lines compared byte for byte. @fastify/cookie
// gets the plugin's documented defaults explicitly (`path: '/'`, `sameSite: 'lax'`, which apply
// when an option is undefined or null). Every input:
// - accepted by both: the lines are identical;
// - refused by the plugin, accepted by @fastify/cookie: one of the rules below names why;
// - accepted by the plugin, refused by @fastify/cookie: never.

const secret = 'a differential secret, at least 32 characters long'
const maxAgeLimit = 400 * 24 * 60 * 60
const setKeys = ['maxAge', 'expires', 'path', 'domain', 'secure', 'httpOnly', 'sameSite', 'partitioned', 'priority', 'signed']
const clearKeys = ['path', 'domain', 'secure', 'httpOnly', 'sameSite', 'partitioned', 'priority']
const tokenRE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

interface Input {
  clear: boolean
  https: boolean
  name: string
  value: unknown
  options: Record<string, unknown> | undefined
}

type Rule = (input: Input, secure: boolean) => boolean
const isAbsent = (value: unknown) => value === undefined || value === null
const isFlag = (value: unknown) => isAbsent(value) || typeof value === 'boolean'
const isText = (value: unknown) => isAbsent(value) || typeof value === 'string'

/**
 * Where the plugin is stricter than @fastify/cookie: each rule, the error code it gives, and
 * when it applies. The README lists the same rules.
 */
const rules: Record<string, [code: string, applies: Rule]> = {
  'name is not an RFC 6265 token': ['NAME', ({ name }) => !tokenRE.test(name)],
  'value is not a string': ['VALUE', ({ value }) => typeof value !== 'string'],
  'unknown option (clearCookie takes no maxAge, expires, signed)': ['OPTION', ({ clear, options = {} }) =>
    Object.keys(options).some(key => !(clear ? clearKeys : setKeys).includes(key))],
  'option of the wrong type (flags booleans, secure also \'auto\', expires a Date)': ['OPTION', ({ options = {} }) =>
    !['path', 'domain', 'priority'].every(key => isText(options[key])) ||
    !['httpOnly', 'partitioned', 'signed'].every(key => isFlag(options[key])) ||
    !(isFlag(options.secure) || options.secure === 'auto') ||
    !(isAbsent(options.sameSite) || ['string', 'boolean'].includes(typeof options.sameSite)) ||
    !(isAbsent(options.expires) || types.isDate(options.expires))],
  'sameSite: \'none\' without Secure': ['OPTION', ({ options = {} }, secure) =>
    !secure && typeof options.sameSite === 'string' && options.sameSite.toLowerCase() === 'none'],
  'partitioned without Secure': ['OPTION', ({ options = {} }, secure) => !secure && options.partitioned === true],
  '__Secure- prefix without Secure': ['OPTION', ({ name }, secure) => !secure && name.toLowerCase().startsWith('__secure-')],
  '__Host- prefix without Secure, with a Domain, or a Path other than /': ['OPTION', ({ name, options = {} }, secure) =>
    name.toLowerCase().startsWith('__host-') && (!secure || !isAbsent(options.domain) || (options.path ?? '/') !== '/')],
  'maxAge over 400 days': ['OPTION', ({ options = {} }) => typeof options.maxAge === 'number' && options.maxAge > maxAgeLimit]
}

function rulesFor (input: Input): string[] {
  const { secure } = input.options ?? {}
  const resolved = secure === true || (secure === 'auto' && input.https)
  return Object.keys(rules).filter(rule => rules[rule][1](input, resolved))
}

/** The options @fastify/cookie gets: the plugin's defaults made explicit. */
function theirOptions (options: Record<string, unknown> | undefined): Record<string, unknown> {
  return { ...options, path: options?.path ?? '/', sameSite: options?.sameSite ?? 'lax' }
}

function lines (header: string | string[] | undefined): string[] {
  return header === undefined ? [] : [header].flat()
}

/**
 * One route sets the cookie both ways: `reply.setCookie()` and `request.response.setCookie()`.
 * When both accept, the reply carries the two lines (in whichever order the two onSend hooks
 * run), and they must be the same line. When @fastify/cookie refuses, it does so in its onSend
 * hook, and the reply is a 500: the handler noted the plugin's outcome for the test.
 */
async function build (current: { input: Input, code: string | null }): Promise<FastifyInstance> {
  const app = Fastify({ trustProxy: true })
  await app.register(cookie, { secret })
  await app.register(plugin)
  app.get('/', async (request, reply) => {
    const { clear, name, value, options } = current.input
    try {
      if (clear) request.response.clearCookie(name, options as never)
      else request.response.setCookie(name, value as string, options as never)
      current.code = null
    } catch (err) {
      current.code = (err as { code: string }).code
    }
    if (clear) reply.clearCookie(name, theirOptions(options))
    else reply.setCookie(name, value as string, theirOptions(options))
    return 'ok'
  })
  return app
}

const alnum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const ascii = Array.from({ length: 0x7e - 0x20 }, (_, i) => String.fromCharCode(0x21 + i))
const name = fc.oneof(
  { weight: 24, arbitrary: fc.string({ unit: fc.constantFrom(...alnum, ...'!#$%&\'*+-.^_`|~'), minLength: 1, maxLength: 8 }) },
  { weight: 4, arbitrary: fc.constantFrom('__Secure-sid', '__Host-sid', '__secure-x', '__HOST-x', '__Host-', '_Host-x') },
  // allowed by cookie 2's name check, not tokens
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...'ab"(),/:<>?@[\\]{}'), minLength: 1, maxLength: 5 }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'a b', 'a;b', 'a=b', '\u00e9', 'a\u0000') }
)
const valueChar = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...ascii) },
  { weight: 2, arbitrary: fc.constantFrom(' ', '%', ';', ',', '"', '\\', '+', '/', '=', '\t') },
  { weight: 1, arbitrary: fc.constantFrom('\r', '\n', '\u0000', '\u007f', '\u00e9', '\u20ac', '\u{1F408}', '\uD800') }
)
const value = fc.oneof(
  { weight: 20, arbitrary: fc.string({ unit: valueChar, maxLength: 16 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(42, null, undefined, true) }
)

/** Mostly values both should accept, sometimes one that one of them refuses. */
function option (valid: fc.Arbitrary<unknown>, invalid: unknown[]): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 24, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom(...invalid) })
}

const year = (y: number) => new Date(Date.UTC(y, 0, 1))
const options = fc.record({
  maxAge: option(fc.integer({ min: -1000, max: maxAgeLimit }), [maxAgeLimit + 1, 1.5, -1e21, 2 ** 53, NaN, Infinity, '60', null, -0]),
  expires: option(fc.date({ min: year(1601), max: new Date(year(10000).getTime() - 1), noInvalidDate: true }),
    [new Date(NaN), new Date(year(1601).getTime() - 1), year(10000), 1_900_000_000_000, 0, '2030-01-01', null]),
  path: option(fc.constantFrom('/', '/app', '/a b/c', ''), ['/a;b', '/<', '/\u00e9', '/a\nb', 5, null]),
  domain: option(fc.constantFrom('example.com', '.example.com', 'sub.example.com', ''), ['a b', '-bad.com', 'a..b', 'ex_ample.com', 5, null]),
  secure: option(fc.constantFrom(true, true, false, 'auto'), [1, 0, 'yes', null]),
  httpOnly: option(fc.boolean(), [1, 'yes', 0, null]),
  sameSite: option(fc.constantFrom('lax', 'strict', 'none', 'Lax', 'NONE', true, false, 'lax', 'strict'), ['', 'bogus', 1, null]),
  partitioned: option(fc.constantFrom(false, false, true), [1, 'yes', null]),
  priority: option(fc.constantFrom('low', 'medium', 'high', 'HIGH'), ['', 'bogus', 1, null]),
  signed: option(fc.boolean(), [1, 'yes', null]),
  httponly: fc.constant(true),
  encode: fc.constant((text: string) => text)
}, { requiredKeys: [] })
const input = fc.record({
  clear: fc.boolean(),
  https: fc.boolean(),
  name,
  value,
  options: fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 12, arbitrary: options }),
  rarely: fc.nat(19)
}).map(({ rarely, ...generated }): Input => {
  if (generated.options === undefined || rarely === 0) return generated
  // Keys a call does not take only now and then (in one input of 20): each alone refuses it.
  const { httponly, encode, ...known } = generated.options
  if (generated.clear) {
    const { maxAge, expires, signed, ...clearKnown } = known
    return { ...generated, options: clearKnown }
  }
  return { ...generated, options: known }
})

test('every input both accept is the same line as @fastify/cookie\'s, and every other refusal is a documented rule', async t => {
  const current = { input: undefined as unknown as Input, code: null as string | null }
  const app = await build(current)
  t.teardown(() => app.close())
  const counts = { both: 0, neither: 0, signed: 0, auto: 0 }
  const byRule: Record<string, number> = Object.fromEntries(Object.keys(rules).map(rule => [rule, 0]))
  const start = performance.now()
  await fc.assert(fc.asyncProperty(input, async (generated: Input) => {
    current.input = generated
    const headers = generated.https ? { 'x-forwarded-proto': 'https' } : {}
    current.code = 'not run'
    const res = await app.inject({ url: '/', headers })
    const { code } = current
    const context = JSON.stringify({ ...generated, value: String(generated.value) })
    const accepted = res.statusCode === 200
    if (code === null && accepted) {
      const both = lines(res.headers['set-cookie'])
      if (both.length !== 2 || both[0] !== both[1]) throw new Error(`lines differ: ${JSON.stringify(both)} for ${context}`)
      counts.both++
      if (generated.options?.signed === true && !generated.clear) counts.signed++
      if (generated.options?.secure === 'auto') counts.auto++
      return
    }
    if (code === null) throw new Error(`accepted here, refused by @fastify/cookie: ${context}`)
    if (!accepted) {
      counts.neither++
      return
    }
    const applying = rulesFor(generated).filter(rule => code === `FST_TEMP_RESPONSE_INVALID_COOKIE_${rules[rule][0]}`)
    if (applying.length === 0) throw new Error(`refused with ${code} by no documented rule: ${context}`)
    for (const rule of applying) byRule[rule]++
  }), { seed: 20, numRuns: 3000 })
  t.comment(JSON.stringify({ ...counts, refusedHereOnly: byRule, ms: Math.round(performance.now() - start) }))
  t.pass('3000 inputs: no line differs, nothing accepted that @fastify/cookie refuses, every other refusal by a rule')
  t.ok(counts.both > 1000, `${counts.both} identical lines`)
  t.ok(counts.signed > 100, `${counts.signed} of them signed`)
  t.ok(counts.auto > 50, `${counts.auto} of them with secure: 'auto'`)
  for (const [rule, count] of Object.entries(byRule)) t.ok(count > 0, `rule met: ${rule} (${count})`)
})

test('secure: \'auto\' over a real TLS connection and over plain HTTP: the same lines as @fastify/cookie', async t => {
  const cookieOptions = { secure: 'auto', httpOnly: true, path: '/', sameSite: 'lax' } as const
  const served: Record<string, string[]> = {}
  for (const https of [true, false]) {
    const app = (https ? Fastify({ https: tls }) : Fastify()) as unknown as FastifyInstance
    t.teardown(() => app.close())
    await app.register(cookie)
    await app.register(plugin)
    app.get('/ours', async request => {
      request.response.setCookie('sid', 'v', cookieOptions).clearCookie('old', cookieOptions)
      return 'ok'
    })
    app.get('/theirs', async (_request, reply) => {
      reply.setCookie('sid', 'v', cookieOptions).clearCookie('old', cookieOptions)
      return 'ok'
    })
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    for (const path of ['/ours', '/theirs']) {
      if (https) {
        const client = createHttpsClient(address, tls.cert)
        t.teardown(() => client.close())
        served[`https${path}`] = fieldValues(await client.request(path), 'set-cookie')
      } else {
        served[`http${path}`] = (await fetch(`${address}${path}`)).headers.getSetCookie()
      }
    }
  }
  t.same(served['https/ours'], served['https/theirs'])
  t.same(served['http/ours'], served['http/theirs'])
  t.same(served['https/ours'], [
    'sid=v; Path=/; HttpOnly; Secure; SameSite=Lax',
    'old=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax'
  ])
  t.same(served['http/ours'], [
    'sid=v; Path=/; HttpOnly; SameSite=Lax',
    'old=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax'
  ])
})

test('secure: \'auto\' over HTTP with what needs Secure: refused at the call, saying why', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin)
  app.get('/', async request => {
    try {
      request.response.setCookie('sid', 'v', { secure: 'auto', sameSite: 'none' })
    } catch (err) {
      return { message: (err as Error).message, staged: request.response.headers.getSetCookie() }
    }
  })
  t.same((await app.inject('/')).json(), {
    message: 'Cookie "sid": sameSite: \'none\' requires secure: true (browsers reject it otherwise) (secure: \'auto\' is false: the request is not HTTPS)',
    staged: []
  })
})
