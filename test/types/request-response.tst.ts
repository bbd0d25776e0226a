import Fastify from 'fastify'
import type { FastifyRequest } from 'fastify'
import { describe, expect, test } from 'tstyche'
import temporaryResponse from '../../plugin/index.ts'
import type { TemporaryResponse } from '../../plugin/index.ts'

// `request.response` comes from the `declare module 'fastify'` augmentation in plugin/types.ts.
// Every request hook is one of FastAPI's "dependencies", so each must see the same type.

const app = Fastify()
app.register(temporaryResponse)

test('FastifyRequest has response: TemporaryResponse', () => {
  expect<FastifyRequest>().type.toHaveProperty('response')
  expect<FastifyRequest['response']>().type.toBe<TemporaryResponse>()
})

describe('route handler', () => {
  test('async handler', () => {
    app.get('/', async (request) => {
      expect(request.response).type.toBe<TemporaryResponse>()
      return { ok: true }
    })
  })

  test('callback handler with reply', () => {
    app.post('/', (request, reply) => {
      expect(request.response).type.toBe<TemporaryResponse>()
      reply.send('ok')
    })
  })

  test('app.route() handler', () => {
    app.route({
      method: ['GET', 'HEAD'],
      url: '/route',
      handler: async (request) => {
        expect(request.response).type.toBe<TemporaryResponse>()
        return null
      }
    })
  })
})

describe('app.addHook()', () => {
  test('onRequest', () => {
    app.addHook('onRequest', async (request) => {
      expect(request.response).type.toBe<TemporaryResponse>()
    })
    app.addHook('onRequest', (request, _reply, done) => {
      expect(request.response).type.toBe<TemporaryResponse>()
      done()
    })
  })

  test('preParsing', () => {
    app.addHook('preParsing', async (request, _reply, payload) => {
      expect(request.response).type.toBe<TemporaryResponse>()
      return payload
    })
    app.addHook('preParsing', (request, _reply, payload, done) => {
      expect(request.response).type.toBe<TemporaryResponse>()
      done(null, payload)
    })
  })

  test('preValidation', () => {
    app.addHook('preValidation', async (request) => {
      expect(request.response).type.toBe<TemporaryResponse>()
    })
    app.addHook('preValidation', (request, _reply, done) => {
      expect(request.response).type.toBe<TemporaryResponse>()
      done()
    })
  })

  test('preHandler', () => {
    app.addHook('preHandler', async (request) => {
      expect(request.response).type.toBe<TemporaryResponse>()
    })
    app.addHook('preHandler', (request, _reply, done) => {
      expect(request.response).type.toBe<TemporaryResponse>()
      done()
    })
  })

  test('preSerialization', () => {
    app.addHook('preSerialization', async (request, _reply, payload) => {
      expect(request.response).type.toBe<TemporaryResponse>()
      return payload
    })
    app.addHook('preSerialization', (request, _reply, payload, done) => {
      expect(request.response).type.toBe<TemporaryResponse>()
      done(null, payload)
    })
  })

  test('onSend', () => {
    app.addHook('onSend', async (request, _reply, payload) => {
      expect(request.response).type.toBe<TemporaryResponse>()
      return payload
    })
    app.addHook('onSend', (request, _reply, payload, done) => {
      expect(request.response).type.toBe<TemporaryResponse>()
      done(null, payload)
    })
  })

  test('hooks of an encapsulated child instance', () => {
    app.register(async (child) => {
      child.addHook('preHandler', async (request) => {
        expect(request.response).type.toBe<TemporaryResponse>()
      })
      child.get('/child', async (request) => {
        expect(request.response).type.toBe<TemporaryResponse>()
        return 'ok'
      })
    })
  })
})

describe('route-level hooks', () => {
  test('in route shorthand options', () => {
    app.get('/hooks', {
      onRequest: async (request) => {
        expect(request.response).type.toBe<TemporaryResponse>()
      },
      preParsing: async (request, _reply, payload) => {
        expect(request.response).type.toBe<TemporaryResponse>()
        return payload
      },
      preValidation: (request, _reply, done) => {
        expect(request.response).type.toBe<TemporaryResponse>()
        done()
      },
      preHandler: [
        async (request) => {
          expect(request.response).type.toBe<TemporaryResponse>()
        },
        (request, _reply, done) => {
          expect(request.response).type.toBe<TemporaryResponse>()
          done()
        }
      ],
      preSerialization: async (request, _reply, payload) => {
        expect(request.response).type.toBe<TemporaryResponse>()
        return payload
      },
      onSend: async (request, _reply, payload) => {
        expect(request.response).type.toBe<TemporaryResponse>()
        return payload
      }
    }, async (request) => {
      expect(request.response).type.toBe<TemporaryResponse>()
      return { ok: true }
    })
  })

  test('in app.route()', () => {
    app.route({
      method: 'PUT',
      url: '/hooks',
      onRequest: (request, _reply, done) => {
        expect(request.response).type.toBe<TemporaryResponse>()
        done()
      },
      preHandler: async (request) => {
        expect(request.response).type.toBe<TemporaryResponse>()
      },
      preSerialization: (request, _reply, payload, done) => {
        expect(request.response).type.toBe<TemporaryResponse>()
        done(null, payload)
      },
      onSend: (request, _reply, payload, done) => {
        expect(request.response).type.toBe<TemporaryResponse>()
        done(null, payload)
      },
      handler: async (request) => {
        expect(request.response).type.toBe<TemporaryResponse>()
        return { ok: true }
      }
    })
  })
})

test('request.response is not replaceable by something else', () => {
  app.get('/replace', async (request) => {
    expect(request.response).type.not.toBeAssignableFrom<{ statusCode: number }>()
    expect(request.response).type.not.toBeAssignableFrom(undefined)
    return null
  })
})

test('request.response is read-only, as its getter-only decorator is at run time', () => {
  // `request.response = x` throws "Cannot set property response of #<_Request> which has only a getter".
  // toBe() compares with TypeScript's identity relation, which tells readonly properties apart.
  expect<Pick<FastifyRequest, 'response'>>().type.toBe<{ readonly response: TemporaryResponse }>()
})
