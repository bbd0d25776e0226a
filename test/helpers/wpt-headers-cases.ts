// The cases of web-platform-tests fetch/api/headers, rewritten for a Headers object that starts
// empty: where a test builds one with `new Headers(init)`, the case fills it as Fetch's "fill"
// does. Not ported, because they test something our headers do not have: the constructor's own
// argument checks and WebIDL record conversion (headers-record, and the null / 1 / wrong-length
// pair cases of headers-basic and headers-errors), request guards (headers-no-cors), the Response
// guard that drops Set-Cookie, and XMLHttpRequest.
import type { WptCase } from './wpt-headers.ts'
import { equal, fill, ok, pairsOf, throwsTypeError } from './wpt-headers.ts'

const INVALID_VALUE = 'FST_TEMP_RESPONSE_INVALID_HEADER_VALUE'

const cases: WptCase[] = []
function add (file: string, title: string, run: WptCase['run'], refusedBy?: string): void {
  cases.push({ file, title, run, refusedBy })
}

// headers-basic, headers-structure

const mixed: Record<string, unknown> = { name1: 'value1', name2: 'value2', name3: 'value3', name4: null, name5: undefined, name6: 1, 'Content-Type': 'value4' }

add('headers-basic', 'fresh headers are empty, and filling from an empty record adds nothing', headers => {
  equal(pairsOf(headers), [])
  fill(headers, {})
  equal(pairsOf(headers), [])
})
add('headers-basic', 'filled from a sequence, every value reads back as its string', headers => {
  fill(headers, Object.entries(mixed))
  for (const name in mixed) equal(headers.get(name), String(mixed[name]), name)
  equal(headers.get('length'), null, 'a sequence is not read as a record')
})
add('headers-basic', 'filled from a record, every value reads back as its string', headers => {
  fill(headers, mixed)
  for (const name in mixed) equal(headers.get(name), String(mixed[name]), name)
})
add('headers-basic', 'filled from another headers object of the same kind', (headers, make) => {
  const source = make()
  fill(source, mixed)
  fill(headers, source)
  for (const name in mixed) equal(headers.get(name), String(mixed[name]), name)
})
add('headers-basic', 'an own @@iterator is what Fetch reads when the object is used as init', headers => {
  Object.defineProperty(headers, Symbol.iterator, { value: function * () { yield ['test', 'test'] }, configurable: true })
  equal(new Headers(headers).get('test'), 'test')
})
for (const method of ['append', 'set'] as const) {
  add('headers-basic', `${method}, then get, for each name`, headers => {
    for (const name in mixed) {
      headers[method](name, mixed[name] as string)
      equal(headers.get(name), String(mixed[name]), name)
    }
  })
}
add('headers-basic', 'has is true for each name filled, false for another', headers => {
  fill(headers, mixed)
  for (const name in mixed) ok(headers.has(name), name)
  ok(!headers.has('nameNotInHeaders'))
})
add('headers-basic', 'delete removes each name', headers => {
  fill(headers, mixed)
  for (const name in mixed) {
    ok(headers.has(name), name)
    headers.delete(name)
    ok(!headers.has(name), name)
  }
})
add('headers-basic', 'get returns each value, and null for a name never filled', headers => {
  fill(headers, mixed)
  for (const name in mixed) equal(headers.get(name), String(mixed[name]), name)
  equal(headers.get('nameNotInHeaders'), null)
})

const unsorted: Record<string, string> = { name1: 'value1', Name2: 'value2', name: 'value3', 'content-Type': 'value4', 'Content-Typ': 'value5', 'Content-Types': 'value6' }
const sortedNames = Object.keys(unsorted).map(name => name.toLowerCase()).sort()
const valueOf = (lower: string) => Object.entries(unsorted).find(([name]) => name.toLowerCase() === lower)?.[1]
const arrayIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))

function checkIteratorObject (iterator: object): void {
  const prototype = Object.getPrototypeOf(iterator)
  equal(Object.getPrototypeOf(prototype) === arrayIteratorPrototype, true, '%IteratorPrototype%')
  const next = Object.getOwnPropertyDescriptor(prototype, 'next')
  ok(next?.configurable === true && next.enumerable === true && next.writable === true, 'next is a WebIDL operation')
}

