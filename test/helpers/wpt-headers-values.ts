// The value cases of web-platform-tests fetch/api/headers (headers-normalize, header-values,
// header-values-normalize, header-setcookie), rewritten for Headers objects that start empty.
// Fetch strips leading and trailing CR and LF and accepts other control characters; the plugin
// refuses every value that http.validateHeaderValue refuses (CR, LF, NUL, other controls but
// tab, DEL), so those cases expect its coded error at the first write, and nothing staged.
import { add, INVALID_VALUE } from './wpt-headers-cases.ts'
import { equal, fill, ok, pairsOf, throwsTypeError } from './wpt-headers.ts'

/** What node:http refuses, tab aside: the plugin's documented rule. */
const refusedByNode = (code: number) => code < 0x20 ? code !== 0x09 : code === 0x7f
const hex = (code: number) => `0x${code.toString(16).padStart(2, '0')}`

// headers-normalize

const normalized: Array<[string, string, string]> = [
  ['name1', ' space ', 'space'],
  ['name2', '\ttab\t', 'tab'],
  ['name3', ' spaceAndTab\t', 'spaceAndTab'],
  ['name4', '\r\n newLine', 'newLine'],
  ['name5', 'newLine\r\n ', 'newLine'],
  ['name6', '\r\n\tnewLine', 'newLine'],
  ['name7', '\t\f\tnewLine\n', '\f\tnewLine'],
  ['name8', 'newLine\xa0', 'newLine\xa0']
]
const writes = {
  fill: (headers: Headers, name: string, value: string) => fill(headers, { [name]: value }),
  append: (headers: Headers, name: string, value: string) => headers.append(name, value),
  set: (headers: Headers, name: string, value: string) => headers.set(name, value)
}
for (const [how, write] of Object.entries(writes)) {
  for (const [name, raw, expected] of normalized) {
    const refused = /[\r\n\f]/.test(raw) ? INVALID_VALUE : undefined
    add('headers-normalize', `${how} ${JSON.stringify(raw)}: leading and trailing whitespace is stripped`, headers => {
      write(headers, name, raw)
      equal(headers.get(name), expected)
    }, refused)
  }
}

// header-values: NUL, LF and CR are refused; every other byte is a valid value, sent as it is

for (const code of [0x00, 0x0a, 0x0d]) {
  add('header-values', `"x${hex(code)}x" is refused`, headers => {
    throwsTypeError(() => headers.append('value-test', `x${String.fromCharCode(code)}x`))
    equal(pairsOf(headers), [])
  })
}
for (let code = 0x01; code <= 0xff; code++) {
  if (code === 0x0a || code === 0x0d) continue
  const value = `x${String.fromCharCode(code)}x`
  add('header-values', `"x${hex(code)}x" is kept as it is`, headers => {
    headers.append(`val${code}`, value)
    equal(headers.get(`val${code}`), value)
  }, refusedByNode(code) ? INVALID_VALUE : undefined)
}

// header-values-normalize: a byte alone, after and before "x" (vertical tab and form feed are
// left out there, pending web-platform-tests/wpt#8372)

for (let code = 0x00; code <= 0x20; code++) {
  if (code === 0x0b || code === 0x0c) continue
  const byte = String.fromCharCode(code)
  const kept = [0x09, 0x0a, 0x0d, 0x20].includes(code) ? '' : byte
  const refused = code !== 0x00 && refusedByNode(code) ? INVALID_VALUE : undefined
  add('header-values-normalize', `${hex(code)} alone, after and before "x"`, headers => {
    const values: Array<[string, string]> = [['val1', byte], ['val2', `x${byte}`], ['val3', `${byte}x`]]
    if (code === 0x00) {
      for (const [name, value] of values) throwsTypeError(() => headers.set(name, value), name)
      return
    }
    for (const [name, value] of values) headers.set(name, value)
    equal([headers.get('val1'), headers.get('val2'), headers.get('val3')], [kept, `x${kept}`, `${kept}x`])
  }, refused)
}

// header-setcookie

const cookies: Array<[string, string]> = [['set-cookie', 'foo=bar'], ['Set-Cookie', 'fizz=buzz; domain=example.com']]
const cookies2: Array<[string, string]> = [['set-cookie2', 'foo2=bar2'], ['Set-Cookie2', 'fizz2=buzz2; domain=example2.com']]
const combined2 = ['set-cookie2', 'foo2=bar2, fizz2=buzz2; domain=example2.com']

