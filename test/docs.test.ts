import { test } from 'tap'
import type { Test } from 'tap'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { FastifyInstance } from 'fastify'
import ts from 'typescript'

// The README and docs/ as a reader meets them: the README stays short, every relative link lands
// on a file and a heading that exist, and the README's complete examples run and answer as shown.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const read = (file: string): string => readFileSync(join(root, file), 'utf8')
const pages = ['README.md', 'benchmarks/README.md', ...readdirSync(join(root, 'docs')).filter(name => name.endsWith('.md')).map(name => `docs/${name}`)]

/** Markdown without its fenced code blocks and inline code, where links are only text. */
function prose (markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '')
}

/** GitHub's anchor for each heading of a page, duplicates numbered as GitHub numbers them. */
function anchors (markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const result = new Set<string>()
  for (const [, heading] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} +(.+)$/gm)) {
    const slug = heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-')
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    result.add(count === 0 ? slug : `${slug}-${count}`)
  }
  return result
}

/** The fenced blocks of a page, with their language. */
function blocks (markdown: string): Array<{ lang: string, code: string }> {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)].map(([, lang, code]) => ({ lang, code }))
}

test('the README is at most 16,000 bytes and gives the two commands', async (t) => {
  const readme = read('README.md')
  t.ok(Buffer.byteLength(readme) <= 16_000, `README.md is ${Buffer.byteLength(readme)} bytes`)
  const commands = blocks(readme).find(block => block.lang === 'sh')?.code ?? ''
  t.match(commands, /^npm install && npm start\b/m)
  t.match(commands, /^npm test\b/m)
})

test('every relative link of the README, docs/ and benchmarks/README.md resolves, anchors included', async (t) => {
  for (const page of pages) {
    for (const [, target] of prose(read(page)).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target)) continue
      const [path, anchor] = target.split('#')
      const file = path === '' ? page : relative(root, resolve(root, dirname(page), path))
      t.ok(existsSync(join(root, file)), `${page}: ${target} names an existing file`)
      if (anchor !== undefined && existsSync(join(root, file)) && statSync(join(root, file)).isFile()) {
        t.ok(anchors(read(file)).has(anchor), `${page}: ${target} names a heading of ${file}`)
      }
    }
  }
})

test('every TypeScript and JavaScript block of the README and docs/ parses', async (t) => {
  for (const page of pages.filter(page => page !== 'benchmarks/README.md')) {
    for (const { lang, code } of blocks(read(page)).filter(block => ['ts', 'js'].includes(block.lang))) {
      const { diagnostics = [] } = ts.transpileModule(code, { reportDiagnostics: true, fileName: `block.${lang}` })
      t.same(diagnostics.map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n')), [], `${page}: ${code.split('\n')[0]}`)
    }
  }
})

test('the README and docs/ speak of the package, not of how it was worked on', async (t) => {
  for (const page of pages) {
    t.notMatch(read(page), /\bissues? #?\d+|\blevers?\b|\bthis turn\b/i, page)
  }
})

/**
 * Runs a complete example of the README (a block that starts with `import Fastify`): the package
 * is imported from the source, and `listen()` becomes an export of the instance, for inject().
 */
async function runReadmeExample (t: Test, index: number): Promise<FastifyInstance> {
  const examples = blocks(read('README.md')).filter(block => block.code.startsWith('import Fastify from'))
  const source = examples[index].code
    .replace(/from 'fastify-temporary-response'/g, `from ${JSON.stringify(pathToFileURL(join(root, 'plugin/index.ts')).href)}`)
    .replace(/^await fastify\.listen\(.*\)$/m, 'export default fastify')
  t.ok(source.includes('export default fastify'), 'the example ends with listen()')
  const dir = join(root, 'test', '.readme')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `example-${index}-${process.pid}.ts`)
  writeFileSync(file, source)
  t.teardown(() => {
    rmSync(file, { force: true })
    if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true })
  })
  const app = (await import(pathToFileURL(file).href)).default as FastifyInstance
  t.teardown(() => app.close())
  return app
}

test('the README\'s TypeBox example answers with the response the README shows', async (t) => {
  const app = await runReadmeExample(t, 0)
  const res = await app.inject({ method: 'POST', url: '/cats', headers: { origin: 'https://app.example' } })
  const shown = blocks(read('README.md')).find(block => block.lang === 'http')?.code ?? ''
  const [head, body] = shown.split('\n\n')
  const [statusLine, ...headerLines] = head.split('\n')
  t.equal(`HTTP/1.1 ${res.statusCode} ${res.statusMessage}`, statusLine)
  for (const line of headerLines) {
    const [name, value] = line.split(/: (.*)/)
    const sent = res.headers[name]
    t.equal(Array.isArray(sent) ? sent.join('\n') : sent, value, name)
  }
  t.equal(res.body, body.trim())
})

test('the README\'s zod example stages a header and a status on a zod route', async (t) => {
  const app = await runReadmeExample(t, 1)
  const res = await app.inject({ method: 'POST', url: '/cats' })
  t.equal(res.statusCode, 201)
  t.equal(res.headers['x-cat-dog'], 'alone in the world')
  t.same(res.json(), { id: 1, name: 'Tom' })
})
