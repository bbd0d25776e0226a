import { Compile } from 'typebox/compile'
import type { TSchema } from 'typebox'
import { callToJSON, dateString, types } from './snapshot-runtime.ts'

// What the direct path's generated code calls at run time (plan-direct.ts): the reading of an
// object at a primitive node, and the notes of a mismatch, which never hold the value.

export interface Detail { path: string, message: string }

/** Where the value does not match, and what was expected: never the value. */
export class DirectMismatch {
  details: Detail[]
  constructor (details: Detail[]) {
    this.details = details
  }
}

/** At most this many mismatches are noted. */
export const noted = 10

/** The reader's reading of an object at a primitive node: `toJSON()` once, a Date by Date's own methods. */
export function readPrimitive (x: unknown, format: string | null): unknown {
  if (x === null || typeof x !== 'object') return x
  if (format !== null && types.isDate(x)) return dateString(x, format)
  return callToJSON(x)
}

const checks = new WeakMap<object, ReturnType<typeof Compile>>()

/** Notes the mismatch of a primitive: the checker's messages for that one value (compiled on the first one). */
export function primitiveMismatch (found: Detail[], node: Node, x: unknown, at: string): void {
  if (found.length >= noted) return
  let check = checks.get(node)
  if (check === undefined) checks.set(node, check = Compile(node as TSchema))
  const before = found.length
  for (const error of check.Errors(x)) found.push({ path: at + error.instancePath, message: error.message })
  // Never nothing: a value that is not written must be noted, or the body would be sent without it.
  if (found.length === before) found.push({ path: at, message: 'does not match its schema' })
}

/** Notes a mismatch of an object or array itself. */
export function ownMismatch (found: Detail[], path: string, message: string): void {
  if (found.length < noted) found.push({ path, message })
}

/** Puts the mismatches noted inside `at`, from `from` on, under it. */
export function within (found: Detail[], from: number, at: string): void {
  for (let i = from; i < found.length; i++) found[i].path = at + found[i].path
}
