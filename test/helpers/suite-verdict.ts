import type { LightMyRequestResponse } from 'fastify'

export const INVALID = 'FST_TEMP_RESPONSE_INVALID_RESPONSE'

/** How one case of the suite went, as a column of the summary. */
export type Verdict = 'agree' | 'refused at ready' | 'invalid sent' | 'valid refused' | 'body differs' | 'crash'

export const verdicts: Verdict[] = ['agree', 'refused at ready', 'invalid sent', 'valid refused', 'body differs', 'crash']

export interface CaseResult {
  /** `file › schema › test`, as the suite names them. */
  name: string
  verdict: Verdict
  /** The schema, the instance and what the client received. */
  detail: string
  /** Whether Ajv (draft-07, ajv-formats) agrees with the suite's `valid` flag; informative. */
  ajvAgrees: boolean
}

export function describeResponse (res: LightMyRequestResponse | Error): string {
  if (res instanceof Error) return `inject threw ${res.message}`
  return `${res.statusCode} ${res.headers['content-type']} ${res.body.slice(0, 160)}`
}

export function describePlain (plain: LightMyRequestResponse | Error | null, conforms: (value: unknown) => boolean): string {
  if (plain === null) return 'refuses the schema'
  if (plain instanceof Error || plain.statusCode !== 200) return describeResponse(plain)
  return `${describeResponse(plain)} (${conforms(bodyValue(plain)) ? 'conforms' : 'does not conform'} to the schema)`
}

function isCoded500 (res: LightMyRequestResponse): boolean {
  if (res.statusCode !== 500) return false
  try {
    return JSON.parse(res.body).code === INVALID
  } catch {
    return false
  }
}

function parseJSON (body: string): unknown {
  try {
    return JSON.parse(body)
  } catch {
    return Symbol('not JSON')
  }
}

/** The value a 2xx body carries: its JSON, or the string itself when it was sent as text. */
function bodyValue (res: LightMyRequestResponse): unknown {
  return String(res.headers['content-type']).startsWith('text/plain') ? res.body : parseJSON(res.body)
}

export interface Outcome {
  plain: LightMyRequestResponse | Error | null
  plugin: LightMyRequestResponse | Error
  valid: boolean
  data: unknown
  /** Whether a body's value conforms to the schema (Ajv; the suite's verdict where Ajv strays from it). */
  conforms: (value: unknown) => boolean
}

/**
 * The verdict on one case. A valid instance is sent as plain Fastify sends it, when what plain
 * Fastify sends conforms to the schema. Where plain Fastify fails on it, or sends a body the schema
 * refuses (fast-json-stringify infers a `type` from `items` or `maxLength` and coerces 100 to
 * "100", drops properties under `minProperties`, writes a `default` the schema refuses), the
 * plugin's 2xx must conform; refusing the schema at ready() is the other way out. An invalid
 * instance is the coded 500, and no coded 500 repeats the value.
 */
export function judge ({ plain, plugin, valid, data, conforms }: Outcome, errorBodies: Set<string>): Verdict {
  if (plugin instanceof Error) return 'crash'
  if (isCoded500(plugin)) {
    errorBodies.add(plugin.body)
    const echoed = JSON.stringify(data)
    if (echoed.length > 3 && plugin.body.includes(echoed)) return 'crash'
    return valid ? 'valid refused' : 'agree'
  }
  if (plugin.statusCode < 200 || plugin.statusCode >= 300) return 'crash'
  if (!valid) return 'invalid sent'
  if (!conforms(bodyValue(plugin))) return 'body differs'
  if (plain instanceof Error || plain === null || plain.statusCode !== 200 || !conforms(bodyValue(plain))) return 'agree'
  const same = plain.headers['content-type'] === plugin.headers['content-type'] && plain.rawPayload.equals(plugin.rawPayload)
  return same ? 'agree' : 'body differs'
}
