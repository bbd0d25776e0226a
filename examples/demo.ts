// `npm start`: the API on one origin and a page on another that shows which
// response headers cross-origin JavaScript can read, with and without exposure.
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox' // as Fastify's docs teach; examples/fastapi-tutorial.ts uses @sinclair/typebox
import temporaryResponse from '../plugin/index.ts'
import { directResponseRoutes, tutorialRoutes } from './fastapi-tutorial.ts'

/** `GET /`: the address of the page and every route added after this, so a first visit finds its way. */
function listRoutes (api: FastifyInstance, pageOrigin: string): void {
  const routes: Array<{ method: string, path: string }> = []
  api.addHook('onRoute', ({ method, url }) => {
    // Fastify's automatic HEAD routes mirror the GET ones.
    if (method !== 'HEAD' && url !== '/') routes.push({ method: String(method), path: url })
  })
  api.get('/', async request => {
    const base = `${request.protocol}://${request.host}`
    return {
      message: 'The fastify-temporary-response example API. Open the page to see which response headers a page on another origin can read.',
      page: `${pageOrigin}/`,
      routes: routes.map(({ method, path }) => ({ method, url: base + path }))
    }
  })
}

/** The API, allowing `pageOrigin` with credentials, with `GET /` listing its routes. */
export async function buildDemoApi (pageOrigin: string): Promise<FastifyInstance> {
  const api = Fastify({ logger: { level: 'warn' } })
  await api.register(temporaryResponse, { cors: { origin: [pageOrigin], credentials: true } })
  listRoutes(api, pageOrigin)

  api.addHook('preHandler', async request => {
    request.response.headers.set('X-Request-Id', request.id)
  })

  const schema = {
    response: {
      200: Type.Object({ message: Type.String() }, {
        headers: { 'X-Rate-Remaining': Type.Integer({ description: 'Requests left this minute' }) }
      })
    }
  }
  const handler = async (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
    request.response.headers.set('X-Cat-Dog', 'alone in the world')
    request.response.headers.set('X-Rate-Remaining', '42')
    request.response.setCookie('fakesession', 'fake-cookie-session-value', { httpOnly: true })
    reply.header('X-Set-By-Hand', 'reply.header() is not staged, so not exposed')
    return { message: 'Hello World', password: 'filtered out by the schema' }
  }
  api.get('/cats', { schema }, handler)
  api.get('/cats-unexposed', { schema, config: { temporaryResponse: { exposeHeaders: false } } }, handler)
  return api
}

/** What `npm start` serves as the API: the demo routes, and the FastAPI tutorial under `/tutorial` and `/direct`. */
export async function buildStartApi (pageUrl: string): Promise<FastifyInstance> {
  const api = await buildDemoApi(pageUrl)
  await api.register(tutorialRoutes, { prefix: '/tutorial' })
  await api.register(directResponseRoutes, { prefix: '/direct' })
  return api
}

const readable = ['x-cat-dog', 'x-request-id', 'x-rate-remaining', 'x-set-by-hand', 'set-cookie']

function renderPage (apiUrl: string): string {
  return `<!doctype html>
<meta charset="utf-8">
<title>fastify-temporary-response demo</title>
<style>body{font:15px system-ui;margin:2rem}td,th{border:1px solid #ccc;padding:.3rem .6rem}table{border-collapse:collapse}code{background:#eee}</style>
<h1>fastify-temporary-response</h1>
<p>This page is on <code id="page-origin"></code>; the API is on <code>${apiUrl}</code>.
The browser only lets this page read the headers the API lists in <code>Access-Control-Expose-Headers</code>.</p>
<table id="result"><tr><th>header</th><th><code>/cats</code> (exposed)</th><th><code>/cats-unexposed</code></th></tr></table>
<pre id="body"></pre>
<script>
document.getElementById('page-origin').textContent = location.origin
const names = ${JSON.stringify(readable)}
async function read (path) {
  const res = await fetch(${JSON.stringify(apiUrl)} + path, { credentials: 'include' })
  const headers = Object.fromEntries(names.map(name => [name, res.headers.get(name)]))
  return { status: res.status, headers, body: await res.json() }
}
Promise.all([read('/cats'), read('/cats-unexposed')]).then(([exposed, unexposed]) => {
  const table = document.getElementById('result')
  for (const name of names) {
    const row = table.insertRow()
    row.insertCell().textContent = name
    for (const result of [exposed, unexposed]) {
      row.insertCell().textContent = result.headers[name] ?? '(hidden from this page)'
    }
  }
  document.getElementById('body').textContent = JSON.stringify(exposed.body)
  document.body.dataset.ready = JSON.stringify({ exposed, unexposed })
})
</script>
`
}

/** The page server: one HTML page that calls the API from another origin. */
export function buildDemoPage (apiUrl: string): FastifyInstance {
  const page = Fastify()
  page.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(renderPage(apiUrl)))
  return page
}
