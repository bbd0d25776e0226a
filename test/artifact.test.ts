import { execFile } from 'node:child_process'
import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { before, t, test } from 'tap'
import type { Test } from 'tap'
import * as source from '../plugin/index.ts'

// What ships, tested as a user gets it: build, `npm pack`, install the tarball offline into a
// project in the OS temp dir, then use it from ESM, CommonJS and TypeScript. Also the
// prepublishOnly checks (publint, attw). Building and compiling take most of a minute.
t.setTimeout(240_000)

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const fixtures = join(root, 'test', 'fixtures', 'consumer')
const bin = (name: string) => join(root, 'node_modules', '.bin', name)

interface Result {
  code: number
  stdout: string
  stderr: string
}

// Child processes must not inherit tap's loaders and coverage (NODE_OPTIONS), nor the
// `npm_*` variables that point npm at /work/main when this runs under `npm test`.
const env: NodeJS.ProcessEnv = {}
for (const [key, value] of Object.entries(process.env)) {
  if (/^(?:NODE_OPTIONS|NODE_V8_COVERAGE|TAP_.*|_TAPJS_.*|TS_NODE_.*|npm_(?:package|lifecycle)_.*|npm_config_local_prefix|npm_command)$/i.test(key)) continue
  env[key] = value
}

// tap's processinfo wraps child_process and puts its loader back into NODE_OPTIONS, so
// commands go through `env -u NODE_OPTIONS`: the consumer runs as plain Node.
function run (command: string, args: string[], cwd: string): Promise<Result> {
  return new Promise((resolve) => {
    execFile('env', ['-u', 'NODE_OPTIONS', command, ...args], { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
      resolve({ code, stdout, stderr })
    })
  })
}

function describeFailure (result: Result): string {
  return `exit ${result.code}\n${result.stdout}\n${result.stderr}`.trim()
}

/** Asserts a zero exit code; the output shows up only when it fails. */
function assertSuccess (t: Test, result: Result, message: string): void {
  t.equal(result.code, 0, message, { stdout: result.stdout, stderr: result.stderr })
}

interface LockEntry {
  version?: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  [key: string]: unknown
}

/**
 * The part of the repository's lockfile that `names` need, at the same node_modules paths.
 * `npm ci --offline` with it needs only the tarballs that the repository's own install put
 * in the npm cache; `npm install --offline fastify@5` would also need the full packuments,
 * which `npm ci` does not fetch.
 */
function pickLockEntries (packages: Record<string, LockEntry>, names: string[]): Record<string, LockEntry> {
  const picked: Record<string, LockEntry> = {}
  function visit (from: string, name: string, optional: boolean): void {
    for (let base = from; ; base = base.slice(0, Math.max(0, base.lastIndexOf('/node_modules/')))) {
      const path = (base === '' ? '' : base + '/') + 'node_modules/' + name
      if (packages[path] !== undefined) {
        add(path)
        return
      }
      if (base === '') break
    }
    if (!optional) throw new Error(`package-lock.json has no ${name} for ${from || 'the root'}`)
  }
  function add (path: string): void {
    if (picked[path] !== undefined) return
    const { dev, devOptional, peer, ...entry } = packages[path] as LockEntry
    // The tarball's address lets npm take it from the cache by its integrity, with no packument.
    const name = (entry.name as string | undefined) ?? path.slice(path.lastIndexOf('node_modules/') + 13)
    entry.resolved ??= `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`
    picked[path] = entry
    for (const name of Object.keys(entry.dependencies ?? {})) visit(path, name, false)
    for (const name of Object.keys(entry.optionalDependencies ?? {})) visit(path, name, true)
    for (const name of Object.keys(entry.peerDependencies ?? {})) {
      visit(path, name, entry.peerDependenciesMeta?.[name]?.optional === true)
    }
  }
  for (const name of names) visit('', name, false)
  return picked
}

interface PackedFile {
  path: string
}

interface Packed {
  filename: string
  integrity: string
  files: PackedFile[]
}

