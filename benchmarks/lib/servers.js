// Benchmark server processes: started fresh for every pair, asked for their CPU time and
// profile over stdin (lib/control.js), killed at the end of the pair, on failure and on Ctrl-C.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const appPath = fileURLToPath(new URL('../app.js', import.meta.url))
const children = new Set()

/**
 * Starts `node app.js <scenario> <variant>`; with `pin`, on CPU 0 (run.js, the load generator,
 * pins itself to CPU 1). Resolves to a server: its port, and `ask(command)` for lib/control.js.
 */
export function startServer (node, scenario, variant, pin) {
  const command = pin ? 'taskset' : node
  const args = [...(pin ? ['-c', '0', node] : []), appPath, scenario, variant]
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] })
  children.add(child)
  child.once('exit', () => children.delete(child))
  const lines = createInterface({ input: child.stdout })
  const waiting = []
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${scenario} ${variant}: no port after 20 s`)), 20_000)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      const error = new Error(`${scenario} ${variant}: server exited (${signal ?? code})`)
      reject(error)
      for (const { reject: fail } of waiting.splice(0)) fail(error)
    })
    lines.once('line', (line) => {
      clearTimeout(timer)
      lines.on('line', (answer) => waiting.shift()?.resolve(JSON.parse(answer)))
      resolve({
        port: JSON.parse(line).port,
        pid: child.pid,
        ask (question) {
          return new Promise((resolve, reject) => {
            waiting.push({ resolve, reject })
            child.stdin.write(question + '\n')
          })
        },
        stop () {
          child.kill('SIGKILL')
        }
      })
    })
  })
}

/** The server's CPU time so far (user + system), in µs. */
export async function cpuTime (server) {
  const { user, system } = await server.ask('cpu')
  return user + system
}

export function stopAllServers () {
  for (const child of children) child.kill('SIGKILL')
}
