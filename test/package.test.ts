import { test } from 'tap'
import * as publicApi from '../plugin/index.ts'
import plugin, { fastifyTemporaryResponse, TemporaryResponse } from '../plugin/index.ts'

// Pins the runtime surface of the package (like h3 test/unit/package.test.ts):
// an export added or removed by accident fails here.
test('runtime exports of plugin/index.ts', async (t) => {
  t.same(Object.keys(publicApi).sort(), [
    'FST_TEMP_RESPONSE_ALREADY_REGISTERED',
    'FST_TEMP_RESPONSE_ALREADY_SENT',
    'FST_TEMP_RESPONSE_FORBIDDEN_HEADER',
    'FST_TEMP_RESPONSE_INVALID_COOKIE_NAME',
    'FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION',
    'FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE',
    'FST_TEMP_RESPONSE_INVALID_HEADER_NAME',
    'FST_TEMP_RESPONSE_INVALID_HEADER_VALUE',
    'FST_TEMP_RESPONSE_INVALID_OPTION',
    'FST_TEMP_RESPONSE_INVALID_RESPONSE',
    'FST_TEMP_RESPONSE_INVALID_STATUS_CODE',
    'FST_TEMP_RESPONSE_MISSING_COOKIE_SIGNER',
    'FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA',
    'TemporaryResponse',
    'default',
    'fastifyTemporaryResponse'
  ])
})

test('the default export is the named fastifyTemporaryResponse', async (t) => {
  t.equal(plugin, fastifyTemporaryResponse)
  t.equal(publicApi.default, publicApi.fastifyTemporaryResponse)
  t.type(plugin, 'function')
})

test('TemporaryResponse is a constructible class', async (t) => {
  t.type(TemporaryResponse, 'function')
  t.ok(new TemporaryResponse() instanceof TemporaryResponse)
})

test('fastify-plugin metadata: name and fastify version range', async (t) => {
  const wrapped = plugin as unknown as Record<symbol, unknown>
  t.same(wrapped[Symbol.for('plugin-meta')], {
    fastify: '5.x',
    name: 'fastify-temporary-response'
  })
  t.equal(wrapped[Symbol.for('fastify.display-name')], 'fastify-temporary-response')
  // fastify-plugin: one registration serves the whole app (no encapsulation)
  t.equal(wrapped[Symbol.for('skip-override')], true)
})
