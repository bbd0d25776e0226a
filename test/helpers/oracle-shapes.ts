import { Type as Sinclair } from '@sinclair/typebox'
import Type from 'typebox'

/** What a response schema of the oracle says, independent of the dialect it is written in. */
export type Shape =
  | { kind: 'object', props: Record<string, Shape>, optional?: string[], closed?: boolean, pattern?: [string, Shape] }
  | { kind: 'array', items: Shape, minItems?: number, uniqueItems?: boolean }
  | { kind: 'integer', maximum?: number }
  | { kind: 'number', multipleOf?: number }
  | { kind: 'string', format?: 'date-time' | 'email' }
  | { kind: 'boolean' }
  | { kind: 'null' }
  | { kind: 'union', of: Shape[] }
  | { kind: 'enum', values: Array<string | boolean> }

const str: Shape = { kind: 'string' }
const small: Shape = { kind: 'integer', maximum: 10 }
const dateTime: Shape = { kind: 'string', format: 'date-time' }

/** The response schemas the oracle serves: a handful, covering what the issue lists. */
export const shapes: Record<string, Shape> = {
  user: {
    kind: 'object',
    closed: true,
    optional: ['email'],
    props: {
      id: small,
      name: str,
      email: { kind: 'string', format: 'email' },
      role: { kind: 'enum', values: ['admin', 'user'] },
      active: { kind: 'boolean' },
      created: dateTime
    }
  },
  page: {
    kind: 'object',
    props: {
      items: { kind: 'array', items: { kind: 'object', props: { sku: str, qty: small } } },
      next: { kind: 'union', of: [str, { kind: 'null' }] }
    }
  },
  nested: {
    kind: 'object',
    optional: ['note'],
    props: { owner: { kind: 'object', props: { name: str, tags: { kind: 'array', items: str } } }, note: str }
  },
  labels: {
    kind: 'object',
    props: { labels: { kind: 'object', props: {}, closed: true, pattern: ['^x-', str] } }
  },
  flags: { kind: 'array', items: { kind: 'enum', values: [true] } },
  // multipleOf as Ajv reads it (float division), uniqueItems over numbers that JSON may write alike (-0).
  prices: {
    kind: 'object',
    props: {
      amounts: { kind: 'array', items: { kind: 'number', multipleOf: 0.01 }, uniqueItems: true },
      step: { kind: 'number', multipleOf: 0.5 }
    }
  },
  event: {
    kind: 'object',
    props: {
      when: dateTime,
      count: small,
      ratio: { kind: 'number' },
      ok: { kind: 'boolean' },
      kind: { kind: 'union', of: [{ kind: 'enum', values: ['a', 'b'] }, { kind: 'null' }] }
    }
  }
}

function arrayOptions (shape: Extract<Shape, { kind: 'array' }>): object {
  return { ...(shape.minItems === undefined ? {} : { minItems: shape.minItems }), ...(shape.uniqueItems === true ? { uniqueItems: true } : {}) }
}

/** Builds a schema of one dialect: typebox 1.x and @sinclair/typebox 0.34 share TypeBox's names. */
function typebox (T: any, shape: Shape): unknown {
  switch (shape.kind) {
    case 'object': {
      const props = Object.fromEntries(Object.entries(shape.props).map(([key, value]) =>
        [key, shape.optional?.includes(key) ? T.Optional(typebox(T, value)) : typebox(T, value)]))
      const options = {
        ...(shape.closed ? { additionalProperties: false } : {}),
        ...(shape.pattern ? { patternProperties: { [shape.pattern[0]]: typebox(T, shape.pattern[1]) } } : {})
      }
      return T.Object(props, options)
    }
    case 'array': return T.Array(typebox(T, shape.items), arrayOptions(shape))
    case 'integer': return T.Integer(shape.maximum === undefined ? {} : { maximum: shape.maximum })
    case 'number': return T.Number(shape.multipleOf === undefined ? {} : { multipleOf: shape.multipleOf })
    case 'string': return T.String(shape.format === undefined ? {} : { format: shape.format })
    case 'boolean': return T.Boolean()
    case 'null': return T.Null()
    case 'union': return T.Union(shape.of.map(of => typebox(T, of)))
    case 'enum': return T.Union(shape.values.map(value => T.Literal(value)))
  }
}

/** Plain JSON Schema, as a user without TypeBox writes it. */
function json (shape: Shape): unknown {
  switch (shape.kind) {
    case 'object': {
      const required = Object.keys(shape.props).filter(key => !shape.optional?.includes(key))
      return {
        type: 'object',
        properties: Object.fromEntries(Object.entries(shape.props).map(([key, value]) => [key, json(value)])),
        ...(required.length === 0 ? {} : { required }),
        ...(shape.closed ? { additionalProperties: false } : {}),
        ...(shape.pattern ? { patternProperties: { [shape.pattern[0]]: json(shape.pattern[1]) } } : {})
      }
    }
    case 'array': return { type: 'array', items: json(shape.items), ...arrayOptions(shape) }
    case 'number': return shape.multipleOf === undefined ? { type: 'number' } : { type: 'number', multipleOf: shape.multipleOf }
    case 'union': return { anyOf: shape.of.map(json) }
    case 'enum': return { enum: shape.values }
    case 'integer': return shape.maximum === undefined ? { type: 'integer' } : { type: 'integer', maximum: shape.maximum }
    case 'string': return shape.format === undefined ? { type: 'string' } : { type: 'string', format: shape.format }
    default: return { type: shape.kind }
  }
}

export interface OracleDialect {
  name: string
  schema: (shape: Shape) => unknown
}

export const oracleDialects: OracleDialect[] = [
  { name: 'typebox 1.x', schema: shape => typebox(Type, shape) },
  { name: '@sinclair/typebox 0.34', schema: shape => typebox(Sinclair, shape) },
  { name: 'plain JSON Schema', schema: json }
]
