import { FST_TEMP_RESPONSE_INVALID_RESPONSE } from '../errors.ts'
import type { Reader } from './plan.ts'
import type { Writer } from './plan-writer.ts'
import { DirectMismatch } from './plan-direct-runtime.ts'
import type { DirectWriter } from './plan-direct.ts'
import { escapePointer } from './schema-bundle.ts'
import { dropHeld, writeOrdered } from './snapshot-runtime.ts'
import type { PlanState } from './snapshot-runtime.ts'

// The validating serializer of a route: Fastify calls it with the returned value (codecs already
// encoded by the preSerialization hook); it reads the value once into its snapshot, checks the
// snapshot, and writes exactly the snapshot. So what the client receives is what was checked.

/** Where, and what was expected: never the value. */
export interface Mismatch { path: string, message: string }

/** The compiled check of a bundled schema. */
export interface Checker {
  Check: (value: unknown) => boolean
  Errors: (value: unknown) => Iterable<{ keyword: string, instancePath: string, params: unknown, message: string }>
}

/**
 * What the preSerialization hook hands on for a body the staged status drops (204, 304): there
 * is nothing to check, and Fastify sends no body.
 */
export const droppedBody = Object.freeze({})

/** Serializes one value, or throws `FST_TEMP_RESPONSE_INVALID_RESPONSE` with its `details`. */
export type Serialize = (data: unknown) => string

/** At most ten mismatches, one per missing property: paths and messages, never values. */
export function listMismatches (errors: Checker['Errors'] extends (value: unknown) => infer E ? E : never): Mismatch[] {
  const mismatches: Mismatch[] = []
  for (const error of errors) {
    const missing = error.keyword === 'required' ? (error.params as { requiredProperties?: string[] }).requiredProperties : undefined
    for (const name of missing ?? []) mismatches.push({ path: `${error.instancePath}/${escapePointer(name)}`, message: 'Required property' })
    if (missing === undefined) mismatches.push({ path: error.instancePath, message: error.message })
    if (mismatches.length >= 10) return mismatches.slice(0, 10)
  }
  return mismatches
}

/** The coded 500 of a body that does not match: the details go to the log, never to the client. */
export function invalidResponse (status: string | number, details: Mismatch[], cause?: unknown): Error {
  const error = new FST_TEMP_RESPONSE_INVALID_RESPONSE(status)
  Object.assign(error, cause === undefined ? { details } : { details, cause })
  return error
}

/** The message of what user code threw, for the log: whatever was thrown, reading it never throws. */
function messageOf (error: unknown): string {
  try {
    return String((error as Error).message)
  } catch {
    return 'an exception whose message cannot be read'
  }
}

/** The check of a snapshot: `null` when it matches. */
function checkSnapshot (checker: Checker, snapshot: unknown): Mismatch[] | null {
  return checker.Check(snapshot) ? null : listMismatches(checker.Errors(snapshot))
}

/**
 * The plan of one status and media type: read once, check, write. Keys kept only for the check
 * (undeclared keys under `additionalProperties: false`, `propertyNames`, `minProperties`, ...) are
 * dropped before the write, and what is left is checked again: the body written is a checked value.
 * Where the schema has a direct writer (plan-direct.ts), it does the three in one pass.
 */
export function createPlan (read: Reader, write: Writer, checker: Checker, status: string, compileDirect: () => DirectWriter | null = () => null): { serialize: Serialize, snapshot: (data: unknown) => unknown } {
  // Compiled at the first body, not at ready(): a route that is never called costs no writer.
  let direct: DirectWriter | null | undefined
  function snapshotOf (data: unknown, state: PlanState): unknown {
    let snapshot: unknown
    try {
      snapshot = read(data, state)
    } catch (error) {
      throw invalidResponse(status, [{ path: '', message: `the data cannot be serialized: ${messageOf(error)}` }])
    }
    let mismatches: Mismatch[] | null
    try {
      mismatches = checkSnapshot(checker, snapshot)
      if (mismatches === null && state.held !== null) {
        dropHeld(state.held)
        mismatches = checkSnapshot(checker, snapshot)
      }
    } catch (error) {
      // An application's refinement (typebox's Refine) can throw.
      mismatches = [{ path: '', message: `the data cannot be checked: ${messageOf(error)}` }]
    }
    if (mismatches !== null) throw invalidResponse(status, mismatches)
    return snapshot
  }
  return {
    serialize: function serializeChecked (data) {
      if (data === droppedBody) return ''
      if (direct === undefined) direct = compileDirect()
      if (direct !== null) {
        try {
          return direct(data)
        } catch (error) {
          throw invalidResponse(status, error instanceof DirectMismatch ? error.details : [{ path: '', message: `the data cannot be serialized: ${messageOf(error)}` }])
        }
      }
      const state: PlanState = { held: null, order: null }
      const snapshot = snapshotOf(data, state)
      return state.order === null ? write(snapshot) : writeOrdered(snapshot, state.order)
    },
    // For a serializer that is not the model's: it writes the snapshot by its own rules (key order included).
    snapshot: data => snapshotOf(data, { held: null, order: null })
  }
}
