import { stringifySetCookie } from 'cookie'
import { describe } from '../describe.ts'
import { FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION } from '../errors.ts'

// The attributes of a Set-Cookie line (`; Path=/; HttpOnly; SameSite=Lax`) depend on the
// options alone, so they are checked and serialized once per set of option values, and a
// call only checks and encodes its name and value. Entries are matched on the option values
// (not on the object), so hoisted options, inline literals and an object mutated between
// calls all get exactly the line that the `cookie` package would write for them.

/** The options each call takes, in the order the error message lists them. */
const setCookieKeys = ['maxAge', 'expires', 'path', 'domain', 'secure', 'httpOnly', 'sameSite', 'partitioned', 'priority', 'signed']
const clearCookieKeys = ['path', 'domain', 'secure', 'httpOnly', 'sameSite', 'partitioned', 'priority']
const setCookieOptions = new Set(setCookieKeys)
const clearCookieOptions = new Set(clearCookieKeys)

// RFC 6265bis 5.5: user agents cap Max-Age and Expires at 400 days.
const maxAgeLimit = 400 * 24 * 60 * 60
const epoch = new Date(0)

/** The option values an attribute tail was built from, as read, and the tail. */
export interface CookieAttributes {
  readonly clear: boolean
  readonly maxAge: unknown
  /** `expires.getTime()`, or `undefined` without `expires`. */
  readonly expires: number | undefined
  readonly path: unknown
  readonly domain: unknown
  readonly secure: unknown
  readonly httpOnly: unknown
  readonly sameSite: unknown
  readonly partitioned: unknown
  readonly priority: unknown
  readonly signed: unknown
  /** What follows `name=value` in the line. */
  readonly text: string
}

type Options = Record<string, unknown>

function fail (name: string, reason: string): never {
  throw new FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION(name, reason)
}

/** Checks what the `cookie` package does not: types, `Secure` requirements and the 400-day cap. */
function assertOptionRules (name: string, o: Options, maxAge: unknown, expires: unknown): void {
  if (maxAge !== undefined && !(Number.isInteger(maxAge) && (maxAge as number) <= maxAgeLimit)) {
    fail(name, `maxAge must be an integer number of seconds up to ${maxAgeLimit} (400 days), instead got ${describe(maxAge)}`)
  }
  if (expires !== undefined && !Number.isFinite(timeOf(expires))) {
    fail(name, 'expires must be a valid Date')
  }
  for (const key of ['path', 'domain', 'priority'] as const) {
    if (o[key] != null && typeof o[key] !== 'string') fail(name, `${key} must be a string, instead got ${describe(o[key])}`)
  }
  const { sameSite, secure } = o
  if (sameSite != null && typeof sameSite !== 'string' && typeof sameSite !== 'boolean') {
    fail(name, `sameSite must be 'lax', 'strict', 'none' or a boolean, instead got ${describe(sameSite)}`)
  }
  if (o.signed !== undefined && typeof o.signed !== 'boolean') fail(name, `signed must be a boolean, instead got ${describe(o.signed)}`)
  if (typeof sameSite === 'string' && sameSite.toLowerCase() === 'none' && secure !== true) {
    fail(name, "sameSite: 'none' requires secure: true (browsers reject it otherwise)")
  }
  if (o.partitioned === true && secure !== true) fail(name, 'partitioned requires secure: true')
}

/** Checks the options and serializes their attributes with the `cookie` package, uncached. */
export function buildCookieAttributes (name: string, o: Options, clear: boolean): CookieAttributes {
  const maxAge = clear ? 0 : o.maxAge
  const expires = clear ? epoch : o.expires as Date | undefined
  assertOptionRules(name, o, maxAge, expires)
  let line: string
  try {
    // A placeholder name and an empty value (never encoded): the attributes never depend on them.
    line = stringifySetCookie({
      name: 'x',
      value: '',
      maxAge: maxAge as number | undefined,
      expires,
      path: (o.path as string | undefined) ?? '/',
      domain: o.domain as string | undefined,
      secure: o.secure as boolean | undefined,
      httpOnly: o.httpOnly as boolean | undefined,
      sameSite: (o.sameSite as 'lax' | undefined) ?? 'lax',
      partitioned: o.partitioned as boolean | undefined,
      priority: o.priority as 'low' | undefined
    })
  } catch (err) {
    // cookie rejects a malformed domain, path, priority or sameSite with a TypeError.
    fail(name, (err as Error).message)
  }
  return {
    clear,
    maxAge: o.maxAge,
    expires: expires === undefined ? undefined : timeOf(expires),
    path: o.path,
    domain: o.domain,
    secure: o.secure,
    httpOnly: o.httpOnly,
    sameSite: o.sameSite,
    partitioned: o.partitioned,
    priority: o.priority,
    signed: o.signed,
    text: line.slice(2)
  }
}

function matches (entry: CookieAttributes, o: Options, clear: boolean): boolean {
  if (entry.clear !== clear || entry.path !== o.path || entry.domain !== o.domain || entry.secure !== o.secure ||
    entry.httpOnly !== o.httpOnly || entry.sameSite !== o.sameSite || entry.partitioned !== o.partitioned ||
    entry.priority !== o.priority) return false
  if (clear) return true
  const expires = o.expires
  return entry.maxAge === o.maxAge && entry.signed === o.signed &&
    (expires === undefined ? entry.expires === undefined : timeOf(expires) === entry.expires)
}

/** The time of a Date, compared rather than the object: a Date can be changed with setTime(). NaN for anything else. */
function timeOf (value: unknown): number {
  try {
    return Date.prototype.getTime.call(value)
  } catch {
    return NaN
  }
}

function unknownOption (name: string, key: string, keys: string[], call: string): never {
  const lower = key.toLowerCase()
  const meant = keys.find(known => known.toLowerCase() === lower)
  const hint = meant === undefined ? '' : ` (did you mean "${meant}"?)`
  return fail(name, `unknown option "${key}"${hint}; ${call} takes ${keys.join(', ')}`)
}

// A few recent entries: an app sets a handful of kinds of cookie. A miss builds anew.
const recent: CookieAttributes[] = []
const recentLimit = 16
let nextSlot = 0

const noOptions = buildCookieAttributes('', {}, false)
const noClearOptions = buildCookieAttributes('', {}, true)

/**
 * The checked attributes of a `setCookie()` (or, with `clear`, a `clearCookie()`) call.
 * Throws FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION for an option the call does not take or a
 * value it refuses. Allocates nothing when the option values were seen recently.
 */
export function findCookieAttributes (name: string, options: unknown, clear: boolean): CookieAttributes {
  if (options == null) return clear ? noClearOptions : noOptions
  if (typeof options !== 'object') fail(name, `options must be an object, instead got ${describe(options)}`)
  const o = options as Options
  // Every key, every call: a count of keys could not tell an unknown key from a known one
  // deleted for it. for-in, unlike Object.keys(), allocates nothing.
  const known = clear ? clearCookieOptions : setCookieOptions
  for (const key in o) {
    if (!known.has(key)) unknownOption(name, key, clear ? clearCookieKeys : setCookieKeys, clear ? 'clearCookie()' : 'setCookie()')
  }
  for (let i = 0; i < recent.length; i++) {
    if (matches(recent[i], o, clear)) return recent[i]
  }
  const entry = buildCookieAttributes(name, o, clear)
  recent[nextSlot] = entry
  nextSlot = (nextSlot + 1) % recentLimit
  return entry
}
