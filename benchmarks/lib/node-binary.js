// Which node binary runs the servers (BENCH_NODE): `current` (the one running run.js), a path,
// or a major version such as `22`, installed from the npm registry's per-platform Node
// package into the same prefix `.ci/run` uses, so CI and the benchmark share one copy.
// The load generator always runs on the current node, so it stays the same across majors.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const PLATFORMS = { 'linux x64': 'linux-x64', 'linux arm64': 'linux-arm64' }

function installMajor (major) {
  const platform = PLATFORMS[`${process.platform} ${process.arch}`]
  if (!platform) throw new Error(`BENCH_NODE=${major}: no npm Node package for ${process.platform} ${process.arch}; give a path`)
  const prefix = join(tmpdir(), `fastify-temporary-response-node${major}`)
  const bin = join(prefix, 'node_modules', `node-${platform}`, 'bin', 'node')
  if (!existsSync(bin)) {
    process.stderr.write(`installing node-${platform}@${major} into ${prefix}\n`)
    execFileSync('npm', ['install', '--silent', '--no-save', '--no-package-lock', '--ignore-scripts',
      '--prefix', prefix, `node-${platform}@${major}`], { stdio: ['ignore', 'inherit', 'inherit'] })
  }
  return bin
}

/** `{ path, version }` of the node binary that BENCH_NODE's entry `spec` names. */
export function resolveNode (spec) {
  const path = spec === 'current'
    ? process.execPath
    : /^\d+$/.test(spec) ? installMajor(spec) : resolve(spec)
  const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim()
  return { path, version }
}
