// Value conversions that never throw, so hostile input (a symbol,
// `Object.create(null)`) still gets its coded error.

/** Describes any value for an error message. */
export function describe (value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return 'an array'
  return toText(value) ?? Object.prototype.toString.call(value)
}

/** A value as Fetch converts it to a string (numbers and the like), or `null` when it cannot be. */
export function toText (value: unknown): string | null {
  if (typeof value === 'string') return value
  if (typeof value === 'symbol') return null
  try {
    return String(value)
  } catch {
    return null
  }
}
