import type { FastifyReply } from 'fastify'
import { kUndo } from './symbols.ts'
import type { TemporaryResponse } from './temporary-response.ts'

// Every header a merge writes is recorded as name, previous value (undefined: the reply had
// none), so that an error overtaking the merge, or a second merge of the same holder, can take
// it back. The list is created by the first write: a merge that writes nothing allocates nothing.

/** Writes one header into the reply, first recording what the reply had under that name. */
export function writeHeader (holder: TemporaryResponse, reply: FastifyReply, name: string, value: unknown, previous: unknown): void {
  const undo = holder[kUndo] ?? (holder[kUndo] = [])
  // Fastify appends Set-Cookie lines into the array it holds: keep a copy of the old lines.
  undo.push(name, Array.isArray(previous) ? previous.slice() : previous)
  reply.header(name, value)
}

/** Takes back every recorded write, newest first, leaving the reply as the merge found it. */
export function undoMerge (holder: TemporaryResponse, reply: FastifyReply): void {
  const undo = holder[kUndo]
  if (undo === null) return
  holder[kUndo] = null
  for (let i = undo.length - 2; i >= 0; i -= 2) {
    const name = undo[i] as string
    const previous = undo[i + 1]
    reply.removeHeader(name)
    if (previous !== undefined) reply.header(name, previous)
  }
}
