// The routes of the benchmark scenarios, each written three ways:
// - by hand, the physical limit (A): header strings and the Set-Cookie line written directly;
// - as Fastify users write it (A′): reply.header(), reply.code(), @fastify/cookie's setCookie();
// - staged on request.response (B), through the plugin's public API only.
// All three send the same bytes (same-work.js checks it), so a pair measures the same work.
import { Type as SinclairType } from '@sinclair/typebox'
import TypeBox from 'typebox'

// BENCH_DIALECT picks how the response schemas are written: `sinclair` (@sinclair/typebox 0.34,
// the default), `typebox` (typebox 1.x) or `json` (plain JSON Schema). Every variant of a run
// uses the same schemas.
export const DIALECT = process.env.BENCH_DIALECT ?? 'sinclair'
const dialects = {
  sinclair: SinclairType,
  typebox: TypeBox,
  json: {
    Object: (properties) => ({ type: 'object', properties, required: Object.keys(properties) }),
    Array: (items) => ({ type: 'array', items }),
    Integer: () => ({ type: 'integer' }),
    Number: () => ({ type: 'number' }),
    String: (options) => ({ type: 'string', ...options }),
    Boolean: () => ({ type: 'boolean' })
  }
}
if (dialects[DIALECT] === undefined) {
  throw new Error(`BENCH_DIALECT: unknown dialect '${DIALECT}', expected one of: ${Object.keys(dialects).join(', ')}`)
}
const Type = dialects[DIALECT]

const COOKIE_VALUE = 'opaque-session-token-0123456789'
// What the plugin writes for setCookie('session', COOKIE_VALUE, { httpOnly: true }).
const COOKIE_LINE = 'session=' + encodeURIComponent(COOKIE_VALUE) + '; Path=/; HttpOnly; SameSite=Lax'
const COOKIE_OPTIONS = { httpOnly: true, path: '/', sameSite: 'lax' }
const CAT_DOG = 'alone in the world'
const REMAINING = '99'
export const EXPOSED = ['X-Request-Id', 'X-Cat-Dog', 'X-Rate-Limit-Remaining']

export function addUntouchedRoute (app) {
  app.get('/', function helloWorld () {
    return { hello: 'world' }
  })
}

// `staged` and `cors`: a preHandler header, two handler headers, a cookie and status 201; the
// 201 model drops `secret`, so every side pays for the same filtering serializer.
const itemSchema = {
  response: {
    201: Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      tags: Type.Array(Type.String())
    })
  }
}

function createItem () {
  return { id: 42, name: 'cat-dog', tags: ['cat', 'dog'], secret: 'never on the wire' }
}

export function addItemByHand (app, { expose = false } = {}) {
  app.get('/item', {
    schema: itemSchema,
    preHandler: function stageRequestIdByHand (request, reply, done) {
      reply.header('x-request-id', request.id)
      done()
    }
  }, function createItemByHand (_request, reply) {
    reply.header('x-cat-dog', CAT_DOG)
    reply.header('x-rate-limit-remaining', REMAINING)
    reply.header('set-cookie', COOKIE_LINE)
    if (expose && reply.hasHeader('access-control-allow-origin')) {
      reply.header('access-control-expose-headers', 'X-Request-Id, X-Cat-Dog, X-Rate-Limit-Remaining')
    }
    reply.code(201)
    return createItem()
  })
}

// Needs @fastify/cookie registered; exposure, if any, is @fastify/cors's static exposedHeaders.
export function addItemAsUsersWriteIt (app) {
  app.get('/item', {
    schema: itemSchema,
    preHandler: function setRequestId (request, reply, done) {
      reply.header('X-Request-Id', request.id)
      done()
    }
  }, function createItemWithReply (_request, reply) {
    reply.header('X-Cat-Dog', CAT_DOG)
    reply.header('X-Rate-Limit-Remaining', REMAINING)
    reply.setCookie('session', COOKIE_VALUE, COOKIE_OPTIONS)
    reply.code(201)
    return createItem()
  })
}

export function addItemStaged (app) {
  app.get('/item', {
    schema: itemSchema,
    preHandler: function stageRequestId (request, _reply, done) {
      request.response.headers.set('X-Request-Id', request.id)
      done()
    }
  }, function createItemStaged (request) {
    request.response.headers.set('X-Cat-Dog', CAT_DOG)
    request.response.headers.set('X-Rate-Limit-Remaining', REMAINING)
    request.response.setCookie('session', COOKIE_VALUE, { httpOnly: true })
    request.response.statusCode = 201
    return createItem()
  })
}

// `realistic`: a page of 20 rows (about 2 KB of JSON once `internalNote` is filtered out by the
// model), a request id from a preHandler, a total count and a session cookie from the handler.
function pageSchema (createdAt) {
  return {
    response: {
      200: Type.Array(Type.Object({
        id: Type.Integer(),
        name: Type.String(),
        price: Type.Number(),
        tags: Type.Array(Type.String()),
        createdAt,
        active: Type.Boolean()
      }))
    }
  }
}
const listSchema = pageSchema(Type.String())
const PAGE = 20
const TAGS = [['cat'], ['dog', 'bird'], []]

// Fresh objects per request, as a database driver returns them.
function listRows () {
  const rows = new Array(PAGE)
  for (let i = 0; i < PAGE; i++) {
    rows[i] = {
      id: 1000 + i,
      name: 'Product ' + i,
      price: 9.99 + i,
      tags: TAGS[i % 3],
      createdAt: '2025-01-' + String(10 + i),
      active: i % 4 !== 0,
      internalNote: 'supplier margin 42%, never on the wire'
    }
  }
  return rows
}

// `dated`: the same page with `createdAt` a date-time (the format and ISO values), the format
// response checks spend most on.
const datedSchema = pageSchema(Type.String({ format: 'date-time' }))

function datedRows () {
  const rows = listRows()
  for (const row of rows) row.createdAt += 'T08:30:00.000Z'
  return rows
}

export const DATED = { path: '/dated', schema: datedSchema, rows: datedRows }

// The page routes, for `realistic`, `dated` and (with routes-model.js's page) `model`.
const PRODUCTS = { path: '/products', schema: listSchema, rows: listRows }

export function addListByHand (app, { path, schema, rows } = PRODUCTS) {
  app.get(path, {
    schema,
    preHandler: function setRequestIdByHand (request, reply, done) {
      reply.header('x-request-id', request.id)
      done()
    }
  }, function listProductsByHand (_request, reply) {
    reply.header('x-total-count', '20')
    reply.header('set-cookie', COOKIE_LINE)
    return rows()
  })
}

export function addListAsUsersWriteIt (app, { path, schema, rows } = PRODUCTS) {
  app.get(path, {
    schema,
    preHandler: function setRequestId (request, reply, done) {
      reply.header('X-Request-Id', request.id)
      done()
    }
  }, function listProductsWithReply (_request, reply) {
    reply.header('X-Total-Count', '20')
    reply.setCookie('session', COOKIE_VALUE, COOKIE_OPTIONS)
    return rows()
  })
}

export function addListStaged (app, { path, schema, rows } = PRODUCTS) {
  app.get(path, {
    schema,
    preHandler: function stageRequestId (request, _reply, done) {
      request.response.headers.set('X-Request-Id', request.id)
      done()
    }
  }, function listProductsStaged (request) {
    request.response.headers.set('X-Total-Count', '20')
    request.response.setCookie('session', COOKIE_VALUE, { httpOnly: true })
    return rows()
  })
}