const iterated: Record<'keys' | 'values' | 'entries', (name: string) => unknown> = {
  keys: (name: string) => name,
  values: (name: string) => valueOf(name),
  entries: (name: string) => [name, valueOf(name)]
}
for (const method of ['keys', 'values', 'entries'] as const) {
  add('headers-basic', `${method}() is a WebIDL iterator over the sorted list, done for good at its end`, headers => {
    fill(headers, unsorted)
    const iterator = headers[method]() as Iterator<unknown>
    checkIteratorObject(iterator)
    for (const name of sortedNames) {
      const step = iterator.next()
      equal(step, { value: iterated[method](name), done: false }, name)
    }
    equal(iterator.next().done, true)
    equal(iterator.next().done, true)
    equal([...headers[method]()], sortedNames.map(name => iterated[method](name)))
  })
}
add('headers-basic', '@@iterator yields the sorted pairs', headers => {
  fill(headers, unsorted)
  const iterator = headers[Symbol.iterator]()
  for (const name of sortedNames) equal(iterator.next(), { value: [name, valueOf(name)], done: false })
  equal(iterator.next().done, true)
  equal(iterator.next().done, true)
})
add('headers-basic', 'forEach visits the sorted pairs with the headers as third argument', headers => {
  fill(headers, unsorted)
  const seen: string[] = []
  headers.forEach((value, name, parent) => {
    ok(parent === headers, 'parent')
    equal(value, valueOf(name))
    seen.push(name)
  })
  equal(seen, sortedNames)
})

function walk (headers: Headers, during: (name: string) => void): string[] {
  const seen: string[] = []
  for (const [name, value] of headers) {
    seen.push(`${name}:${value}`)
    during(name)
  }
  return seen
}
const four = { foo: '2', baz: '1', BAR: '0', quux: '3' }
add('headers-basic', 'a pair removed while iterating is skipped', headers => {
  fill(headers, { foo: '2', baz: '1', BAR: '0' })
  equal(walk(headers, () => headers.delete('foo')), ['bar:0', 'baz:1'])
})
add('headers-basic', 'removing a pair already visited skips the next one', headers => {
  fill(headers, four)
  equal(walk(headers, name => { if (name === 'baz') headers.delete('bar') }), ['bar:0', 'baz:1', 'quux:3'])
})
add('headers-basic', 'a pair appended while iterating, sorted after the position, is reached', headers => {
  fill(headers, four)
  equal(walk(headers, name => { if (name === 'baz') headers.append('X-yZ', '4') }), ['bar:0', 'baz:1', 'foo:2', 'quux:3', 'x-yz:4'])
})
add('headers-basic', 'a pair appended while iterating, sorted before the position, repeats one', headers => {
  fill(headers, four)
  equal(walk(headers, name => { if (name === 'baz') headers.append('abc', '-1') }), ['bar:0', 'baz:1', 'baz:1', 'foo:2', 'quux:3'])
})
for (const method of ['append', 'delete', 'get', 'has', 'set', 'entries', 'keys', 'values']) {
  add('headers-structure', `has a ${method} method`, headers => ok(method in headers, method))
}

// headers-casing

const cased: Record<string, string> = { UPPERCASE: 'value1', lowercase: 'value2', mixedCase: 'value3', 'Content-TYPE': 'value4' }
function readsInEveryCase (headers: Headers, name: string): void {
  for (const spelled of [name, name.toLowerCase(), name.toUpperCase()]) equal(headers.get(spelled), cased[name], spelled)
}
add('headers-casing', 'filled with names in mixed case, each reads back in any case', headers => {
  fill(headers, cased)
  for (const name in cased) readsInEveryCase(headers, name)
})
for (const method of ['append', 'set'] as const) {
  add('headers-casing', `${method} with names in mixed case, each reads back in any case`, headers => {
    for (const name in cased) {
      headers[method](name, cased[name])
      readsInEveryCase(headers, name)
    }
  })
}
add('headers-casing', 'delete with the lower-case name removes a mixed-case one', headers => {
  for (const name in cased) headers.set(name, cased[name])
  for (const name in cased) headers.delete(name.toLowerCase())
  for (const name in cased) ok(!headers.has(name), name)
})

