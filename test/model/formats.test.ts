import { test } from 'tap'
import { FormatRegistry, Type } from '@sinclair/typebox'
import { build } from '../helpers/app.ts'

// A format name is looked up as a registry's own entry: Object.prototype's members are no formats.
const prototypeNames = ['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty']

for (const name of prototypeNames) {
  test(`format ${JSON.stringify(name)} is unknown: ready() fails, in every dialect`, async t => {
    const { default: Type1 } = await import('typebox')
    const schemas: Array<[string, object]> = [
      ['JSON Schema', { type: 'object', properties: { v: { type: 'string', format: name } } }],
      ['@sinclair/typebox', Type.Object({ v: Type.String({ format: name }) })],
      ['typebox', Type1.Object({ v: Type1.String({ format: name }) })]
    ]
    for (const [dialect, schema] of schemas) {
      const app = await build(t)
      app.get('/', { schema: { response: { 200: schema } } }, async () => ({ v: 'x' }))
      const error = await app.ready().then(() => null, (err: Error & { code?: string }) => err)
      t.equal(error?.code, 'FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA', dialect)
      t.match(error?.message, `format ${JSON.stringify(name)} is known to no format registry`, dialect)
    }
  })
}

test('a format named after an Object.prototype member is used when a registry really has it', async t => {
  FormatRegistry.Set('toString', value => value === 'ok')
  t.teardown(() => FormatRegistry.Delete('toString'))
  const { default: Type1 } = await import('typebox')
  const Format = await import('typebox/format')
  Format.Set('valueOf', value => value === 'ok')
  t.teardown(() => Format.Reset())
  const app = await build(t)
  const reply = async (request: { params: unknown }) => ({ v: (request.params as { value: string }).value })
  app.get('/sinclair/:value', { schema: { response: { 200: Type.Object({ v: Type.String({ format: 'toString' }) }) } } }, reply)
  app.get('/typebox/:value', { schema: { response: { 200: Type1.Object({ v: Type1.String({ format: 'valueOf' }) }) } } }, reply)
  for (const prefix of ['/sinclair', '/typebox']) {
    t.equal((await app.inject(`${prefix}/ok`)).statusCode, 200, prefix)
    t.equal((await app.inject(`${prefix}/no`)).statusCode, 500, prefix)
  }
})
