import type { FastifyReply } from 'fastify'
import type { TemporaryHeaders } from './headers.ts'
import { kHeaders, kNames, kUndo, kWritten } from './symbols.ts'
import type { TemporaryResponse } from './temporary-response.ts'

// Every header a merge writes is recorded, so that an error overtaking the merge, or a second
// merge of the same holder, can take it back. Bits 0-30 of kWritten stand for the staged names
// (by index) written where the reply had none, bit 31 for staged cookies written over none: the
// common merge allocates nothing. Anything else (a value replaced or merged into, a Web
// Response's header, the exposure list, names past index 30) goes to the kUndo list as
// name, previous value.

/** The kWritten bit of staged cookies. */
export const cookieBit = 31
/** The "bit" of a write that always goes to the kUndo list. */
export const listed = 32

/** Writes one header into the reply and records how to take it back. */
export function recordedWrite (holder: TemporaryResponse, reply: FastifyReply, name: string, value: unknown, previous: unknown, bit: number): void {
  if (previous === undefined && bit <= cookieBit) {
    holder[kWritten] |= 1 << bit
  } else {
    const undo = holder[kUndo] ?? (holder[kUndo] = [])
    undo.push(name, Array.isArray(previous) ? previous.slice() : previous)
  }
  reply.header(name, value)
}

/** Takes back every recorded write, newest first, leaving the reply as the merge found it. */
export function undoMerge (holder: TemporaryResponse, reply: FastifyReply): void {
  const written = holder[kWritten]
  if (written !== 0) {
    holder[kWritten] = 0
    const names = (holder[kHeaders] as TemporaryHeaders)[kNames]
    for (let i = 0; i < names.length && i < cookieBit; i++) {
      if ((written & (1 << i)) !== 0) reply.removeHeader(names[i])
    }
    if ((written & (1 << cookieBit)) !== 0) reply.removeHeader('set-cookie')
  }
  const undo = holder[kUndo]
  if (undo === null) return
  holder[kUndo] = null
  for (let i = undo.length - 2; i >= 0; i -= 2) {
    const name = undo[i] as string
    reply.removeHeader(name)
    if (undo[i + 1] !== undefined) reply.header(name, undo[i + 1])
  }
}
