import type { FastifyTypeProvider } from 'fastify'
import type { Static, StaticDecode, TSchema } from 'typebox'

/**
 * The type provider for `typebox` 1.x response models that convert: a handler returns the
 * *decoded* type of its response schema (`StaticDecode`, a `Date` for a date codec), which the
 * plugin encodes on the way out. Request types are those of `@fastify/type-provider-typebox` 6.x.
 * @example
 * import type { TemporaryResponseTypeProvider } from 'fastify-temporary-response/typebox'
 * const app = Fastify().withTypeProvider<TemporaryResponseTypeProvider>()
 */
export interface TemporaryResponseTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends TSchema ? Static<this['schema']> : unknown
  serializer: this['schema'] extends TSchema ? StaticDecode<this['schema']> : unknown
}
