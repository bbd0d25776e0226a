import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

/** Where the JSON Schema Test Suite's draft-07 cases are: Debian's json-schema-test-suite package. */
export const suitePath = process.env.JSON_SCHEMA_TEST_SUITE || '/usr/share/json-schema-test-suite/tests/draft7'

/** One test of the suite: an instance and whether draft-07 says it is valid. */
export interface SuiteTest {
  description: string
  data: unknown
  valid: boolean
}

/** One schema of the suite with its tests. */
export interface SuiteCase {
  description: string
  schema: unknown
  tests: SuiteTest[]
}

/** One file of the suite, named by its path under the draft7 folder. */
export interface SuiteFile {
  name: string
  cases: SuiteCase[]
}

/** A schema the suite serves from http://localhost:1234/, for the `refRemote` cases. */
export interface RemoteSchema {
  id: string
  schema: Record<string, unknown>
}

export function assertSuiteInstalled (path: string = suitePath): void {
  if (!existsSync(join(path, 'type.json'))) {
    throw new Error(
      `The JSON Schema Test Suite's draft-07 cases are required but were not found at ${path}. ` +
      'Install them with `apt-get update && apt-get install -y json-schema-test-suite`, ' +
      'or set JSON_SCHEMA_TEST_SUITE to the tests/draft7 folder of a checkout of ' +
      'https://github.com/json-schema-org/JSON-Schema-Test-Suite.'
    )
  }
}

function jsonFiles (folder: string): string[] {
  return readdirSync(folder).filter(name => name.endsWith('.json')).sort().map(name => join(folder, name))
}

/** The files of one folder of the suite: '' for the draft's own keywords, 'optional', 'optional/format'. */
export function loadGroup (group: string, path: string = suitePath): SuiteFile[] {
  assertSuiteInstalled(path)
  return jsonFiles(join(path, group)).map(file => ({
    name: relative(path, file),
    cases: JSON.parse(readFileSync(file, 'utf8'))
  }))
}

function walk (folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap(entry => entry.isDirectory()
    ? walk(join(folder, entry.name))
    : entry.name.endsWith('.json') ? [join(folder, entry.name)] : [])
}

/** The suite's remote schemas, each under the URI the suite's server gives it. */
export function loadRemotes (path: string = suitePath): RemoteSchema[] {
  assertSuiteInstalled(path)
  const remotes = join(path, '..', '..', 'remotes')
  return walk(remotes).sort().map(file => ({
    id: `http://localhost:1234/${relative(remotes, file).split('\\').join('/')}`,
    schema: JSON.parse(readFileSync(file, 'utf8'))
  }))
}
