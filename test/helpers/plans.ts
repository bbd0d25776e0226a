import { Compile } from 'typebox/compile'
import type { TSchema } from 'typebox'
import { resolveFormat } from '../../plugin/model/formats.ts'
import { compileDirect } from '../../plugin/model/plan-direct.ts'
import { compileReader, derefIn } from '../../plugin/model/plan.ts'
import { compileWriter } from '../../plugin/model/plan-writer.ts'
import { bundleSchema } from '../../plugin/model/schema-bundle.ts'
import { createPlan } from '../../plugin/model/serializer.ts'

/** What a plan did with a value: the body it wrote, or its coded refusal. */
export type Outcome = { body: string } | { refused: string, details: Array<{ path: string, message: string }> }

/** Both ways of serializing a schema: the direct path (if it covers the schema) and the plan's three steps. */
export function plans (schema: unknown): { direct: (value: unknown) => Outcome, steps: (value: unknown) => Outcome, covered: boolean } {
  const root = bundleSchema(schema, {}, (name, node) => resolveFormat(name, node, null))
  const deref = derefIn(root)
  const read = compileReader(root)
  const write = compileWriter(root, deref)
  const check = Compile(root as TSchema)
  const writer = compileDirect(root, deref)
  const outcome = (plan: ReturnType<typeof createPlan>) => (value: unknown): Outcome => {
    try {
      return { body: plan.serialize(value) }
    } catch (error) {
      return { refused: (error as { code: string }).code, details: (error as { details: Outcome[] }).details as never }
    }
  }
  return { direct: outcome(createPlan(read, write, check, '200', () => writer)), steps: outcome(createPlan(read, write, check, '200')), covered: writer !== null }
}
