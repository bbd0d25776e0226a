// Merging comma-separated header lists (RFC 9110 5.6.1), shaped like @fastify/cors vary.js.

/**
 * Response headers a browser lets cross-origin code read without exposure
 * (https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name), and
 * headers that exposure cannot or must not reach.
 */
const neverExposed = new Set([
  'cache-control', 'content-language', 'content-length', 'content-type', 'expires', 'last-modified', 'pragma',
  'set-cookie', '*'
])

/** Whether a lower-case header name belongs in Access-Control-Expose-Headers. */
export function isExposable (name: string): boolean {
  return !neverExposed.has(name) && !name.startsWith('access-control-')
}

function toList (value: unknown): string {
  if (value == null) return ''
  return Array.isArray(value) ? value.join(', ') : String(value)
}

/**
 * Appends `names` to the list in `existing`, skipping those already there
 * (case-insensitively), keeping everything already present in its order.
 * With `vary`, a `*` on either side makes the whole list `*` (RFC 9110 12.5.5).
 */
export function mergeTokenList (existing: unknown, names: readonly string[], vary = false): string {
  let list = toList(existing)
  const seen = new Set<string>()
  for (const token of list.split(',')) {
    const key = token.trim().toLowerCase()
    if (key !== '') seen.add(key)
  }
  for (const token of names) {
    const name = token.trim()
    const key = name.toLowerCase()
    if (key === '' || seen.has(key)) continue
    seen.add(key)
    list = list === '' ? name : list + ', ' + name
  }
  return vary && seen.has('*') ? '*' : list
}
