// The `model` scenario's page: 20 rows through a schema a response check has work to do on
// (formats, a pattern, an enum, bounds, a nested object, a nullable date-time, an optional uri),
// served by routes.js's page routes, written the three ways. Rows are fresh per request, as a database driver returns
// them, with ISO strings for the dates (@fastify/response-validation's Ajv refuses a Date object
// at a string node, so users of it return strings) and an undeclared field every side filters.
import { Type as SinclairType } from '@sinclair/typebox'
import TypeBox from 'typebox'
import { DIALECT } from './routes.js'

const STATUSES = ['active', 'archived', 'draft']

function typeboxRow (Type) {
  return Type.Object({
    id: Type.Integer({ minimum: 1 }),
    uuid: Type.String({ format: 'uuid' }),
    sku: Type.String({ pattern: '^SKU-[0-9]{4}$' }),
    name: Type.String({ minLength: 1, maxLength: 80 }),
    email: Type.String({ format: 'email' }),
    status: Type.Union(STATUSES.map((status) => Type.Literal(status))),
    price: Type.Number({ minimum: 0 }),
    stock: Type.Integer({ minimum: 0, maximum: 100000 }),
    tags: Type.Array(Type.String({ maxLength: 20 }), { maxItems: 8 }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    homepage: Type.Optional(Type.String({ format: 'uri' })),
    seller: Type.Object({ id: Type.Integer(), name: Type.String(), verified: Type.Boolean() })
  })
}

// Plain JSON Schema as its users write it: an `enum`, a type list for the nullable field.
const jsonRow = {
  type: 'object',
  properties: {
    id: { type: 'integer', minimum: 1 },
    uuid: { type: 'string', format: 'uuid' },
    sku: { type: 'string', pattern: '^SKU-[0-9]{4}$' },
    name: { type: 'string', minLength: 1, maxLength: 80 },
    email: { type: 'string', format: 'email' },
    status: { type: 'string', enum: STATUSES },
    price: { type: 'number', minimum: 0 },
    stock: { type: 'integer', minimum: 0, maximum: 100000 },
    tags: { type: 'array', items: { type: 'string', maxLength: 20 }, maxItems: 8 },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: ['string', 'null'], format: 'date-time' },
    homepage: { type: 'string', format: 'uri' },
    seller: {
      type: 'object',
      properties: { id: { type: 'integer' }, name: { type: 'string' }, verified: { type: 'boolean' } },
      required: ['id', 'name', 'verified']
    }
  },
  required: ['id', 'uuid', 'sku', 'name', 'email', 'status', 'price', 'stock', 'tags', 'createdAt', 'updatedAt', 'seller']
}

const rowSchemas = {
  sinclair: () => SinclairType.Array(typeboxRow(SinclairType)),
  typebox: () => TypeBox.Array(typeboxRow(TypeBox)),
  json: () => ({ type: 'array', items: jsonRow })
}
const pageSchema = { response: { 200: rowSchemas[DIALECT]() } }

const PAGE = 20
const TAGS = [['cat'], ['dog', 'bird'], []]

function modelRows () {
  const rows = new Array(PAGE)
  for (let i = 0; i < PAGE; i++) {
    const n = String(i).padStart(4, '0')
    const row = {
      id: 1000 + i,
      uuid: `3f2b8c1e-7d4a-4e9b-a1c2-5d6e7f80${n}`,
      sku: 'SKU-' + n,
      name: 'Product ' + i,
      email: `seller${i}@example.com`,
      status: STATUSES[i % 3],
      price: 9.99 + i,
      stock: i * 7,
      tags: TAGS[i % 3],
      createdAt: `2025-01-${String(10 + i)}T08:30:00.000Z`,
      updatedAt: i % 2 === 0 ? null : `2025-03-${String(10 + i)}T17:05:00.000Z`,
      seller: { id: 7, name: 'Cat & Dog Ltd', verified: true },
      internalNote: 'supplier margin 42%, never on the wire'
    }
    if (i % 4 !== 0) row.homepage = `https://shop.example.com/products/${1000 + i}`
    rows[i] = row
  }
  return rows
}

/** The `model` page, for routes.js's page routes. */
export const MODELS = { path: '/models', schema: pageSchema, rows: modelRows }
