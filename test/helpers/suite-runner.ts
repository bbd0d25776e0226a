import { createRequire } from 'node:module'
import { isDeepStrictEqual } from 'node:util'
import Fastify from 'fastify'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import plugin from '../../plugin/index.ts'
import { draft07 } from './ajv.ts'
import type { RemoteSchema, SuiteCase, SuiteFile } from './json-schema-suite.ts'
import { describePlain, describeResponse, judge } from './suite-verdict.ts'
import type { CaseResult } from './suite-verdict.ts'

const require = createRequire(import.meta.url)
// Ajv knows the draft-07 meta-schema; Fastify needs it added, under its $id without the empty fragment
const metaSchema = { ...require('ajv/dist/refs/json-schema-draft-07.json'), $id: 'http://json-schema.org/draft-07/schema' }

export const UNCHECKABLE = 'FST_TEMP_RESPONSE_UNCHECKABLE_SCHEMA'
const routeRE = /\/s(\d+)x\//

/** Shared schemas a file needs: the suite's remotes under their URIs, the draft-07 meta-schema. */
function sharedSchemas (file: SuiteFile, remotes: RemoteSchema[]): Array<Record<string, unknown>> {
  const text = JSON.stringify(file.cases)
  const shared = text.includes('localhost:1234') ? remotes.map(remote => ({ ...remote.schema, $id: remote.id })) : []
  return text.includes('json-schema.org/draft-07/schema') ? [...shared, metaSchema] : shared
}

type Excluded = Map<number, Error>

async function buildApp (file: SuiteFile, shared: object[], withPlugin: boolean, excluded: Excluded): Promise<FastifyInstance> {
  const app = Fastify()
  if (withPlugin) await app.register(plugin)
  // Fastify writes inferred types into the schemas it is given: each app gets its own copy
  for (const schema of shared) app.addSchema(structuredClone(schema))
  for (const [index, suiteCase] of file.cases.entries()) {
    if (excluded.has(index)) continue
    try {
      app.get(`/s${index}x/:test`, { schema: { response: { 200: structuredClone(suiteCase.schema) as object } } },
        async request => structuredClone(suiteCase.tests[Number((request.params as { test: string }).test)].data))
    } catch (error) {
      excluded.set(index, error as Error)
    }
  }
  return app
}

/**
 * One app for the whole file, one route per schema. A schema refused at `ready()` is taken out by
 * the route its error names and the app is built again without it: at most one try per schema.
 */
async function readyApp (file: SuiteFile, shared: object[], withPlugin: boolean, excluded: Excluded): Promise<FastifyInstance> {
  for (let attempt = 0; attempt <= file.cases.length; attempt++) {
    const app = await buildApp(file, shared, withPlugin, excluded)
    try {
      await app.ready()
      return app
    } catch (error) {
      await app.close().catch(() => {})
      const match = routeRE.exec((error as Error).message)
      if (match === null || excluded.has(Number(match[1]))) throw error
      excluded.set(Number(match[1]), error as Error)
    }
  }
  throw new Error(`${file.name}: every schema was refused`)
}

async function inject (app: FastifyInstance | null, url: string): Promise<LightMyRequestResponse | Error | null> {
  if (app === null) return null
  try {
    return await app.inject(url)
  } catch (error) {
    return error as Error
  }
}

function compileAjv (shared: object[], schema: unknown): ((data: unknown) => boolean) | null {
  const ajv = draft07()
  for (const extra of shared) if (extra !== metaSchema) ajv.addSchema(structuredClone(extra))
  try {
    const validate = ajv.compile(structuredClone(schema) as object)
    return data => validate(data) as boolean
  } catch {
    return null
  }
}

function refusal (name: string, suiteCase: SuiteCase, error: Error, plainError: Error | undefined): CaseResult[] {
  const code = (error as Error & { code?: string }).code
  // a loud refusal: the plugin's own code, or any error at ready() when plain Fastify refuses the schema too
  const loud = code === UNCHECKABLE || plainError !== undefined
  return suiteCase.tests.map(test => ({
    name: `${name} › ${suiteCase.description} › ${test.description}`,
    verdict: loud ? 'refused at ready' : 'crash',
    detail: `schema ${JSON.stringify(suiteCase.schema)} refused at ready(): ${code} ${error.message.slice(0, 240)}`,
    ajvAgrees: true
  }))
}

interface Apps {
  plain: FastifyInstance
  plugin: FastifyInstance
  plainExcluded: Excluded
}

/**
 * draft-07 makes `contentMediaType` and `contentEncoding` annotations that a validator may leave
 * unchecked (Validation, section 8), and Fastify's Ajv does: so does the plugin. Their cases are
 * judged by what those keywords do not check.
 */
const annotationOnlyRE = /^optional\/content\.json$/

/** The tests of one schema that both apps serve, on the route `/s<index>x/<test>`. */
async function runCase (file: SuiteFile, index: number, apps: Apps, shared: object[], errorBodies: Set<string>): Promise<CaseResult[]> {
  const suiteCase = file.cases[index]
  const ajv = compileAjv(shared, suiteCase.schema)
  const results: CaseResult[] = []
  for (const [number, test] of suiteCase.tests.entries()) {
    const url = `/s${index}x/${number}`
    const ajvAgrees = ajv !== null && ajv(test.data) === test.valid
    const conforms = (value: unknown): boolean => ajvAgrees ? (ajv as (data: unknown) => boolean)(value) : isDeepStrictEqual(value, test.data)
    const plain = await inject(apps.plainExcluded.has(index) ? null : apps.plain, url)
    const plugin = await inject(apps.plugin, url) as LightMyRequestResponse | Error
    results.push({
      name: `${file.name} › ${suiteCase.description} › ${test.description}`,
      verdict: judge({ plain, plugin, valid: annotationOnlyRE.test(file.name) || test.valid, data: test.data, conforms }, errorBodies),
      detail: `schema ${JSON.stringify(suiteCase.schema)} instance ${JSON.stringify(test.data)} (valid: ${test.valid}) → ` +
        `sent ${describeResponse(plugin)}; plain Fastify ${describePlain(plain, conforms)}`,
      ajvAgrees
    })
  }
  return results
}

/** Runs every case of one file of the suite through plain Fastify and through the plugin. */
export async function runFile (file: SuiteFile, remotes: RemoteSchema[], errorBodies: Set<string>): Promise<CaseResult[]> {
  const shared = sharedSchemas(file, remotes)
  const plainExcluded: Excluded = new Map()
  const pluginExcluded: Excluded = new Map()
  const plain = await readyApp(file, shared, false, plainExcluded)
  let plugin: FastifyInstance
  try {
    plugin = await readyApp(file, shared, true, pluginExcluded)
  } catch (error) {
    await plain.close()
    // ready() failed without naming one of the routes: one app per schema finds which
    if (file.cases.length > 1) return (await Promise.all(file.cases.map(suiteCase => runFile({ name: file.name, cases: [suiteCase] }, remotes, errorBodies)))).flat()
    const plainError = plainExcluded.get(0)
    return refusal(file.name, file.cases[0], error as Error, plainError)
  }
  const results: CaseResult[] = []
  try {
    for (const [index, suiteCase] of file.cases.entries()) {
      const refused = pluginExcluded.get(index)
      results.push(...refused === undefined
        ? await runCase(file, index, { plain, plugin, plainExcluded }, shared, errorBodies)
        : refusal(file.name, suiteCase, refused, plainExcluded.get(index)))
    }
  } finally {
    await Promise.all([plain.close(), plugin.close()])
  }
  return results
}
