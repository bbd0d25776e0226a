import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from 'tp5'
import Fastify from 'fastify'
import { describe, expect, test } from 'tstyche'
import temporaryResponse from '../../plugin/index.ts'
import type { TemporaryResponse } from '../../plugin/index.ts'

// With @fastify/type-provider-typebox 5 and @sinclair/typebox 0.34, the handler's return value is checked against
// schema.response, and request.response keeps its type in those routes.

const app = Fastify().withTypeProvider<TypeBoxTypeProvider>()
app.register(temporaryResponse)

const options = {
  schema: {
    response: {
      200: Type.Object({ id: Type.Integer() }),
      201: Type.Object({ created: Type.Boolean() })
    }
  }
}

describe('return value against schema.response', () => {
  test('data matching a response schema compiles', () => {
    app.get('/ok', options, async () => ({ id: 1 }))
    app.get('/created', options, async (request) => {
      request.response.statusCode = 201
      return { created: true }
    })
    expect(app.get).type.toBeCallableWith('/ok', options, async () => ({ id: 1 }))
  })

  test('data not matching any response schema does not compile', () => {
    expect(app.get).type.not.toBeCallableWith('/bad', options, async () => ({ id: 'x' }))
    expect(app.get).type.not.toBeCallableWith('/bad', options, async () => ({ created: 'yes' }))
    expect(app.get).type.not.toBeCallableWith('/bad', options, async () => ({ name: 'x' }))
    // `tsc -p tsconfig.json` checks this file too, so a snippet for toRaiseError() would fail
    // the typecheck; tstyche checks that this directive suppresses exactly this error.
    // @ts-expect-error Type 'string' is not assignable to type 'number'
    app.get('/bad', options, async () => ({ id: 'x' }))
  })

  test('a schema written inline is checked the same way', () => {
    app.get('/inline', {
      schema: { response: { 200: Type.Object({ id: Type.Integer() }) } }
    // @ts-expect-error Type 'string' is not assignable to type 'number'
    }, async () => ({ id: 'x' }))
    app.get('/inline', {
      schema: { response: { 200: Type.Object({ id: Type.Integer() }) } }
    }, async () => ({ id: 1 }))
  })
})

describe('request.response in a TypeBox route', () => {
  test('handler', () => {
    app.get('/typed', options, async (request) => {
      expect(request.response).type.toBe<TemporaryResponse>()
      request.response.headers.set('x-rate', '3')
      return { id: 1 }
    })
  })

  test('route-level hooks', () => {
    app.route({
      method: 'POST',
      url: '/typed',
      schema: {
        body: Type.Object({ name: Type.String() }),
        response: options.schema.response
      },
      preValidation: async (request) => {
        expect(request.response).type.toBe<TemporaryResponse>()
      },
      preHandler: (request, _reply, done) => {
        expect(request.response).type.toBe<TemporaryResponse>()
        expect(request.body).type.toBe<{ name: string }>()
        done()
      },
      preSerialization: async (request, _reply, payload) => {
        expect(request.response).type.toBe<TemporaryResponse>()
        return payload
      },
      handler: async (request) => {
        expect(request.response).type.toBe<TemporaryResponse>()
        expect(request.body).type.toBe<{ name: string }>()
        request.response.statusCode = 201
        return { created: true }
      }
    })
  })

  test('hooks added in a TypeBox-typed instance', () => {
    app.addHook('preHandler', async (request) => {
      expect(request.response).type.toBe<TemporaryResponse>()
    })
  })
})
