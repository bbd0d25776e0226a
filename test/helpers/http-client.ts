import http from 'node:http'

// A node:http client for the real-HTTP hardening tests: one keep-alive agent, the raw header
// lines as they arrived (`rawHeaders`, decoded as latin1 by Node's parser), and a rejection on
// any socket error or stall, so a dropped connection fails the test instead of hanging it.

export interface RawResponse {
  statusCode: number
  rawHeaders: string[]
  body: Buffer
}

export interface HttpClient {
  request: (path: string, headers?: Record<string, string>) => Promise<RawResponse>
  close: () => void
}

// Long staged values (several up to 8 KB) exceed Node's default 16 KB response header limit.
const maxHeaderSize = 1024 * 1024

export function createHttpClient (origin: string, maxSockets: number, timeoutMs = 10_000): HttpClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets })
  function request (path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const req = http.request(origin + path, { agent, headers, maxHeaderSize }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ statusCode: res.statusCode as number, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }))
        res.on('error', reject)
      })
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no response to GET ${path} within ${timeoutMs} ms`)))
      req.on('error', reject)
      req.end()
    })
  }
  return { request, close: () => agent.destroy() }
}

/** Header lines grouped by lower-case name, values in the order they arrived. */
export function groupRawHeaders (rawHeaders: readonly string[]): Map<string, string[]> {
  const lines = new Map<string, string[]>()
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase()
    const values = lines.get(name)
    if (values === undefined) lines.set(name, [rawHeaders[i + 1]])
    else values.push(rawHeaders[i + 1])
  }
  return lines
}
