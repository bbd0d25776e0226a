import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'

/**
 * An independent draft-07 checker: Ajv's default class is draft-07, with every ajv-formats format
 * in its full mode, as Fastify's validator and fast-json-stringify add them. No coercion, no
 * defaults, no removal: it only judges what it is given.
 */
export function draft07 (): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false })
  addFormats.default(ajv)
  return ajv
}
