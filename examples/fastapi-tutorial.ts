// The FastAPI tutorial pages this plugin ports, route for route:
// "Response - Change Status Code", "Response Headers", "Response Cookies".
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox' // @fastify/type-provider-typebox 5.x's line; examples/demo.ts uses typebox 1.x
import temporaryResponse from '../plugin/index.ts'

/**
 * (a) Handlers stage a header, a cookie and a status on `request.response` and
 * return plain data; a hook (FastAPI's dependency) stages a header too.
 * A plain Fastify plugin: register `temporaryResponse` on the root first.
 */
export async function tutorialRoutes (app: FastifyInstance): Promise<void> {
  // A dependency in FastAPI is a hook here: it shares the request's temporary response.
  app.addHook('preHandler', async request => {
    request.response.headers.set('X-Request-Id', request.id)
  })

  // FastAPI: response.headers["X-Cat-Dog"] = "alone in the world"
  app.get('/headers-and-object/', async request => {
    request.response.headers.set('X-Cat-Dog', 'alone in the world')
    return { message: 'Hello World' }
  })

  // FastAPI: response.set_cookie(key="fakesession", value="fake-cookie-session-value")
  app.post('/cookie-and-object/', async request => {
    request.response.setCookie('fakesession', 'fake-cookie-session-value')
    return { message: 'Come to the dark side, we have cookies' }
  })

  // FastAPI: response.status_code = status.HTTP_201_CREATED, with a response_model per status.
  const tasks = new Map([['foo', 'Listen to the Bardo Thodol']])
  app.put('/get-or-create-task/:taskId', {
    schema: {
      params: Type.Object({ taskId: Type.String() }),
      response: { '2xx': Type.Object({ task: Type.String() }) }
    }
  }, async request => {
    const { taskId } = request.params as { taskId: string }
    if (!tasks.has(taskId)) {
      tasks.set(taskId, "This didn't exist before")
      request.response.statusCode = 201
    }
    return { task: tasks.get(taskId), internalNote: 'filtered out by the response schema' }
  })
}

/**
 * (b) Returning a response directly, with its own headers, while a hook staged
 * others: explicit headers win over staged ones of the same name, and the rest
 * of what was staged still reaches the client (FastAPI drops it).
 */
export async function directResponseRoutes (app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', async request => {
    request.response.headers.set('X-Request-Id', request.id)
    request.response.headers.set('Content-Language', 'de-DE')
  })

  // FastAPI: return JSONResponse(content=content, headers=headers)
  app.get('/headers/', async (_request, reply) => {
    reply.headers({ 'X-Cat-Dog': 'alone in the world', 'Content-Language': 'en-US' })
    return { message: 'Hello World' }
  })

  // The same with a Web Response, and a cookie set on it (FastAPI: response.set_cookie on a JSONResponse).
  app.post('/cookie/', async () => {
    return new Response(JSON.stringify({ message: 'Come to the dark side, we have cookies' }), {
      headers: {
        'content-type': 'application/json',
        'content-language': 'en-US',
        'set-cookie': 'fakesession=fake-cookie-session-value; Path=/; SameSite=Lax'
      }
    })
  })
}

/** A standalone app serving both examples: (a) at `/`, (b) under `/direct`. */
export async function buildExampleApp (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(temporaryResponse)
  await app.register(tutorialRoutes)
  await app.register(directResponseRoutes, { prefix: '/direct' })
  return app
}
