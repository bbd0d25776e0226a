// A small harness for the port of web-platform-tests' fetch/api/headers to request.response.headers:
// each case is written once against the Fetch Headers API and runs on Node's own Headers (the
// reference, which must pass it) and on the staged headers.
import { isDeepStrictEqual } from 'node:util'

/** One ported case. `refusedBy`: the code of the documented bad-input rule that refuses its first write. */
export interface WptCase {
  readonly file: string
  readonly title: string
  readonly run: (headers: Headers, make: () => Headers) => void
  readonly refusedBy?: string
}

/** What a case did on one side: passed, or threw (with the code, and what was left staged). */
export type Outcome =
  | { readonly ok: true }
  | { readonly ok: false, readonly name: string, readonly code: string | undefined, readonly message: string, readonly left: string[][] }

export function runCase (item: WptCase, headers: Headers, make: () => Headers): Outcome {
  try {
    item.run(headers, make)
    return { ok: true }
  } catch (err) {
    const error = err as Error & { code?: string }
    return { ok: false, name: error.name, code: error.code, message: error.message, left: [...headers].map(pair => [...pair]) }
  }
}

export type Verdict = 'pass' | 'differ' | 'fail'

/**
 * pass: the case holds on both sides. differ: Node passes it and ours refuses its first write
 * with the documented rule's code, leaving nothing staged. fail: anything else.
 */
export function judge (item: WptCase, reference: Outcome, ours: Outcome): Verdict {
  if (!reference.ok) return 'fail'
  if (item.refusedBy === undefined) return ours.ok ? 'pass' : 'fail'
  return !ours.ok && ours.code === item.refusedBy && ours.left.length === 0 ? 'differ' : 'fail'
}

// Assertions that throw, so a case reads like the test it ports.

export function equal (actual: unknown, expected: unknown, message = ''): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
  }
}

export function ok (value: boolean, message = ''): void {
  if (!value) throw new Error(`${message}: expected true`)
}

/** Throws unless fn throws a TypeError (Fetch's error for bad input; every coded error here is one). */
export function throwsTypeError (fn: () => unknown, message = ''): void {
  try {
    fn()
  } catch (err) {
    if (err instanceof TypeError) return
    throw new Error(`${message}: expected a TypeError, got ${String(err)}`)
  }
  throw new Error(`${message}: expected a TypeError, nothing thrown`)
}

/** Fetch's "fill": a sequence of pairs or a record, each appended in order. */
export function fill (headers: Headers, init: Iterable<readonly [string, unknown]> | Record<string, unknown>): void {
  const pairs = Symbol.iterator in init ? [...(init as Iterable<readonly [string, unknown]>)] : Object.entries(init)
  for (const [name, value] of pairs) headers.append(name, value as string)
}

/** The same list, as arrays, from any iterable of pairs (iterators yield fresh arrays). */
export function pairsOf (iterable: Iterable<readonly [string, string]>): string[][] {
  return [...iterable].map(pair => [...pair])
}
