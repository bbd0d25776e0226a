// The benchmark server's side of its stdin/stdout conversation with run.js: one command per
// line in, one JSON line out.
//   cpu            -> {"user":µs,"system":µs}  (process.cpuUsage() so far)
//   profile-start  -> {"started":true}         (the V8 sampling profiler, in this process)
//   profile-stop   -> the profile's self time, summarized (see summarizeProfile)
import { Session } from 'node:inspector'
import { createInterface } from 'node:readline'

// 250 µs between samples: about 8,000 samples in a 2 s round on a busy core.
const SAMPLING_INTERVAL_US = 250

function post (session, method, params = {}) {
  return new Promise((resolve, reject) => {
    session.post(method, params, (err, result) => (err ? reject(err) : resolve(result)))
  })
}

/** `name file:line` of a profile node, as DevTools shows it. */
function describeFrame ({ functionName, url, lineNumber }) {
  const file = url.slice(url.lastIndexOf('/') + 1)
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`
}

/**
 * Self time by function as shares of the samples that ran JavaScript or the VM (idle excluded):
 * the top ten, and the share of `process.nextTick` itself, which a process in the slow state
 * shows at about 11% against under 1% in a fast twin (issue 11).
 */
export function summarizeProfile ({ nodes }) {
  const self = new Map()
  let total = 0
  let nextTick = 0
  for (const node of nodes) {
    const { functionName, url } = node.callFrame
    if (node.hitCount === 0 || functionName === '(idle)') continue
    total += node.hitCount
    const key = describeFrame(node.callFrame)
    self.set(key, (self.get(key) ?? 0) + node.hitCount)
    if (functionName === 'nextTick' && url.includes('task_queues')) nextTick += node.hitCount
  }
  const top = [...self].sort((x, y) => y[1] - x[1]).slice(0, 10)
  return {
    samples: total,
    nextTick: total === 0 ? 0 : nextTick / total,
    top: top.map(([frame, hits]) => ({ frame, share: hits / total }))
  }
}

export function answerControl (input, output) {
  let session = null
  const reply = (value) => output.write(JSON.stringify(value) + '\n')
  createInterface({ input }).on('line', async (command) => {
    if (command === 'cpu') {
      reply(process.cpuUsage())
    } else if (command === 'profile-start') {
      session = new Session()
      session.connect()
      await post(session, 'Profiler.enable')
      await post(session, 'Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US })
      await post(session, 'Profiler.start')
      reply({ started: true })
    } else if (command === 'profile-stop') {
      const { profile } = await post(session, 'Profiler.stop')
      session.disconnect()
      session = null
      reply(summarizeProfile(profile))
    } else {
      reply({ error: `unknown command '${command}'` })
    }
  })
}
