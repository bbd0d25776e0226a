import Fastify from 'fastify'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import plugin from '../../plugin/index.ts'
import type { FastifyTemporaryResponseOptions } from '../../plugin/index.ts'

interface Teardown {
  teardown: (fn: () => unknown) => void
}

/** A fresh Fastify with the plugin registered, closed when the test ends. */
export async function build (
  t: Teardown,
  options: FastifyTemporaryResponseOptions = {},
  serverOptions: FastifyServerOptions = {}
): Promise<FastifyInstance> {
  const app = Fastify(serverOptions)
  t.teardown(() => app.close())
  await app.register(plugin, options)
  return app
}

/** Splits a comma-separated header into its elements, as a client would. */
export function list (value: unknown): string[] {
  return typeof value === 'string' && value !== '' ? value.split(/\s*,\s*/) : []
}
