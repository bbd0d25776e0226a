import Fastify from 'fastify'
import type { FastifyContextConfig } from 'fastify'
import { describe, expect, test } from 'tstyche'
import temporaryResponse from '../../plugin/index.ts'
import type { FastifyTemporaryResponseOptions, TemporaryResponseRouteOptions } from '../../plugin/index.ts'

const app = Fastify()

describe('plugin options', () => {
  test('accepts no options and every documented option', () => {
    expect(app.register).type.toBeCallableWith(temporaryResponse)
    expect(app.register).type.toBeCallableWith(temporaryResponse, {})
    expect(app.register).type.toBeCallableWith(temporaryResponse, {
      cors: { origin: 'x', credentials: true },
      exposeHeaders: 'declared',
      keepOnError: ['x-a'],
      validateResponse: false
    })
    expect(app.register).type.toBeCallableWith(temporaryResponse, {
      cors: false,
      exposeHeaders: false,
      keepOnError: true
    })
    expect(app.register).type.toBeCallableWith(temporaryResponse, { exposeHeaders: 'staged' })
    expect(app.register).type.toBeCallableWith(temporaryResponse, {
      cors: { origin: ['https://app.example'], exposedHeaders: ['x-total'], methods: ['GET'] }
    })
  })

  test('is awaitable with options', async () => {
    await app.register(temporaryResponse, { cors: { origin: 'https://app.example', credentials: true } })
  })

  test('rejects wrongly typed options', () => {
    expect(app.register).type.not.toBeCallableWith(temporaryResponse, { exposeHeaders: 'all' })
    expect(app.register).type.not.toBeCallableWith(temporaryResponse, { exposeHeaders: true })
    expect(app.register).type.not.toBeCallableWith(temporaryResponse, { keepOnError: 'x' })
    expect(app.register).type.not.toBeCallableWith(temporaryResponse, { keepOnError: [1] })
    expect(app.register).type.not.toBeCallableWith(temporaryResponse, { validateResponse: 'yes' })
    expect(app.register).type.not.toBeCallableWith(temporaryResponse, { cors: true })
    expect(app.register).type.not.toBeCallableWith(temporaryResponse, { cors: { origin: 1 } })
  })

  test('the options interface matches the contract', () => {
    expect<FastifyTemporaryResponseOptions['exposeHeaders']>().type.toBe<'staged' | 'declared' | false | undefined>()
    expect<FastifyTemporaryResponseOptions['keepOnError']>().type.toBe<boolean | string[] | undefined>()
    expect<FastifyTemporaryResponseOptions['validateResponse']>().type.toBe<boolean | undefined>()
    expect<FastifyTemporaryResponseOptions>().type.toBeAssignableFrom<TemporaryResponseRouteOptions>()
  })
})

describe('route options in config.temporaryResponse', () => {
  test('FastifyContextConfig has temporaryResponse', () => {
    expect<FastifyContextConfig>().type.toHaveProperty('temporaryResponse')
    expect<FastifyContextConfig['temporaryResponse']>().type.toBeAssignableFrom<TemporaryResponseRouteOptions | undefined>()
  })

  test('accepts every route option', () => {
    app.get('/', { config: { temporaryResponse: { keepOnError: true } } }, async () => null)
    app.get('/all', {
      config: { temporaryResponse: { exposeHeaders: false, keepOnError: ['set-cookie'], validateResponse: false } }
    }, async () => null)
    app.route({
      method: 'GET',
      url: '/route',
      config: { temporaryResponse: { exposeHeaders: 'declared' } },
      handler: async () => null
    })
    expect(app.get).type.toBeCallableWith('/', { config: { temporaryResponse: { keepOnError: true } } }, async () => null)
  })

  test('rejects cors, which only the plugin options take', () => {
    expect(app.get).type.not.toBeCallableWith('/', { config: { temporaryResponse: { cors: {} } } }, async () => null)
    expect(app.route).type.not.toBeCallableWith({
      method: 'GET',
      url: '/',
      config: { temporaryResponse: { cors: false } },
      handler: async () => null
    })
    expect<TemporaryResponseRouteOptions>().type.not.toBeAssignableFrom<{ keepOnError: true, cors: object }>()
  })

  test('rejects wrongly typed route options', () => {
    expect(app.get).type.not.toBeCallableWith('/', { config: { temporaryResponse: { exposeHeaders: 'all' } } }, async () => null)
    expect(app.get).type.not.toBeCallableWith('/', { config: { temporaryResponse: { keepOnError: 'x' } } }, async () => null)
    expect(app.get).type.not.toBeCallableWith('/', { config: { temporaryResponse: { validateResponse: 'yes' } } }, async () => null)
    expect(app.get).type.not.toBeCallableWith('/', { config: { temporaryResponse: true } }, async () => null)
  })

  test('the route config is readable in hooks', () => {
    app.addHook('onRequest', async (request) => {
      expect(request.routeOptions.config.temporaryResponse).type.toBeAssignableTo<TemporaryResponseRouteOptions | undefined>()
    })
  })
})
