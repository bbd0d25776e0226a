import { readFileSync } from 'node:fs'
import http2 from 'node:http2'
import https from 'node:https'
import type { TLSSocket } from 'node:tls'

// Real clients for the HTTP/2 tests: node:http2 (cleartext h2c, or h2 over TLS) and node:https
// (HTTP/1.1 over TLS), each keeping one connection for all its requests. They return the
// field lines exactly as they arrived, in order, and the local port of the connection, so a
// test can tell that the next request went over the same session.

/** The self-signed key and certificate of `test/fixtures/tls` (CN localhost, SAN localhost and 127.0.0.1). */
export const tls = {
  key: readFileSync(new URL('../fixtures/tls/localhost-key.pem', import.meta.url)),
  cert: readFileSync(new URL('../fixtures/tls/localhost-cert.pem', import.meta.url))
}

export interface WireResponse {
  /** `'h2'` (TLS), `'h2c'` (cleartext) or `'http/1.1'`. */
  protocol: string
  status: number
  /** Field lines as they arrived: lower-case names, no pseudo-headers. */
  fields: Array<[string, string]>
  body: Buffer
  /** The client side of the connection that carried the response. */
  localPort: number
}

export interface WireClient {
  request: (path: string, headers?: Record<string, string>) => Promise<WireResponse>
  close: () => void
}

const timeoutMs = 10_000

function timeoutError (path: string): Error {
  return new Error(`no response to GET ${path} within ${timeoutMs} ms`)
}

/** An HTTP/2 client on one session; `ca` for TLS (verified against the fixture certificate). */
export function createHttp2Client (origin: string, ca?: Buffer): WireClient {
  const session = http2.connect(origin, ca === undefined ? {} : { ca })
  // A session error fails the pending request; this keeps it from being thrown at the process.
  session.on('error', () => {})
  function request (path: string, headers: Record<string, string> = {}): Promise<WireResponse> {
    return new Promise((resolve, reject) => {
      const stream = session.request({ ':path': path, ...headers })
      const fields: Array<[string, string]> = []
      let status = 0
      // Node passes the raw field lines as a third argument, which @types/node does not declare.
      const onResponse = (responseHeaders: http2.IncomingHttpStatusHeader, _flags: number, rawHeaders: string[]) => {
        status = responseHeaders[':status'] as number
        for (let i = 0; i < rawHeaders.length; i += 2) {
          if (!rawHeaders[i].startsWith(':')) fields.push([rawHeaders[i], rawHeaders[i + 1]])
        }
      }
      stream.on('response', onResponse as (headers: http2.IncomingHttpStatusHeader) => void)
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => resolve({
        protocol: session.alpnProtocol as string,
        status,
        fields,
        body: Buffer.concat(chunks),
        localPort: session.socket.localPort as number
      }))
      stream.on('error', reject)
      stream.setTimeout(timeoutMs, () => stream.destroy(timeoutError(path)))
      stream.end()
    })
  }
  return { request, close: () => session.close() }
}

/** An HTTP/1.1 client over TLS on one keep-alive connection, verifying the fixture certificate. */
export function createHttpsClient (origin: string, ca: Buffer): WireClient {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca })
  function request (path: string, headers: Record<string, string> = {}): Promise<WireResponse> {
    return new Promise((resolve, reject) => {
      const req = https.request(origin + path, { agent, headers }, (res) => {
        const fields: Array<[string, string]> = []
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          fields.push([res.rawHeaders[i].toLowerCase(), res.rawHeaders[i + 1]])
        }
        const localPort = (res.socket as TLSSocket).localPort as number
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({
          protocol: `http/${res.httpVersion}`,
          status: res.statusCode as number,
          fields,
          body: Buffer.concat(chunks),
          localPort
        }))
        res.on('error', reject)
      })
      req.setTimeout(timeoutMs, () => req.destroy(timeoutError(path)))
      req.on('error', reject)
      req.end()
    })
  }
  return { request, close: () => agent.destroy() }
}

/** Every value of a field, one per line, in arrival order. */
export function fieldValues (res: WireResponse, name: string): string[] {
  return res.fields.filter(([key]) => key === name).map(([, value]) => value)
}
