import Fastify from 'fastify'
import { describe, expect, test } from 'tstyche'
import temporaryResponse, { TemporaryResponse } from '../../plugin/index.ts'
import type { ClearCookieOptions, CookieOptions, TemporaryHeaders } from '../../plugin/index.ts'

// The members of `request.response`, as the contract's table lists them.

const response = new TemporaryResponse()

describe('headers', () => {
  test('is assignable to the global Fetch Headers type', () => {
    expect(response.headers).type.toBe<TemporaryHeaders>()
    expect(response.headers).type.toBeAssignableTo<Headers>()
  })

  test('reads as the Fetch standard does', () => {
    expect(response.headers.get('X-A')).type.toBe<string | null>()
    expect(response.headers.has('x-a')).type.toBe<boolean>()
    expect(response.headers.getSetCookie()).type.toBe<string[]>()
  })

  test('writes take a name and a string value', () => {
    expect(response.headers.set('X-Cat-Dog', 'alone in the world')).type.toBe<void>()
    expect(response.headers.append('Vary', 'Accept-Language')).type.toBe<void>()
    expect(response.headers.delete('Set-Cookie')).type.toBe<void>()
    expect(response.headers.set).type.not.toBeCallableWith('x-a')
    expect(response.headers.set).type.not.toBeCallableWith(1, 'v')
    expect(response.headers.append).type.not.toBeCallableWith('x-a', 1)
  })

  test('iterates name/value pairs', () => {
    for (const [name, value] of response.headers) {
      expect(name).type.toBe<string>()
      expect(value).type.toBe<string>()
    }
    expect([...response.headers.entries()]).type.toBe<Array<[string, string]>>()
    expect([...response.headers.keys()]).type.toBe<string[]>()
    expect([...response.headers.values()]).type.toBe<string[]>()
    response.headers.forEach((value, name, parent) => {
      expect(value).type.toBe<string>()
      expect(name).type.toBe<string>()
      expect(parent).type.toBe<Headers>()
    })
  })

  test('can be passed where the Fetch Headers type is expected', () => {
    expect(Object.fromEntries).type.toBeCallableWith(response.headers)
    expect<typeof Response>().type.toBeConstructableWith(null, { headers: response.headers })
  })
})

describe('statusCode', () => {
  test('is number | undefined', () => {
    expect(response.statusCode).type.toBe<number | undefined>()
  })

  test('is assignable from a number and from undefined, not from a string', () => {
    expect<TemporaryResponse['statusCode']>().type.toBeAssignableFrom<number>()
    expect<TemporaryResponse['statusCode']>().type.toBeAssignableFrom(201)
    expect<TemporaryResponse['statusCode']>().type.toBeAssignableFrom(undefined)
    expect<TemporaryResponse['statusCode']>().type.not.toBeAssignableFrom<string>()
    expect<TemporaryResponse['statusCode']>().type.not.toBeAssignableFrom('201')
    expect<TemporaryResponse['statusCode']>().type.not.toBeAssignableFrom(null)
  })

  test('is writable on request.response', () => {
    const app = Fastify()
    app.register(temporaryResponse)
    app.get('/', async (request) => {
      request.response.statusCode = 201
      request.response.statusCode = undefined
      // @ts-expect-error Type 'string' is not assignable to type 'number'
      request.response.statusCode = '201'
      return null
    })
  })
})

