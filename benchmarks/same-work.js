// Before anything is measured, every process of a pair must answer the scenario's request with
// the same response as the first (A): same status and body, same headers (volatile ones only by presence), same cookies
// (attributes compared as a set) and same token lists. Otherwise the pair measures different work.
import { request as httpRequest } from 'node:http'
import { scenarios } from './app.js'

function fetchOnce (port, { method, path, headers = {} }) {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => { body += chunk })
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }))
    })
    req.once('error', reject)
    req.end()
  })
}

const VOLATILE = new Set(['date', 'connection', 'keep-alive', 'x-request-id'])
const TOKEN_LISTS = new Set(['access-control-expose-headers', 'vary'])

function normalizeHeader (name, value) {
  if (VOLATILE.has(name)) return '(present)'
  if (TOKEN_LISTS.has(name)) return value.toLowerCase().split(/\s*,\s*/).sort().join(', ')
  if (name === 'set-cookie') {
    return value.map((line) => {
      const [pair, ...attributes] = line.split(/\s*;\s*/)
      return [pair, ...attributes.map((a) => a.toLowerCase()).sort()].join('; ')
    }).sort().join(' | ')
  }
  return String(value)
}

function describeResponse ({ status, headers, body }) {
  const lines = [`status ${status}`, `body ${body}`]
  for (const name of Object.keys(headers).sort()) lines.push(`${name}: ${normalizeHeader(name, headers[name])}`)
  return lines
}

/** `servers`: process id -> { port }; each answer is compared with the first one's. */
export async function checkSameWork (name, servers) {
  const scenario = scenarios[name]
  const seen = []
  for (const [id, { port }] of Object.entries(servers)) {
    const res = await fetchOnce(port, scenario.request)
    if (res.status !== scenario.expect) {
      throw new Error(`${name} ${id}: expected status ${scenario.expect}, got ${res.status}: ${res.body}`)
    }
    seen.push([id, describeResponse(res)])
  }
  const [firstId, first] = seen[0]
  for (const [id, lines] of seen.slice(1)) {
    const mine = new Set(lines)
    const theirs = new Set(first)
    const diff = [...first.filter((l) => !mine.has(l)).map((l) => `  ${firstId} only: ${l}`),
      ...lines.filter((l) => !theirs.has(l)).map((l) => `  ${id} only: ${l}`)]
    if (diff.length > 0) throw new Error(`${name}: ${firstId} and ${id} do not send the same response\n${diff.join('\n')}`)
  }
}
