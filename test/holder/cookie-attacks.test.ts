import { runInNewContext } from 'node:vm'
import { test } from 'tap'
import type { Test } from 'tap'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import cookie from '@fastify/cookie'
import plugin from '../../plugin/index.ts'
import type { CookieOptions } from '../../plugin/index.ts'
import { createHttp2Client, fieldValues } from '../helpers/wire-client.ts'

// The attacks of the cookie hardening issue, replayed through requests: a Date subclass that
// writes attributes (or CR/LF) through its own methods, and options whose getters answer
// differently on each read, followed by ordinary calls on other requests.

const instant = Date.UTC(2030, 0, 2, 3, 4, 5)
const http = 'Wed, 02 Jan 2030 03:04:05 GMT'

/** A Date whose every string and time method lies; only its time value is true. */
class EvilDate extends Date {
  readonly tail: string
  constructor (time: number, tail: string) {
    super(time)
    this.tail = tail
  }

  override toUTCString (): string { return `${http}${this.tail}` }
  override toISOString (): string { return `2030-01-02T03:04:05.000Z${this.tail}` }
  override toString (): string { return `${http}${this.tail}` }
  override getTime (): number { return instant + 86_400_000 }
  override valueOf (): number { return instant + 86_400_000 }
  override getUTCFullYear (): number { return 2031 }
}

/** Set-Cookie lines, whether inject shows one as a string or as a list. */
function lines (header: string | string[] | undefined): string[] {
  return header === undefined ? [] : [header].flat()
}

const injected = '; Domain=evil.example; SameSite=None'
const split = '\r\nx-injected: yes'

/** Routes for the attacks: each stages one cookie from the options `options()` gives. */
function routes (app: FastifyInstance, options: Record<string, () => CookieOptions>): void {
  for (const [path, make] of Object.entries(options)) {
    app.get(`/${path}`, async request => {
      request.response.setCookie('sid', 'v', make())
      return 'ok'
    })
  }
}

function attackRoutes (app: FastifyInstance): void {
  let httpOnlyReads = 0
  let pathReads = 0
  const evilPath = { toString: () => `/${injected}` }
  routes(app, {
    'evil-date': () => ({ expires: new EvilDate(instant, injected) }),
    'split-date': () => ({ expires: new EvilDate(instant, split) }),
    'plain-date': () => ({ expires: new Date(instant) }),
    // false on its first read, true after: a check and a write reading twice would disagree
    'flip-httponly': () => ({ path: '/app', get httpOnly () { return httpOnlyReads++ % 2 === 1 } }),
    session: () => ({ path: '/app', httpOnly: true }),
    // a string on its first read, an object whose text carries attributes after
    'flip-path': () => ({ get path () { return (pathReads++ % 2 === 0 ? '/' : evilPath) as string } }),
    root: () => ({ path: '/' })
  })
}

async function build (t: Test, app: FastifyInstance): Promise<FastifyInstance> {
  t.teardown(() => app.close())
  await app.register(plugin)
  attackRoutes(app)
  return app
}

const expected = {
  'evil-date': `sid=v; Path=/; Expires=${http}; SameSite=Lax`,
  'split-date': `sid=v; Path=/; Expires=${http}; SameSite=Lax`,
  'plain-date': `sid=v; Path=/; Expires=${http}; SameSite=Lax`,
  'flip-httponly': 'sid=v; Path=/app; SameSite=Lax',
  session: 'sid=v; Path=/app; HttpOnly; SameSite=Lax',
  'flip-path': 'sid=v; Path=/; SameSite=Lax',
  root: 'sid=v; Path=/; SameSite=Lax'
}

test('inject: each attack gets a line written from what it was checked as, and never another request\'s', async t => {
  const app = await build(t, Fastify())
  // Attack, then ordinary calls, several times over: nothing carries from one request to the next.
  const order = ['evil-date', 'plain-date', 'split-date', 'plain-date', 'flip-httponly', 'session', 'session',
    'flip-path', 'root', 'root', 'evil-date', 'plain-date'] as const
  for (const path of order) {
    const res = await app.inject(`/${path}`)
    t.equal(res.statusCode, 200, path)
    t.same(lines(res.headers['set-cookie']), [expected[path]], path)
  }
  // The flipping getters, called again: each request reads its own answer once.
  t.same(lines((await app.inject('/flip-httponly')).headers['set-cookie']), ['sid=v; Path=/app; HttpOnly; SameSite=Lax'])
  t.same(lines((await app.inject('/session')).headers['set-cookie']), [expected.session])
  const refused = await app.inject('/flip-path')
  t.equal(refused.statusCode, 500, 'the object read: refused, not written')
  t.equal(refused.json().code, 'FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION')
  t.equal(refused.headers['set-cookie'], undefined)
  t.same(lines((await app.inject('/root')).headers['set-cookie']), [expected.root])
})

test('a Date subclass and a Date from another realm are read with Date\'s own methods', async t => {
  const app = await build(t, Fastify())
  const foreign = runInNewContext(`new Date(${instant})`) as Date
  app.get('/foreign', async request => {
    request.response.setCookie('sid', 'v', { expires: foreign })
    return 'ok'
  })
  t.same(lines((await app.inject('/foreign')).headers['set-cookie']), [expected['plain-date']])
  t.same(lines((await app.inject('/evil-date')).headers['set-cookie']), [expected['evil-date']])
})

const lies = ['split-date', 'evil-date', 'plain-date'] as const

test('HTTP/1.1: a Date subclass with CR/LF sends a 200 whose one set-cookie line holds no injection', async t => {
  const app = await build(t, Fastify())
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  for (const path of lies) {
    const res = await fetch(`${address}/${path}`)
    t.equal(res.status, 200, path)
    t.same(res.headers.getSetCookie(), [expected[path]], path)
    t.equal(res.headers.get('x-injected'), null)
  }
})

test('h2c: a Date subclass with CR/LF sends a 200 whose one set-cookie field holds no injection', async t => {
  const app = await build(t, Fastify({ http2: true }) as unknown as FastifyInstance)
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const client = createHttp2Client(address)
  t.teardown(() => client.close())
  for (const path of lies) {
    const res = await client.request(`/${path}`)
    t.equal(res.status, 200, path)
    t.same(fieldValues(res, 'set-cookie'), [expected[path]], path)
    t.same(fieldValues(res, 'x-injected'), [])
  }
})

test('the same attacks on reply.setCookie (@fastify/cookie) for comparison: its line carries what the Date writes', async t => {
  // Not a requirement on @fastify/cookie: it shows the attack is real, so the tests above could fail.
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(cookie)
  app.get('/', async (_request, reply) => {
    reply.setCookie('sid', 'v', { expires: new EvilDate(instant, injected), path: '/' })
    return 'ok'
  })
  t.same(lines((await app.inject('/')).headers['set-cookie']), [`sid=v; Path=/; Expires=${http}${injected}; SameSite=Lax`])
})
