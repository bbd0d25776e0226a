// Entry point of `npm start`. Ports: API_PORT (default 3000) and PAGE_PORT (default 3001).
import { buildDemoPage, buildStartApi } from './demo.ts'

const apiPort = Number(process.env.API_PORT ?? 3000)
const pagePort = Number(process.env.PAGE_PORT ?? 3001)
const apiUrl = `http://127.0.0.1:${apiPort}`
// "localhost" and "127.0.0.1" are different origins to a browser: the page is cross-origin.
const pageUrl = `http://localhost:${pagePort}`

const api = await buildStartApi(pageUrl)
await api.listen({ host: '127.0.0.1', port: apiPort })
const page = buildDemoPage(apiUrl)
await page.listen({ host: '127.0.0.1', port: pagePort })

console.log(`API   ${apiUrl}/   lists the example routes; try: curl -i ${apiUrl}/cats -H 'Origin: ${pageUrl}'`)
console.log(`      ${apiUrl}/tutorial/headers-and-object/  ${apiUrl}/direct/headers/`)
console.log(`Page  ${pageUrl}/   open it in a browser to see which headers it can read`)