add('header-setcookie', 'one Set-Cookie from a record, one from a sequence, two from a sequence', headers => {
  fill(headers, { 'Set-Cookie': 'foo=bar' })
  fill(headers, [cookies[0]])
  fill(headers, cookies)
  equal(headers.getSetCookie().length, 4)
})
add('header-setcookie', 'get joins the Set-Cookie lines in order', headers => {
  fill(headers, cookies)
  equal(headers.get('set-cookie'), 'foo=bar, fizz=buzz; domain=example.com')
})
add('header-setcookie', 'iteration yields each Set-Cookie line on its own', headers => {
  fill(headers, cookies)
  equal(pairsOf(headers), [['set-cookie', 'foo=bar'], ['set-cookie', 'fizz=buzz; domain=example.com']])
})
add('header-setcookie', 'Set-Cookie2 is combined like any other name', headers => {
  fill(headers, cookies2)
  equal(pairsOf(headers), [combined2])
})
add('header-setcookie', 'Set-Cookie lines stay apart, Set-Cookie2 values combined, side by side', headers => {
  fill(headers, [...cookies, ...cookies2])
  equal(pairsOf(headers), [['set-cookie', 'foo=bar'], ['set-cookie', 'fizz=buzz; domain=example.com'], combined2])
})
add('header-setcookie', 'Set-Cookie lines keep the order they were added in', headers => {
  fill(headers, [['set-cookie', 'z=z'], ['set-cookie', 'a=a'], ['set-cookie', 'n=n']])
  equal(pairsOf(headers), [['set-cookie', 'z=z'], ['set-cookie', 'a=a'], ['set-cookie', 'n=n']])
  equal(headers.getSetCookie(), ['z=z', 'a=a', 'n=n'])
})
for (const [label, order] of [['', ['1', '2', '3', '4', '5', '6', '7']], [' (values in reverse)', ['7', '6', '5', '4', '3', '2', '1']]] as const) {
  add('header-setcookie', `names are sorted, the values of each name keep their order${label}`, headers => {
    const names = ['xylophone-header', 'best-header', 'set-cookie', 'a-cool-header', 'set-cookie', 'a-cool-header', 'best-header']
    fill(headers, names.map((name, i): [string, string] => [name, order[i]]))
    equal(pairsOf(headers), [
      ['a-cool-header', `${order[3]}, ${order[5]}`],
      ['best-header', `${order[1]}, ${order[6]}`],
      ['set-cookie', order[2]],
      ['set-cookie', order[4]],
      ['xylophone-header', order[0]]
    ])
  })
}
add('header-setcookie', 'an iterator sees Set-Cookie lines added while it runs', headers => {
  fill(headers, [['fizz', 'buzz'], ['X-Header', 'test']])
  const iterator = headers[Symbol.iterator]()
  equal(iterator.next().value, ['fizz', 'buzz'])
  headers.append('Set-Cookie', 'a=b')
  equal(iterator.next().value, ['set-cookie', 'a=b'])
  headers.append('Accept', 'text/html')
  equal(iterator.next().value, ['set-cookie', 'a=b'])
  equal(iterator.next().value, ['x-header', 'test'])
  headers.append('set-cookie', 'c=d')
  equal(iterator.next().value, ['x-header', 'test'])
  ok(iterator.next().done === true)
})
add('header-setcookie', 'has finds Set-Cookie in any case', headers => {
  fill(headers, cookies)
  ok(headers.has('sEt-cOoKiE'))
})
add('header-setcookie', 'append adds Set-Cookie lines, in any case', headers => {
  fill(headers, cookies2)
  headers.append('set-Cookie', 'foo=bar')
  headers.append('sEt-cOoKiE', 'fizz=buzz')
  equal(pairsOf(headers), [['set-cookie', 'foo=bar'], ['set-cookie', 'fizz=buzz'], combined2])
})
add('header-setcookie', 'set replaces every Set-Cookie line', headers => {
  fill(headers, cookies)
  headers.set('set-cookie', 'foo2=bar2')
  equal(pairsOf(headers), [['set-cookie', 'foo2=bar2']])
})
add('header-setcookie', 'delete removes every Set-Cookie line', headers => {
  fill(headers, cookies)
  headers.delete('set-Cookie')
  equal(pairsOf(headers), [])
})
const lines: Array<[string, Array<[string, string]>, string[]]> = [
  ['none', [], []],
  ['one', [cookies[0]], ['foo=bar']],
  ['two', cookies, ['foo=bar', 'fizz=buzz; domain=example.com']],
  ['an empty one', [['set-cookie', '']], ['']],
  ['two equal ones', [['set-cookie', 'x'], ['set-cookie', 'x']], ['x', 'x']],
  ['Set-Cookie2 around one', [['set-cookie2', 'x'], ['set-cookie', 'y'], ['set-cookie2', 'z']], ['y']]
]
for (const [label, init, expected] of lines) {
  add('header-setcookie', `getSetCookie with ${label}`, headers => {
    fill(headers, init)
    equal(headers.getSetCookie(), expected)
  })
}
add('header-setcookie', 'a Set-Cookie line filled in is stripped of surrounding whitespace', headers => {
  fill(headers, { 'Set-Cookie': '  a=b\n' })
  equal(pairsOf(headers), [['set-cookie', 'a=b']])
}, INVALID_VALUE)
add('header-setcookie', 'a Set-Cookie line appended is stripped of surrounding whitespace', headers => {
  headers.append('set-cookie', '\n\rc=d  ')
  equal(pairsOf(headers), [['set-cookie', 'c=d']])
}, INVALID_VALUE)
add('header-setcookie', 'a Set-Cookie line set is stripped of surrounding whitespace', headers => {
  fill(headers, { 'Set-Cookie': 'a=b', 'set-cookie': 'c=d' })
  headers.set('set-cookie', '\te=f ')
  equal(pairsOf(headers), [['set-cookie', 'e=f']])
})
add('header-setcookie', 'a Set-Cookie line with NUL, LF or CR is refused', headers => {
  throwsTypeError(() => fill(headers, { 'set-cookie': '\0' }))
  throwsTypeError(() => headers.append('Set-Cookie', 'a\nb'))
  throwsTypeError(() => headers.set('Set-Cookie', 'a\rb'))
  equal(headers.getSetCookie(), [])
})
