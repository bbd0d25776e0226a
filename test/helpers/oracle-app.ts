import Fastify from 'fastify'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import plugin from '../../plugin/index.ts'
import { draft07 } from './ajv.ts'
import { materialize } from './oracle-materialize.ts'
import type { Materialized } from './oracle-materialize.ts'
import type { OracleDialect, Shape } from './oracle-shapes.ts'
import { secrets } from './oracle-values.ts'
import type { Recipe } from './oracle-values.ts'

export const INVALID = 'FST_TEMP_RESPONSE_INVALID_RESPONSE'

/** A fresh app with one route declaring the shape for 200 and returning what `value()` builds. */
export async function serve (t: { teardown: (fn: () => unknown) => void }, dialect: OracleDialect, shape: Shape, value: () => unknown): Promise<LightMyRequestResponse> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin)
  app.get('/', { schema: { response: { 200: dialect.schema(shape) } } }, async () => value())
  return app.inject('/')
}

/** One request of the oracle: which route, which status the handler stages, what it returns. */
export interface OracleCase {
  route: string
  status: 200 | 201
  recipe: Recipe
}

export interface OracleApp {
  app: FastifyInstance
  /** Ajv's validator of each route's schema per status, compiled before Fastify saw the schema. */
  validators: Map<string, (data: unknown) => boolean>
  /** Runs one case: a fresh live value, the response, and the counters of what was read. */
  run: (oracleCase: OracleCase) => Promise<{ res: LightMyRequestResponse, built: Materialized }>
}

/**
 * One app per dialect: a route per shape, declaring the shape for 200 and the next shape for 201.
 * The handler stages the case's status on request.response and returns the case's value.
 */
export async function buildOracleApp (t: { teardown: (fn: () => unknown) => void }, dialect: OracleDialect, shapes: Record<string, Shape>): Promise<OracleApp> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin)
  const names = Object.keys(shapes)
  const validators = new Map<string, (data: unknown) => boolean>()
  let current: { oracleCase: OracleCase, built: Materialized } | null = null
  for (const [index, name] of names.entries()) {
    const schemas = { 200: dialect.schema(shapes[name]), 201: dialect.schema(shapes[names[(index + 1) % names.length]]) }
    for (const [status, schema] of Object.entries(schemas)) {
      const validate = draft07().compile(schema as object)
      validators.set(`${name} ${status}`, data => validate(data) as boolean)
    }
    app.get(`/${name}`, { schema: { response: schemas } }, async request => {
      const { oracleCase, built } = current as NonNullable<typeof current>
      if (oracleCase.status !== 200) request.response.statusCode = oracleCase.status
      return built.value
    })
  }
  await app.ready()
  return {
    app,
    validators,
    async run (oracleCase) {
      current = { oracleCase, built: materialize(oracleCase.recipe) }
      const res = await app.inject(`/${oracleCase.route}`)
      return { res, built: current.built }
    }
  }
}

function parse (body: string): { ok: true, value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) }
  } catch {
    return { ok: false }
  }
}

function kinds (counters: Materialized['counters']): string {
  return [...new Set(counters.map(counter => counter.label.replace(/ .*$/, '')))].sort().join(', ')
}

/**
 * What is wrong with one response of the oracle, one line per kind of problem (the kind first,
 * then the specifics after a colon): an empty list when nothing is.
 */
export function judgeOracle (oracle: OracleApp, oracleCase: OracleCase, res: LightMyRequestResponse, built: Materialized): string[] {
  const problems: string[] = []
  for (const secret of secrets) if (res.body.includes(secret)) problems.push(`planted secret ${secret} sent (status ${res.statusCode})`)
  const twice = built.counters.filter(counter => counter.count > 1)
  if (twice.length > 0) problems.push(`${kinds(twice)} read more than once: ${twice.map(counter => `${counter.label} ×${counter.count}`).join(', ')}`)
  if (res.statusCode >= 200 && res.statusCode < 300) {
    const body = String(res.headers['content-type']).startsWith('text/plain') ? { ok: true, value: res.body } : parse(res.body)
    const validate = oracle.validators.get(`${oracleCase.route} ${res.statusCode}`)
    if (validate === undefined) problems.push(`status ${res.statusCode} sent without a schema`)
    else if (!body.ok || !validate(body.value)) problems.push(`2xx body fails Ajv against the schema of /${oracleCase.route} ${res.statusCode}: ${res.body.slice(0, 120)}`)
    const unread = built.counters.filter(counter => counter.count === 0 && counter.mustRun)
    if (unread.length > 0) problems.push(`${kinds(unread)} never ran on a 2xx: ${unread.map(counter => counter.label).join(', ')}`)
  } else if (res.statusCode !== 500 || parse(res.body).ok === false || (JSON.parse(res.body) as { code?: string }).code !== INVALID) {
    problems.push(`error response is not the coded 500: status ${res.statusCode}`)
  }
  return problems
}