describe('setCookie()', () => {
  test('returns the holder, so calls chain', () => {
    expect(response.setCookie('session', 'token')).type.toBe<TemporaryResponse>()
    expect(response.setCookie('a', '1').setCookie('b', '2').clearCookie('c')).type.toBe<TemporaryResponse>()
  })

  test('takes a name, a string value and optional CookieOptions', () => {
    expect(response.setCookie).type.toBeCallableWith('session', 'token')
    expect(response.setCookie).type.toBeCallableWith('session', 'token', {})
    expect(response.setCookie).type.toBeCallableWith('__Host-session', 'token', {
      maxAge: 3600,
      expires: new Date(),
      path: '/',
      domain: 'example.com',
      secure: true,
      httpOnly: true,
      sameSite: 'none',
      partitioned: true,
      priority: 'high'
    })
    expect(response.setCookie).type.toBeCallableWith('a', 'b', { sameSite: 'lax' })
    expect(response.setCookie).type.toBeCallableWith('a', 'b', { sameSite: 'strict' })
    expect(response.setCookie).type.toBeCallableWith('a', 'b', { sameSite: true })
    expect(response.setCookie).type.toBeCallableWith('a', 'b', { sameSite: false })
    expect(response.setCookie).type.toBeCallableWith('a', 'b', { priority: 'low' })
    expect(response.setCookie).type.toBeCallableWith('a', 'b', { priority: 'medium' })
  })

  test('rejects a missing value and wrongly typed options', () => {
    expect(response.setCookie).type.not.toBeCallableWith('session')
    expect(response.setCookie).type.not.toBeCallableWith('session', 1)
    expect(response.setCookie).type.not.toBeCallableWith('a', 'b', { sameSite: 'bogus' })
    expect(response.setCookie).type.not.toBeCallableWith('a', 'b', { priority: 'urgent' })
    expect(response.setCookie).type.not.toBeCallableWith('a', 'b', { maxAge: '1' })
    expect(response.setCookie).type.not.toBeCallableWith('a', 'b', { expires: 'Wed, 21 Oct 2015 07:28:00 GMT' })
    expect(response.setCookie).type.not.toBeCallableWith('a', 'b', { secure: 'true' })
    expect(response.setCookie).type.not.toBeCallableWith('a', 'b', { signed: 'yes' })
    expect(response.setCookie).type.not.toBeCallableWith('a', 'b', { httponly: true })
  })

  test('signed is a boolean option', () => {
    expect(response.setCookie).type.toBeCallableWith('a', 'b', { signed: true })
    expect(response.setCookie).type.toBeCallableWith('a', 'b', { signed: false, httpOnly: true })
    expect<CookieOptions['signed']>().type.toBe<boolean | undefined>()
  })

  test('CookieOptions rejects the same wrong types', () => {
    expect<CookieOptions>().type.toBeAssignableFrom({ sameSite: 'none' as const, secure: true })
    expect<CookieOptions>().type.not.toBeAssignableFrom({ sameSite: 'bogus' as const })
    expect<CookieOptions>().type.not.toBeAssignableFrom({ priority: 'urgent' as const })
    expect<CookieOptions>().type.not.toBeAssignableFrom({ maxAge: '1' })
    // @ts-expect-error Type '"bogus"' is not assignable
    const sameSite: CookieOptions = { sameSite: 'bogus' }
    // @ts-expect-error Type '"urgent"' is not assignable
    const priority: CookieOptions = { priority: 'urgent' }
    // @ts-expect-error Type 'string' is not assignable to type 'number'
    const maxAge: CookieOptions = { maxAge: '1' }
    expect([sameSite, priority, maxAge]).type.toBe<CookieOptions[]>()
  })
})

describe('clearCookie()', () => {
  test('returns the holder, so calls chain', () => {
    expect(response.clearCookie('session')).type.toBe<TemporaryResponse>()
    expect(response.clearCookie('a').setCookie('b', '1')).type.toBe<TemporaryResponse>()
  })

  test('takes the attributes the cookie was set with', () => {
    expect(response.clearCookie).type.toBeCallableWith('session')
    expect(response.clearCookie).type.toBeCallableWith('session', {
      path: '/app',
      domain: 'example.com',
      secure: true,
      httpOnly: true,
      sameSite: 'none',
      partitioned: true
    })
  })

  test('rejects wrong types and the options a deletion sets itself', () => {
    expect(response.clearCookie).type.not.toBeCallableWith()
    expect(response.clearCookie).type.not.toBeCallableWith('a', { sameSite: 'bogus' })
    expect(response.clearCookie).type.not.toBeCallableWith('a', { path: 1 })
    expect(response.clearCookie).type.not.toBeCallableWith('a', { maxAge: 0 })
    expect(response.clearCookie).type.not.toBeCallableWith('a', { expires: new Date(0) })
    expect(response.clearCookie).type.not.toBeCallableWith('a', { signed: true })
    expect<ClearCookieOptions>().type.not.toHaveProperty('maxAge')
    expect<ClearCookieOptions>().type.not.toHaveProperty('expires')
    expect<ClearCookieOptions>().type.not.toHaveProperty('signed')
  })
})

describe('the holder type on request.response', () => {
  test('setCookie() on request.response returns request.response', () => {
    const app = Fastify()
    app.register(temporaryResponse)
    app.addHook('preHandler', async (request) => {
      expect(request.response.setCookie('a', 'b')).type.toBe<TemporaryResponse>()
      expect(request.response.clearCookie('a')).type.toBe<TemporaryResponse>()
    })
  })
})

describe('public surface', () => {
  // plugin/symbols.ts: "Internal state lives behind symbols, so it is invisible to users".
  // A public `cookies` array would let `headers.cookies.push('a\r\nb')` skip every check.
  test('headers shows the Fetch Headers API and no internals', () => {
    expect(response.headers).type.not.toHaveProperty('map')
    expect(response.headers).type.not.toHaveProperty('cookies')
    expect(response.headers).type.not.toHaveProperty('assertWritable')
  })

  test('the holder shows its documented members and no internals', () => {
    expect(response).type.toHaveProperty('headers')
    expect(response).type.toHaveProperty('statusCode')
    expect(response).type.toHaveProperty('setCookie')
    expect(response).type.toHaveProperty('clearCookie')
    // @ts-expect-error Property 'assertWritable' is private
    response.assertWritable('statusCode')
  })
})
