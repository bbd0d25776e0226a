import type { FastifyTypeProvider } from 'fastify'
import type { Static, StaticDecode, TSchema } from '@sinclair/typebox'

/**
 * The type provider for `@sinclair/typebox` 0.34 response models that convert: a handler
 * returns the *decoded* type of its response schema (`StaticDecode` of a `Type.Transform`),
 * which the plugin encodes on the way out. Request types are those of
 * `@fastify/type-provider-typebox` 5.x.
 * @example
 * import type { TemporaryResponseTypeProvider } from 'fastify-temporary-response/sinclair'
 * const app = Fastify().withTypeProvider<TemporaryResponseTypeProvider>()
 */
export interface TemporaryResponseTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends TSchema ? Static<this['schema']> : unknown
  serializer: this['schema'] extends TSchema ? StaticDecode<this['schema']> : unknown
}