// The consumers' own dependencies, as the README tells users to install them: one project per
// way of writing schemas (TypeBox 0.34, typebox 1.x, plain JSON Schema), each with its own files.
interface Consumer {
  dir: string
  dependencies: Record<string, string>
  files: string[]
  install?: Promise<Result>
}

const typescript = { typescript: '~6.0.3', '@types/node': '^20.19.0' }
const consumers: Record<'sinclair' | 'typebox' | 'plain', Consumer> = {
  sinclair: {
    dir: '',
    dependencies: { fastify: '^5.0.0', '@sinclair/typebox': '~0.34.0', ...typescript },
    files: ['esm.mjs', 'require.cjs', 'tsconfig.json', 'typed.ts.txt']
  },
  typebox: {
    dir: '',
    dependencies: { fastify: '^5.0.0', typebox: '^1.4.0', '@fastify/type-provider-typebox': '^6.0.0', ...typescript },
    files: ['typebox.mjs', 'tsconfig.json', 'typed-typebox.ts.txt']
  },
  plain: {
    dir: '',
    dependencies: { fastify: '^5.0.0' },
    files: ['plain.mjs']
  }
}

let work = ''
let consumer = ''
let packed: Packed
let build: Result
let publint: Promise<Result>
let attw: Promise<Result>
let install: Promise<Result>

async function installConsumer (target: Consumer): Promise<Result> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))
  const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8'))
  const tarball = `file:../${packed.filename}`
  const dependencies = { ...target.dependencies, [pkg.name]: tarball }
  const picked = pickLockEntries(lock.packages, [...Object.keys(target.dependencies), ...Object.keys(pkg.dependencies)])
  const ownEntry = {
    version: pkg.version,
    resolved: tarball,
    integrity: packed.integrity,
    license: pkg.license,
    dependencies: pkg.dependencies,
    engines: pkg.engines,
    peerDependencies: pkg.peerDependencies,
    peerDependenciesMeta: pkg.peerDependenciesMeta
  }
  const consumerPkg = { name: 'consumer', private: true, type: 'module', dependencies }
  await writeFile(join(target.dir, 'package.json'), JSON.stringify(consumerPkg, null, 2))
  await writeFile(join(target.dir, 'package-lock.json'), JSON.stringify({
    name: 'consumer',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'consumer', dependencies },
      [`node_modules/${pkg.name}`]: ownEntry,
      ...picked
    }
  }, null, 2))
  for (const file of target.files) {
    // TypeScript fixtures are kept as .txt: the repository's typecheck runs before any build.
    const name = file.endsWith('.ts.txt') ? 'typed.ts' : file
    await copyFile(join(fixtures, file), join(target.dir, name))
  }
  return run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], target.dir)
}

before(async () => {
  work = await realpath(await mkdtemp(join(tmpdir(), 'fastify-temporary-response-artifact-')))
  t.teardown(() => rm(work, { recursive: true, force: true }))
  for (const [name, target] of Object.entries(consumers)) {
    target.dir = join(work, name, 'consumer')
    await mkdir(target.dir, { recursive: true })
  }
  consumer = consumers.sinclair.dir

  build = await run('npm', ['run', 'build'], root)
  if (build.code !== 0) throw new Error(`npm run build failed: ${describeFailure(build)}`)
  const pack = await run('npm', ['pack', '--json', '--pack-destination', work], root)
  if (pack.code !== 0) throw new Error(`npm pack failed: ${describeFailure(pack)}`)
  packed = JSON.parse(pack.stdout)[0]

  // independent of each other: run them side by side
  publint = run(bin('publint'), [], root)
  attw = run(bin('attw'), ['--pack', '.', '--profile', 'esm-only'], root)
  // One at a time: parallel npm ci runs share one cache.
  install = installConsumer(consumers.sinclair)
  consumers.sinclair.install = install
  consumers.typebox.install = install.then(() => installConsumer(consumers.typebox))
  consumers.plain.install = consumers.typebox.install.then(() => installConsumer(consumers.plain))
})

