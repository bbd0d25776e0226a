// Iterating staged headers as Fetch does: over the "sort and combine" of the current header list
// (https://fetch.spec.whatwg.org/#concept-header-list-sort-and-combine), recomputed against the
// list as it is at each step, with WebIDL's iterator objects and forEach
// (https://webidl.spec.whatwg.org/#es-iterable). A header deleted while iterating is not reached,
// one added after the current position is.
import { kCookies, kEntries, kSorted } from '../symbols.ts'

/** Lower-case name and value pairs, sorted by name, one pair per `Set-Cookie` line. */
export type SortedList = ReadonlyArray<readonly [string, string]>

/** What iteration reads from a TemporaryHeaders. */
export interface HeaderList {
  readonly [kEntries]: Map<string, string>
  [kCookies]: string[]
  /** The sorted and combined list, made by the first read after a change; `null` after any change. */
  [kSorted]: SortedList | null
}

/** Fetch's sort and combine, computed once per change of the list. */
export function sortAndCombine (list: HeaderList): SortedList {
  const cached = list[kSorted]
  if (cached !== null) return cached
  const entries = list[kEntries]
  const cookies = list[kCookies]
  const names = Array.from(entries.keys())
  if (cookies.length !== 0) names.push('set-cookie')
  // Names are lower-case tokens, distinct: code unit order is Fetch's byte order.
  names.sort()
  const pairs: Array<readonly [string, string]> = []
  for (const name of names) {
    if (name === 'set-cookie') {
      for (const line of cookies) pairs.push([name, line])
    } else {
      pairs.push([name, entries.get(name) as string])
    }
  }
  list[kSorted] = pairs
  return pairs
}

type Kind = 'key' | 'value' | 'key+value'

/**
 * WebIDL's default iterator object: an index into the list of value pairs to iterate over,
 * which is taken afresh at every `next()`. Not done for good: a pair added after the end is
 * reached by the next `next()`, as Node's own Headers does.
 */
class HeadersIterator {
  readonly #target: HeaderList
  readonly #kind: Kind
  #index: number

  constructor (target: HeaderList, kind: Kind) {
    this.#target = target
    this.#kind = kind
    this.#index = 0
  }

  next (): IteratorResult<unknown, undefined> {
    if (typeof this !== 'object' || this === null || !(#target in this)) {
      throw new TypeError("'next' called on an object that does not implement interface Headers Iterator.")
    }
    const pairs = sortAndCombine(this.#target)
    const index = this.#index
    if (index >= pairs.length) return { value: undefined, done: true }
    this.#index = index + 1
    const [name, value] = pairs[index]
    const kind = this.#kind
    return { value: kind === 'key' ? name : kind === 'value' ? value : [name, value], done: false }
  }
}

// %HeadersIteratorPrototype%: `next` (enumerable, as WebIDL operations are) and the tag on a
// prototype whose own prototype is %IteratorPrototype%, and no `constructor`.
const iteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))
Reflect.deleteProperty(HeadersIterator.prototype, 'constructor')
Object.setPrototypeOf(HeadersIterator.prototype, iteratorPrototype)
Object.defineProperties(HeadersIterator.prototype, {
  next: { enumerable: true },
  [Symbol.toStringTag]: { value: 'Headers Iterator', writable: false, enumerable: false, configurable: true }
})

/** An iterator over the names, the values or the pairs of a header list. */
export function createHeadersIterator<T> (target: HeaderList, kind: Kind): IterableIterator<T> {
  return new HeadersIterator(target, kind) as unknown as IterableIterator<T>
}

/** WebIDL forEach: each pair in turn, the list taken afresh after each callback. */
export function forEachHeader<H extends HeaderList> (
  target: H,
  callback: (value: string, key: string, parent: H) => void,
  thisArg: unknown
): void {
  if (typeof callback !== 'function') {
    throw new TypeError("Failed to execute 'forEach' on 'Headers': parameter 1 is not of type 'Function'.")
  }
  let pairs = sortAndCombine(target)
  for (let i = 0; i < pairs.length; i++) {
    const [name, value] = pairs[i]
    callback.call(thisArg, value, name, target)
    pairs = sortAndCombine(target)
  }
}
