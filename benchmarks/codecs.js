// What a codec costs: `npm run build && node benchmarks/codecs.js`. One server (a child process
// on 127.0.0.1) serves the benchmark's item route twice, validated: A's schema declares
// `created` as a date-time string and the handler returns the string; B's declares it as a
// typebox 1.x codec and the handler returns a Date, which the plugin encodes. autocannon
// alternates A/B for ROUNDS rounds (after a warm-up of each), -c 100 -p 10, SECONDS a round.
// Env: ROUNDS (5), SECONDS (5).
import { fork } from 'node:child_process'
import { once } from 'node:events'
import autocannon from 'autocannon'

const ROUNDS = Number(process.env.ROUNDS ?? 5)
const SECONDS = Number(process.env.SECONDS ?? 5)

async function serve () {
  const { default: Fastify } = await import('fastify')
  const { default: Type } = await import('typebox')
  const { default: temporaryResponse } = await import('../dist/index.js')
  const app = Fastify()
  await app.register(temporaryResponse)
  const DateTime = Type.Codec(Type.String({ format: 'date-time' })).Decode((s) => new Date(s)).Encode((d) => d.toISOString())
  const item = (created) => Type.Object({ id: Type.Integer(), name: Type.String(), tags: Type.Array(Type.String()), created })
  const at = new Date(0)
  app.get('/plain', { schema: { response: { 200: item(Type.String({ format: 'date-time' })) } } }, function plainItem () {
    return { id: 42, name: 'cat-dog', tags: ['cat', 'dog'], created: at.toISOString(), secret: 'never on the wire' }
  })
  app.get('/codec', { schema: { response: { 200: item(DateTime) } } }, function codecItem () {
    return { id: 42, name: 'cat-dog', tags: ['cat', 'dog'], created: at, secret: 'never on the wire' }
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  process.send(app.server.address().port)
}

async function measure (url) {
  const result = await autocannon({ url, connections: 100, pipelining: 10, duration: SECONDS })
  if (result.errors !== 0 || result.non2xx !== 0) throw new Error(`${url}: ${result.errors} errors, ${result.non2xx} non-2xx`)
  return { rps: result.requests.average, p99: result.latency.p99 }
}

const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)]

if (process.argv[2] === 'serve') {
  await serve()
} else {
  const child = fork(new URL(import.meta.url).pathname, ['serve'])
  const [port] = await once(child, 'message')
  const base = `http://127.0.0.1:${port}`
  const runs = { plain: [], codec: [] }
  await measure(`${base}/plain`)
  await measure(`${base}/codec`)
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of ['plain', 'codec']) runs[name].push(await measure(`${base}/${name}`))
  }
  child.kill()
  const a = median(runs.plain.map(run => run.rps))
  const b = median(runs.codec.map(run => run.rps))
  console.log(`A no codec    median ${a.toFixed(0)} req/s, p99 ${median(runs.plain.map(run => run.p99))} ms`)
  console.log(`B one codec   median ${b.toFixed(0)} req/s, p99 ${median(runs.codec.map(run => run.p99))} ms`)
  console.log(`B/A ${(b / a).toFixed(3)}  (Node ${process.version}, ${ROUNDS} rounds of ${SECONDS} s)`)
}
