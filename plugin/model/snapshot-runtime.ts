import { types } from 'node:util'

// The helpers a compiled plan (plan.ts) calls at run time: the reading of a value that no schema
// shapes (as JSON.stringify reads it), a Date as fast-json-stringify writes it, and the writing of a
// snapshot whose key order JSON.stringify would not keep.

/** Per call: placeholders to strip after the check, and key orders JSON.stringify would not keep. */
export interface PlanState {
  /** `[object, key, object, key, ...]`: keys kept only so that the check sees them. */
  held: Array<object | string> | null
  /** The order to write an object's keys in, where an integer-like key makes JSON.stringify reorder them. */
  order: Map<object, string[]> | null
}

/** A value its node's schema rejects where the plan must know it to choose a branch. */
export class ValueMismatch extends Error {}

/**
 * An object's `toJSON()` result, its getter read once (JSON.stringify's order), or the value itself
 * where it has none. A result of `undefined` is refused: JSON would leave the value out, where the
 * data gave one.
 */
export function callToJSON (value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  const toJSON = (value as { toJSON?: unknown }).toJSON
  if (typeof toJSON !== 'function') return value
  const result: unknown = toJSON.call(value)
  if (result === undefined) throw new ValueMismatch('toJSON() returned undefined')
  return result
}

const integerLikeRE = /^(?:0|[1-9]\d{0,9})$/

/** Whether JSON.stringify writes this key before the others (an array index of an ordinary object). */
export function isIntegerLike (key: string): boolean {
  return integerLikeRE.test(key) && Number(key) < 4294967295
}

/** Sets an own data property, `__proto__` included. */
export function put (target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else target[key] = value
}

/** Whether JSON leaves the value out of an object (and writes `null` for it in an array). */
export function isSkipped (value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol'
}

const dateGetTime = Date.prototype.getTime
const dateOffset = Date.prototype.getTimezoneOffset
const dateISO = Date.prototype.toISOString

function twoDigits (n: number): string {
  return n < 10 ? '0' + n : String(n)
}

/**
 * The string written for a Date at a string node of this format, read with Date's own methods,
 * never the object's: the local date for `date`, the ISO date-time otherwise, as fast-json-stringify
 * writes them; the local time for `time` with its offset, which RFC 3339's full-time (and so the
 * `time` format) requires and fast-json-stringify leaves out. Throws for an invalid Date.
 */
export function dateString (date: Date, format: string | undefined): string {
  const time = dateGetTime.call(date)
  if (!Number.isFinite(time)) throw new TypeError('an invalid Date cannot be serialized')
  if (format !== 'date' && format !== 'time') return dateISO.call(date)
  const local = dateISO.call(new Date(time - dateOffset.call(date) * 60000))
  if (format === 'date') return local.slice(0, 10)
  const offset = -dateOffset.call(date)
  const zone = offset === 0 ? 'Z' : (offset > 0 ? '+' : '-') + twoDigits(Math.floor(Math.abs(offset) / 60)) + ':' + twoDigits(Math.abs(offset) % 60)
  return local.slice(11, 19) + zone
}

export { types }

const unbox: Array<[(value: unknown) => boolean, (value: any) => unknown]> = [
  [types.isNumberObject, value => Number.prototype.valueOf.call(value)],
  [types.isStringObject, value => String.prototype.valueOf.call(value)],
  [types.isBooleanObject, value => Boolean.prototype.valueOf.call(value)]
]

/**
 * A plain copy of a value no schema shapes, as JSON.stringify reads it: `toJSON()` called once,
 * boxed primitives unboxed (by their own slot, not their overridable methods), own enumerable
 * keys, skipped values left out of objects and `null` in arrays, non-finite numbers `null`, -0 0.
 * Throws for a bigint and for data nested deeper than 512 levels (or cyclic).
 */
export function readJSON (value: unknown, depth = 0): unknown {
  // -0 is written as 0: so it is read.
  if (typeof value === 'number') return Number.isFinite(value) ? (value === 0 ? 0 : value) : null
  if (typeof value === 'bigint') throw new TypeError('a bigint cannot be serialized')
  if (value === null || typeof value !== 'object') return value
  // A Date is read with Date's own methods, never its overrides.
  if (types.isDate(value)) return dateString(value, '')
  if (depth > 512) throw new RangeError('the data is nested too deeply, or cyclic')
  const result = callToJSON(value)
  if (result === value) return readStructure(value, depth)
  return result !== null && typeof result === 'object' ? readStructure(result, depth) : readJSON(result, depth + 1)
}

/**
 * A union's value as JSON reads it, but a Date as a `date` or `time` string: the format of the
 * branch fast-json-stringify writes a Date by (plan-branches.ts, `unionDateFormat`).
 */
export function readUnion (value: unknown, format: string): unknown {
  return types.isDate(value) ? dateString(value, format) : readJSON(value)
}

function readStructure (value: object, depth: number): unknown {
  for (const [is, get] of unbox) if (is(value)) return readJSON(get(value), depth + 1)
  if (Array.isArray(value)) {
    const length = value.length
    const copy: unknown[] = []
    for (let i = 0; i < length; i++) {
      const item: unknown = value[i]
      copy.push(isSkipped(item) ? null : readJSON(item, depth + 1))
    }
    return copy
  }
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    const item: unknown = (value as Record<string, unknown>)[key]
    if (!isSkipped(item)) put(copy, key, readJSON(item, depth + 1))
  }
  return copy
}

/** Writes a snapshot, keeping the recorded key orders (JSON.stringify would put integer-like keys first). */
export function writeOrdered (value: unknown, order: Map<object, string[]>): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return '[' + value.map(item => writeOrdered(item, order)).join(',') + ']'
  const keys = order.get(value) ?? Object.keys(value)
  const parts: string[] = []
  for (const key of keys) parts.push(JSON.stringify(key) + ':' + writeOrdered((value as Record<string, unknown>)[key], order))
  return '{' + parts.join(',') + '}'
}

/** Removes the keys kept only for the check. */
export function dropHeld (held: Array<object | string>): void {
  for (let i = 0; i < held.length; i += 2) delete (held[i] as Record<string, unknown>)[held[i + 1] as string]
}
