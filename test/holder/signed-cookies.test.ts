import { test } from 'tap'
import type { Test } from 'tap'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import cookie, { sign, Signer } from '@fastify/cookie'
import type { FastifyCookieOptions } from '@fastify/cookie'
import plugin, { TemporaryResponse } from '../../plugin/index.ts'

// signed: true signs with @fastify/cookie's own signer, the one reply.setCookie(..., { signed: true })
// uses, so the same line reaches the client and request.unsignCookie() verifies it.

const MISSING_SIGNER = 'FST_TEMP_RESPONSE_MISSING_COOKIE_SIGNER'
const value = 'user 42; role=admin'

/** Set-Cookie lines, whether inject shows one as a string or as a list. */
function lines (header: string | string[] | undefined): string[] {
  return header === undefined ? [] : [header].flat()
}

/** An app with @fastify/cookie registered before or after the plugin; /staged and /reply set the same cookie. */
async function build (t: Test, order: 'before' | 'after', options: FastifyCookieOptions): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  if (order === 'before') await app.register(cookie, options)
  await app.register(plugin)
  if (order === 'after') await app.register(cookie, options)
  app.get('/staged', async request => {
    request.response.setCookie('session', value, { signed: true, httpOnly: true })
    return 'staged'
  })
  app.get('/reply', async (_request, reply) => {
    // @fastify/cookie has no default path: give it the plugin's, so the lines can be compared whole.
    reply.setCookie('session', value, { signed: true, httpOnly: true, path: '/' })
    return 'reply'
  })
  app.get('/verify', async request => request.unsignCookie(request.cookies.session as string))
  return app
}

for (const order of ['before', 'after'] as const) {
  test(`@fastify/cookie registered ${order}: the same line as reply.setCookie, verified by unsignCookie`, async t => {
    const app = await build(t, order, { secret: 'a secret of at least 32 characters!' })
    const staged = await app.inject('/staged')
    const reply = await app.inject('/reply')
    t.same(lines(staged.headers['set-cookie']), lines(reply.headers['set-cookie']), 'byte for byte')
    t.equal(staged.cookies[0].value, sign(value, 'a secret of at least 32 characters!'))
    t.same(app.unsignCookie(staged.cookies[0].value), { valid: true, renew: false, value })
    const verified = await app.inject({ url: '/verify', cookies: { session: staged.cookies[0].value } })
    t.same(verified.json(), { valid: true, renew: false, value })
  })

  test(`@fastify/cookie registered ${order}: rotated secrets sign with the first, as reply.setCookie does`, async t => {
    const app = await build(t, order, { secret: ['new secret', 'old secret'] })
    const staged = await app.inject('/staged')
    t.same(lines(staged.headers['set-cookie']), lines((await app.inject('/reply')).headers['set-cookie']))
    const signed = staged.cookies[0].value
    t.equal(signed, sign(value, 'new secret'), 'the first secret signs')
    t.same(app.unsignCookie(signed), { valid: true, renew: false, value })
    t.same(new Signer('old secret').unsign(signed), { valid: false, renew: false, value: null }, 'not the old one')
    // After the next rotation, the old first secret still verifies it and asks for a renewal.
    t.same(new Signer(['newer secret', 'new secret']).unsign(signed), { valid: true, renew: true, value })
  })
}

test('a custom signer given as @fastify/cookie\'s secret is the one used', async t => {
  const secret = { sign: (text: string) => `${text}.custom`, unsign: (text: string) => ({ valid: true as const, renew: false, value: text.slice(0, -7) }) }
  const app = await build(t, 'before', { secret })
  t.equal((await app.inject('/staged')).cookies[0].value, `${value}.custom`)
})

test('a custom signer that returns no string, or a lone surrogate: a coded error, nothing staged', async t => {
  for (const [signature, got] of [[42, '42'], ['v.\uD800', '"v.\\ud800"']] as const) {
    const secret = { sign: () => signature as unknown as string, unsign: () => ({ valid: false as const, renew: false as const, value: null }) }
    const app = Fastify()
    t.teardown(() => app.close())
    await app.register(cookie, { secret })
    await app.register(plugin)
    app.get('/', async request => {
      try {
        request.response.setCookie('session', 'v', { signed: true })
      } catch (err) {
        return { code: (err as { code: string }).code, message: (err as Error).message, staged: request.response.headers.getSetCookie() }
      }
    })
    t.same((await app.inject('/')).json(), {
      code: 'FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE',
      message: `Cookie "session": the value must be a string without lone UTF-16 surrogates, instead got ${got} from the signer`,
      staged: []
    })
  }
})

test('a hook stages a signed cookie too', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin)
  await app.register(cookie, { secret: 'hook secret' })
  app.addHook('onRequest', async request => {
    request.response.setCookie('early', 'v', { signed: true })
  })
  app.get('/', async () => 'ok')
  t.same((await app.inject('/')).cookies.map(c => c.value), [sign('v', 'hook secret')])
})

test('in an encapsulated context: signed where @fastify/cookie is registered, a coded error elsewhere', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin)
  const route = (scope: FastifyInstance) => scope.get('/', async request => {
    try {
      request.response.setCookie('session', 'v', { signed: true })
      return { code: null }
    } catch (err) {
      return { code: (err as { code: string }).code, staged: request.response.headers.getSetCookie() }
    }
  })
  await app.register(async child => {
    await child.register(cookie, { secret: 'child secret' })
    route(child)
  }, { prefix: '/child' })
  route(app)
  const child = await app.inject('/child/')
  t.same(child.json(), { code: null })
  t.equal(child.cookies[0].value, sign('v', 'child secret'))
  const root = await app.inject('/')
  t.same(root.json(), { code: MISSING_SIGNER, staged: [] }, 'the root has no signer: nothing staged')
  t.equal(root.headers['set-cookie'], undefined)
})

test('without @fastify/cookie, or without a secret, signed: true throws at the call and stages nothing', async t => {
  for (const withCookie of [false, true]) {
    const app = Fastify()
    t.teardown(() => app.close())
    await app.register(plugin)
    if (withCookie) await app.register(cookie)
    app.get('/', async request => {
      request.response.setCookie('keep', '1')
      t.throws(() => request.response.setCookie('session', 'v', { signed: true }), {
        code: MISSING_SIGNER,
        message: 'Cookie "session": signed: true needs @fastify/cookie registered with a secret in the route\'s context (fastify.signCookie is missing)'
      }, withCookie ? '@fastify/cookie without a secret' : 'no @fastify/cookie')
      return 'ok'
    })
    const res = await app.inject('/')
    t.same(lines(res.headers['set-cookie']), ['keep=1; Path=/; SameSite=Lax'], 'only the cookie staged before')
  }
})

test('a holder made by hand has no request, so no signer', async t => {
  const holder = new TemporaryResponse()
  t.throws(() => holder.setCookie('session', 'v', { signed: true }), { code: MISSING_SIGNER })
  t.same(holder.headers.getSetCookie(), [])
})

test('signed: false, or absent, writes the plain value', async t => {
  const holder = new TemporaryResponse()
  holder.setCookie('a', 'v', { signed: false }).setCookie('b', 'v')
  t.same(holder.headers.getSetCookie(), ['a=v; Path=/; SameSite=Lax', 'b=v; Path=/; SameSite=Lax'])
})