test('the tarball holds package.json, the docs and dist/ only', async (t) => {
  const files = packed.files.map(file => file.path).sort()
  const allowed = /^(?:package\.json|README\.md|LICENSE(?:\.md)?|CHANGELOG\.md|dist\/.+\.(?:js|d\.ts))$/
  t.same(files.filter(file => !allowed.test(file)), [], 'nothing but package.json, README, LICENSE, CHANGELOG and dist/*.js|.d.ts')
  t.same(files.filter(file => /^(?:plugin|test|benchmarks|examples)\//.test(file)), [], 'no sources, tests, benchmarks or examples')
  t.same(files.filter(file => file.endsWith('.ts') && !file.endsWith('.d.ts')), [], 'no TypeScript sources')
  t.ok(files.includes('package.json'))
  // npm always packs README and LICENSE; CHANGELOG.md only when `files` names it
  for (const doc of ['README.md', 'LICENSE']) {
    if (existsSync(join(root, doc))) t.ok(files.includes(doc), `${doc} is in the repository, so it ships`)
  }
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))
  // '.', and the type providers' subpaths ('./typebox', './sinclair'), each with types and code
  const entries = Object.values(pkg.exports as Record<string, string | { types: string, default: string }>)
    .flatMap(entry => typeof entry === 'string' ? [entry] : [entry.types, entry.default])
  const targets = [...entries, pkg.types].map((target: string) => target.replace(/^\.\//, ''))
  t.same(targets.filter(target => !files.includes(target)), [], 'every exports target is in the tarball')
  const missingTypes = files.filter(file => file.endsWith('.js') && !files.includes(file.replace(/\.js$/, '.d.ts')))
  t.same(missingTypes, [], 'every dist/*.js has its .d.ts')
})

test('publint finds nothing to fix', async (t) => {
  assertSuccess(t, await publint, 'publint exits 0')
})

test('attw --profile esm-only finds no type resolution problem', async (t) => {
  assertSuccess(t, await attw, 'attw exits 0')
})

test('the tarball installs offline into a project outside the repository', async (t) => {
  assertSuccess(t, await install, 'npm ci --offline exits 0')
  t.ok(relative(root, consumer).startsWith('..'), 'the consumer is not inside the repository')

  const installed = join(consumer, 'node_modules', 'fastify-temporary-response')
  t.notOk((await lstat(installed)).isSymbolicLink(), 'extracted, not linked to the source tree')
  const present = (await readdir(installed)).sort()
  t.same(present.filter(name => !['dist', 'package.json', 'README.md', 'LICENSE', 'LICENSE.md', 'CHANGELOG.md'].includes(name)), [],
    'the installed package has no plugin/ or test/')

  for (const name of Object.keys(consumers.sinclair.dependencies)) {
    const version = JSON.parse(await readFile(join(consumer, 'node_modules', name, 'package.json'), 'utf8')).version
    t.ok(version, `${name}@${version} installed`)
  }
})

test('an ESM consumer imports the default and named exports and gets staged headers', async (t) => {
  t.equal((await install).code, 0, 'installed')
  const result = await run(process.execPath, ['esm.mjs'], consumer)
  assertSuccess(t, result, 'node esm.mjs exits 0')
  const seen = JSON.parse(result.stdout)
  t.equal(fileURLToPath(seen.resolved), join(consumer, 'node_modules', 'fastify-temporary-response', 'dist', 'index.js'))
  t.same(seen.exports, Object.keys(source).sort(), 'the built package exports what plugin/index.ts exports')
  t.equal(seen.defaultIsNamed, true)
  t.equal(seen.statusCode, 201)
  t.equal(seen.headers['x-staged'], 'esm')
  t.equal(seen.headers['x-from-hook'], 'hook')
  t.same(seen.headers['set-cookie'], ['session=abc; Path=/; SameSite=Lax'])
  t.same(seen.body, { ok: true })
})

test('a CommonJS consumer require()s the package and registers it', async (t) => {
  t.equal((await install).code, 0, 'installed')
  const result = await run(process.execPath, ['require.cjs'], consumer)
  assertSuccess(t, result, 'node require.cjs exits 0')
  // Node 20.19+ may print an ExperimentalWarning for require(esm); anything else is a problem.
  const stderr = result.stderr.split('\n').filter(line => line.trim() !== '' && !/ExperimentalWarning|--trace-warnings/.test(line))
  t.same(stderr, [], 'nothing on stderr but the require(esm) warning')
  const seen = JSON.parse(result.stdout)
  t.equal(seen.resolved, join(consumer, 'node_modules', 'fastify-temporary-response', 'dist', 'index.js'))
  t.same(seen.exports.filter((name: string) => name !== '__esModule'), Object.keys(source).sort())
  t.equal(seen.defaultIsNamed, true)
  const expected = { statusCode: 200, staged: 'cjs', cookie: ['session=abc; Path=/; SameSite=Lax'] }
  t.same(seen.inPlugin, expected, 'routes in a plugin registered after it')
  t.same(seen.awaited, expected, 'routes declared after await register()')
  t.same(seen.notAwaited, expected, 'routes declared right after a register() that was not awaited')
})

test('a TypeScript consumer compiles against the shipped types (strict, NodeNext)', async (t) => {
  t.equal((await install).code, 0, 'installed')
  const tsc = join(consumer, 'node_modules', 'typescript', 'bin', 'tsc')
  const version = await run(process.execPath, [tsc, '--version'], consumer)
  t.match(version.stdout, /^Version 6\.0\./, 'the consumer\'s own TypeScript 6.0')
  // no skipLibCheck: the shipped .d.ts files must compile with what the consumer installed
  assertSuccess(t, await run(process.execPath, [tsc, '-p', 'tsconfig.json'], consumer), 'tsc exits 0')
})

test('a project with only typebox 1.x validates at run time and type-checks a TypeBoxTypeProvider route', async (t) => {
  const { dir, install } = consumers.typebox
  assertSuccess(t, await (install as Promise<Result>), 'npm ci --offline exits 0')
  t.notOk(existsSync(join(dir, 'node_modules', '@sinclair', 'typebox')), 'no @sinclair/typebox in its tree')
  const result = await run(process.execPath, ['typebox.mjs'], dir)
  assertSuccess(t, result, 'node typebox.mjs exits 0')
  const seen = JSON.parse(result.stdout)
  t.same(seen.good, { statusCode: 200, body: { id: 1, name: 'a' }, count: '3' })
  t.same(seen.bad, { statusCode: 500, code: 'FST_TEMP_RESPONSE_INVALID_RESPONSE', leaked: false })
  t.same(seen.badHeader, { statusCode: 500, count: null })
  const tsc = join(dir, 'node_modules', 'typescript', 'bin', 'tsc')
  assertSuccess(t, await run(process.execPath, [tsc, '-p', 'tsconfig.json'], dir), 'tsc exits 0 (strict, NodeNext, no skipLibCheck)')
})

test('a project with no TypeBox at all validates plain JSON Schema at run time', async (t) => {
  const { dir, install } = consumers.plain
  assertSuccess(t, await (install as Promise<Result>), 'npm ci --offline exits 0')
  t.notOk(existsSync(join(dir, 'node_modules', '@sinclair', 'typebox')), 'no @sinclair/typebox in its tree')
  const result = await run(process.execPath, ['plain.mjs'], dir)
  assertSuccess(t, result, 'node plain.mjs exits 0')
  const seen = JSON.parse(result.stdout)
  t.same(seen.good, { statusCode: 200, body: { id: 1, name: 'a' } })
  t.same(seen.bad, { statusCode: 500, code: 'FST_TEMP_RESPONSE_INVALID_RESPONSE', leaked: false })
  t.same(seen.shared, { statusCode: 500, code: 'FST_TEMP_RESPONSE_INVALID_RESPONSE', leaked: false })
})
