import { Type as Sinclair } from '@sinclair/typebox'
import Type from 'typebox'
import type { FastifyInstance } from 'fastify'

/** The schema builders every dialect offers, under TypeBox's names. */
export interface Builders {
  Object: (properties: Record<string, any>, options?: object) => any
  Integer: (options?: object) => any
  Number: (options?: object) => any
  String: (options?: object) => any
  Boolean: () => any
  Null: () => any
  Array: (items: any) => any
  Optional: (schema: any) => any
  Union: (schemas: any[]) => any
  Literal: (value: string) => any
}

const optional = Symbol('optional')

/** Plain JSON Schema, written by hand as a user without TypeBox writes it. */
const json: Builders = {
  Object: (properties, options = {}) => {
    const required = Object.keys(properties).filter(key => !properties[key][optional])
    const plain = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, value[optional] ?? value]))
    return { type: 'object', properties: plain, ...(required.length === 0 ? {} : { required }), ...options }
  },
  Integer: (options = {}) => ({ type: 'integer', ...options }),
  Number: (options = {}) => ({ type: 'number', ...options }),
  String: (options = {}) => ({ type: 'string', ...options }),
  Boolean: () => ({ type: 'boolean' }),
  Null: () => ({ type: 'null' }),
  Array: items => ({ type: 'array', items }),
  Optional: schema => ({ [optional]: schema }),
  Union: schemas => ({ anyOf: schemas }),
  Literal: value => ({ const: value })
}

export interface Dialect {
  name: string
  T: Builders
  /**
   * The route's `schema.response` entry for a schema built with `T` (declared `headers` in its
   * options), written as this dialect writes it: inline, as a `$ref` to an `addSchema()` schema
   * (headers beside the `$ref`), or per media type (headers beside `content`, as
   * @fastify/swagger reads them).
   */
  response: (app: FastifyInstance, schema: any) => object
}

let shared = 0

function split (schema: any): [body: any, headers: object] {
  const { headers, ...body } = schema
  return [body, headers === undefined ? {} : { headers }]
}

/** Every way of writing a response schema that the response model must hold for. */
export const dialects: Dialect[] = [
  { name: 'typebox 1.x', T: Type as unknown as Builders, response: (_app, schema) => schema },
  { name: '@sinclair/typebox 0.34', T: Sinclair as unknown as Builders, response: (_app, schema) => schema },
  { name: 'plain JSON Schema', T: json, response: (_app, schema) => schema },
  {
    name: '$ref to an addSchema() schema',
    T: Type as unknown as Builders,
    response: (app, schema) => {
      const [body, headers] = split(schema)
      const id = `model-${++shared}`
      app.addSchema({ ...body, $id: id })
      return { $ref: `${id}#`, ...headers }
    }
  },
  {
    name: '$ref with a JSON pointer into an addSchema() schema',
    T: json,
    response: (app, schema) => {
      const [body, headers] = split(schema)
      const id = `wrapper-${++shared}`
      app.addSchema({ $id: id, type: 'object', properties: { model: body } })
      return { $ref: `${id}#/properties/model`, ...headers }
    }
  },
  {
    name: 'content-keyed (application/json)',
    T: Sinclair as unknown as Builders,
    response: (_app, schema) => {
      const [body, headers] = split(schema)
      return { content: { 'application/json': { schema: body } }, ...headers }
    }
  }
]
