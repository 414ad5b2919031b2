import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bytesEqual } from '../util/bytes.ts'
import { COALESCE_BYTES, DEFAULT_MAX_MESSAGE_SIZE, SendBatcher } from './send-batcher.ts'

/** A batcher whose scheduled flush runs only when the test says so, recording every message sent. */
function harness(maxMessageSize = 256 * 1024) {
  const sent: Uint8Array[] = []
  let task: (() => void) | null = null
  const batcher = new SendBatcher((bytes) => sent.push(bytes.slice()), maxMessageSize, (t) => (task = t))
  const endOfTask = () => {
    const t = task
    task = null
    t?.()
  }
  return { batcher, sent, endOfTask }
}

function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff
  return out
}
function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}
/** Byte arrays compared without vitest's element-by-element diff (slow for megabytes). */
const same = (a: Uint8Array, b: Uint8Array) => expect(bytesEqual(a, b)).toBe(true)

describe('SendBatcher', () => {
  it('sends the small writes of one task as one message at the end of the task', () => {
    const { batcher, sent, endOfTask } = harness()
    batcher.write(bytes(17, 1))
    batcher.write(bytes(17, 2))
    batcher.write(bytes(9, 3))
    expect(sent).toHaveLength(0)
    expect(batcher.pending).toBe(43)
    endOfTask()
    expect(sent).toHaveLength(1)
    same(sent[0]!, concat([bytes(17, 1), bytes(17, 2), bytes(9, 3)]))
    expect(batcher.pending).toBe(0)
  })

  it(`sends as soon as ${COALESCE_BYTES} bytes are queued: four blocks with their headers make one message`, () => {
    const { batcher, sent } = harness()
    const writes: Uint8Array[] = []
    for (let i = 0; i < 4; i++) {
      writes.push(bytes(13, i), bytes(16384, i + 10))
      batcher.write(writes.at(-2)!, writes.at(-1)!)
    }
    expect(sent).toHaveLength(1)
    same(sent[0]!, concat(writes))
    expect(batcher.pending).toBe(0)
  })

  it('copies what it keeps: the caller may reuse its buffer at once', () => {
    const { batcher, sent, endOfTask } = harness()
    const scratch = bytes(13, 7)
    batcher.write(scratch)
    scratch.fill(0)
    endOfTask()
    same(sent[0]!, bytes(13, 7))
  })

  it("never sends a message larger than the remote's maxMessageSize; a header and its block share a message", () => {
    const { batcher, sent, endOfTask } = harness(20_000)
    const writes = [bytes(13, 1), bytes(16384, 2), bytes(13, 3), bytes(16384, 4), bytes(50_000, 5)]
    batcher.write(writes[0]!, writes[1])
    batcher.write(writes[2]!, writes[3])
    batcher.write(writes[4]!)
    endOfTask()
    expect(sent.every((m) => m.length <= 20_000)).toBe(true)
    same(concat(sent), concat(writes))
    expect(sent.slice(0, 2).map((m) => m.length)).toEqual([13 + 16384, 13 + 16384])
  })

  it(`assumes ${DEFAULT_MAX_MESSAGE_SIZE} bytes when the remote announces no limit`, () => {
    const { batcher, sent, endOfTask } = harness(0)
    batcher.write(bytes(200_000))
    endOfTask()
    expect(sent.map((m) => m.length)).toEqual([65536, 65536, 65536, 200_000 - 3 * 65536])
  })

  it('clear() forgets queued bytes (the channel closed)', () => {
    const { batcher, sent, endOfTask } = harness()
    batcher.write(bytes(100))
    batcher.clear()
    endOfTask()
    expect(sent).toHaveLength(0)
    expect(batcher.pending).toBe(0)
  })

  it('delivers any sequence of writes as the same byte stream, in messages within the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1024, max: 300_000 }),
        fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 70_000 }), fc.option(fc.integer({ min: 0, max: 70_000 }))), { maxLength: 8 }), { maxLength: 6 }),
        (max, tasks) => {
          const { batcher, sent, endOfTask } = harness(max)
          const written: Uint8Array[] = []
          tasks.forEach((units, t) => {
            for (const [i, [head, tail]] of units.entries()) {
              const parts = [bytes(head, t * 16 + i), ...(tail === null ? [] : [bytes(tail, t * 16 + i + 8)])]
              written.push(...parts)
              batcher.write(parts[0]!, parts[1])
            }
            endOfTask()
          })
          expect(batcher.pending).toBe(0)
          expect(sent.every((m) => m.length > 0 && m.length <= Math.min(max, 256 * 1024))).toBe(true)
          same(concat(sent), concat(written))
        },
      ),
      { numRuns: 200 },
    )
  })
})