// headers-combine

const repeated: Array<[string, string]> = [['single', 's'], ['double', 'd1'], ['double', 'd2'], ['triple', 't1'], ['triple', 't2'], ['triple', 't3']]
const combined: Record<string, string> = { single: 's', double: 'd1, d2', triple: 't1, t2, t3' }
add('headers-combine', 'values of a repeated name are combined with ", "', headers => {
  fill(headers, repeated)
  for (const name in combined) equal(headers.get(name), combined[name], name)
})
add('headers-combine', 'has and delete act on every value of a repeated name', headers => {
  fill(headers, repeated)
  for (const name in combined) {
    ok(headers.has(name), name)
    headers.delete(name)
    ok(!headers.has(name), name)
  }
})
add('headers-combine', 'set replaces every value of a repeated name', headers => {
  fill(headers, repeated)
  for (const name in combined) {
    headers.set(name, 'fresh')
    equal(headers.get(name), 'fresh', name)
  }
})
add('headers-combine', 'append adds to the combined value', headers => {
  fill(headers, repeated)
  for (const name in combined) {
    const before = headers.get(name)
    headers.append(name, 'more')
    equal(headers.get(name), `${String(before)}, more`, name)
  }
})
add('headers-combine', 'iteration yields a repeated name once, combined', headers => {
  fill(headers, [['1', 'a'], ['1', 'b']])
  equal(pairsOf(headers), [['1', 'a, b']])
})
add('headers-combine', 'iteration yields combined values in name order', headers => {
  fill(headers, [['2', 'a'], ['1', 'b'], ['2', 'b']])
  equal(pairsOf(headers), [['1', 'b'], ['2', 'a, b']])
})

// headers-errors: every refusal is a TypeError (the plugin's coded errors are TypeErrors too)

add('headers-errors', 'filling with a name outside ByteString throws', headers => {
  throwsTypeError(() => fill(headers, [['invalid\u0100', 'Value1']]))
  equal(pairsOf(headers), [])
})
add('headers-errors', 'filling with a value outside ByteString throws', headers => {
  throwsTypeError(() => fill(headers, [['name', 'invalidValue\u0100']]))
  equal(pairsOf(headers), [])
})
for (const [label, name] of [['a name outside ByteString', 'invalid\u0100'], ['an object as name', {}]] as const) {
  for (const method of ['get', 'delete', 'has'] as const) {
    add('headers-errors', `${method} with ${label} throws`, headers => throwsTypeError(() => headers[method](name as string)))
  }
  for (const method of ['set', 'append'] as const) {
    add('headers-errors', `${method} with ${label} throws`, headers => {
      throwsTypeError(() => headers[method](name as string, 'Value1'))
      equal(pairsOf(headers), [])
    })
  }
}
for (const method of ['set', 'append'] as const) {
  add('headers-errors', `${method} with a value outside ByteString throws`, headers => {
    throwsTypeError(() => headers[method]('name', 'invalid\u0100'))
    equal(pairsOf(headers), [])
  })
}
add('headers-errors', 'forEach throws when its callback is missing or not callable', headers => {
  headers.set('name', 'value')
  for (const callback of [undefined, 1]) throwsTypeError(() => headers.forEach(callback as unknown as () => void))
  throwsTypeError(() => (headers.forEach as () => void)())
})
add('headers-errors', 'forEach stops at the first exception of its callback', headers => {
  fill(headers, [['name1', 'value1'], ['name2', 'value2'], ['name3', 'value3']])
  let calls = 0
  let thrown: unknown
  try {
    headers.forEach((_value, name) => {
      calls++
      if (name === 'name2') throw new Error('stop')
    })
  } catch (err) {
    thrown = err
  }
  equal(calls, 2)
  equal((thrown as Error).message, 'stop')
})

export { add, cases, INVALID_VALUE }
