import T from 'typebox'
import { Type as S } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { TypeBoxTypeProvider as TypeBoxTypeProvider5 } from 'tp5'
import Fastify from 'fastify'
import { describe, expect, test } from 'tstyche'
import temporaryResponse from '../../plugin/index.ts'
import type { TemporaryResponseTypeProvider } from '../../plugin/type-providers/typebox.ts'
import type { TemporaryResponseTypeProvider as SinclairTypeProvider } from '../../plugin/type-providers/sinclair.ts'

// Under the plugin's type providers a handler returns the decoded type of its response
// schema (a Date for a date codec); request types stay as @fastify/type-provider-typebox gives them.

const At = T.Codec(T.String({ format: 'date-time' })).Decode((s: string) => new Date(s)).Encode((d: Date) => d.toISOString())
const AtS = S.Transform(S.String({ format: 'date-time' })).Decode((s: string) => new Date(s)).Encode((d: Date) => d.toISOString())

describe('typebox 1.x: TemporaryResponseTypeProvider', () => {
  const app = Fastify().withTypeProvider<TemporaryResponseTypeProvider>()
  app.register(temporaryResponse)
  const options = { schema: { querystring: T.Object({ q: T.String() }), body: T.Object({ at: T.String() }), response: { 200: T.Object({ at: At }) } } }

  test('the handler returns the decoded type', () => {
    expect(app.post).type.toBeCallableWith('/', options, async () => ({ at: new Date() }))
    expect(app.post).type.not.toBeCallableWith('/', options, async () => ({ at: 'x' }))
    // @ts-expect-error Type 'string' is not assignable to type 'Date'
    app.post('/', options, async () => ({ at: 'x' }))
  })

  test('request types are those of @fastify/type-provider-typebox 6.x', () => {
    app.post('/', options, async (request) => {
      expect(request.query).type.toBe<{ q: string }>()
      expect(request.body).type.toBe<{ at: string }>()
      return { at: new Date() }
    })
    const plain = Fastify().withTypeProvider<TypeBoxTypeProvider>()
    plain.post('/', options, async (request) => {
      expect(request.body).type.toBe<{ at: string }>()
      return { at: '2020-01-01T00:00:00.000Z' }
    })
  })
})

describe('@sinclair/typebox 0.34: TemporaryResponseTypeProvider from /sinclair', () => {
  const app = Fastify().withTypeProvider<SinclairTypeProvider>()
  app.register(temporaryResponse)
  const options = { schema: { querystring: S.Object({ q: S.String() }), body: S.Object({ at: S.String() }), response: { 200: S.Object({ at: AtS }) } } }

  test('the handler returns the decoded type', () => {
    expect(app.post).type.toBeCallableWith('/', options, async () => ({ at: new Date() }))
    expect(app.post).type.not.toBeCallableWith('/', options, async () => ({ at: 'x' }))
    // @ts-expect-error Type 'string' is not assignable to type 'Date'
    app.post('/', options, async () => ({ at: 'x' }))
  })

  test('request types are those of @fastify/type-provider-typebox 5.x', () => {
    app.post('/', options, async (request) => {
      expect(request.query).type.toBe<{ q: string }>()
      expect(request.body).type.toBe<{ at: string }>()
      return { at: new Date() }
    })
    const plain = Fastify().withTypeProvider<TypeBoxTypeProvider5>()
    plain.post('/', options, async (request) => {
      expect(request.body).type.toBe<{ at: string }>()
      return { at: '2020-01-01T00:00:00.000Z' }
    })
  })
})
