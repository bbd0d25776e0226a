import Fastify from 'fastify'
import type { Browser } from 'playwright-core'

// What the page's script saw: either the response as cross-origin code may read it,
// or the error that `fetch()` rejected with
export interface PageFetchResult {
  status?: number
  headers?: Record<string, string | null>
  visible?: string[]
  body?: unknown
  error?: { name: string, message: string }
}

export interface PageServer {
  origin: string
  close: () => Promise<void>
}

// The script reads its target from the query string (`url`, and `names`: the headers to read
// with `res.headers.get()`), fetches with credentials and writes the outcome as JSON into #result
const pageHtml = `<!doctype html>
<html>
<head><meta charset="utf-8"><title>cross-origin fetch</title></head>
<body>
<pre id="result"></pre>
<script type="module">
const params = new URL(location.href).searchParams
const names = params.get('names').split(',')
let result
try {
  const res = await fetch(params.get('url'), { credentials: 'include' })
  const headers = {}
  for (const name of names) headers[name] = res.headers.get(name)
  const visible = [...res.headers.keys()]
  result = { status: res.status, headers, visible, body: await res.json() }
} catch (err) {
  result = { error: { name: err.name, message: err.message } }
}
document.getElementById('result').textContent = JSON.stringify(result)
</script>
</body>
</html>
`

// A second server for the page, so the page and the API have different origins:
// the page is loaded as http://localhost:PORT, the API is called as http://127.0.0.1:PORT2
export async function startPageServer (): Promise<PageServer> {
  const app = Fastify()
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(pageHtml))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return { origin: `http://localhost:${port}`, close: () => app.close() }
}

// Opens the page in a fresh browser context (no cookies from earlier cases) and waits for the
// script's result. On a timeout the error carries what the page logged, to show why.
export async function fetchFromPage (
  browser: Browser, pageOrigin: string, url: string, names: string[]
): Promise<PageFetchResult> {
  const context = await browser.newContext()
  const logs: string[] = []
  try {
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    page.on('console', (message) => logs.push(`console.${message.type()}: ${message.text()}`))
    page.on('pageerror', (error) => logs.push(`pageerror: ${error.message}`))
    page.on('requestfailed', (request) => {
      logs.push(`requestfailed: ${request.url()} ${request.failure()?.errorText}`)
    })
    const query = new URLSearchParams({ url, names: names.join(',') })
    await page.goto(`${pageOrigin}/?${query}`, { timeout: 15_000 })
    const handle = await page.waitForFunction(
      () => document.getElementById('result')?.textContent || null,
      undefined,
      { timeout: 15_000 }
    ).catch((error: Error) => {
      throw new Error(`${error.message}\npage log:\n${logs.join('\n')}`)
    })
    return JSON.parse(String(await handle.jsonValue())) as PageFetchResult
  } finally {
    await context.close()
  }
}
