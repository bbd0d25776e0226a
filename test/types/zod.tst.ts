import { z } from 'zod'
import type { ZodTypeProvider as CommunityZodTypeProvider } from 'fastify-type-provider-zod'
import type { ZodTypeProvider as OfficialZodTypeProvider } from '@fastify/type-provider-zod'
import Fastify from 'fastify'
import { describe, expect, test } from 'tstyche'
import temporaryResponse from '../../plugin/index.ts'
import type { TemporaryResponse } from '../../plugin/index.ts'

// With either zod type provider, the provider types the handler's return value from the zod
// response schemas, and request.response keeps its type beside it.

const options = {
  schema: {
    response: {
      200: z.object({ id: z.number() }),
      201: z.object({ at: z.codec(z.iso.datetime(), z.date(), { decode: text => new Date(text), encode: date => date.toISOString() }) })
    }
  }
}

const withHeaders = {
  schema: {
    response: {
      200: {
        content: { 'application/json': { schema: z.object({ ok: z.boolean() }) } },
        headers: z.object({ 'x-rate-limit': z.int() })
      }
    }
  }
}

describe('fastify-type-provider-zod 7', () => {
  const app = Fastify().withTypeProvider<CommunityZodTypeProvider>()
  app.register(temporaryResponse)

  test('request.response is typed beside the provider\'s return typing', () => {
    app.get('/ok', options, async (request) => {
      expect(request.response).type.toBe<TemporaryResponse>()
      request.response.statusCode = 201
      return { at: new Date() }
    })
    expect(app.get).type.toBeCallableWith('/ok', options, async () => ({ id: 1 }))
  })

  test('a wrong return type is rejected', () => {
    expect(app.get).type.not.toBeCallableWith('/bad', options, async () => ({ id: 'x' }))
    expect(app.get).type.not.toBeCallableWith('/bad', options, async () => ({ at: 'not a Date' }))
  })

  test('declared headers as a zod object beside content', () => {
    app.get('/headers', withHeaders, async (request) => {
      request.response.headers.set('x-rate-limit', '3')
      return { ok: true }
    })
  })
})

describe('@fastify/type-provider-zod 1', () => {
  const app = Fastify().withTypeProvider<OfficialZodTypeProvider>()
  app.register(temporaryResponse)

  test('request.response is typed beside the provider\'s return typing', () => {
    app.get('/ok', options, async (request) => {
      expect(request.response).type.toBe<TemporaryResponse>()
      return { id: 1 }
    })
    app.addHook('preHandler', async (request) => {
      expect(request.response).type.toBe<TemporaryResponse>()
    })
  })

  test('a wrong return type is rejected', () => {
    expect(app.get).type.not.toBeCallableWith('/bad', options, async () => ({ id: 'x' }))
    // @ts-expect-error Type 'string' is not assignable to type 'number'
    app.get('/bad', options, async () => ({ id: 'x' }))
  })
})
