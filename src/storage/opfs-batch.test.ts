import { afterEach, describe, expect, it, vi } from 'vitest'
import { PUT_WINDOW_BYTES, PUT_WINDOW_MS, PutBatcher, type BatchItem, type BatchResult } from './opfs-batch.ts'

interface Sent {
  items: BatchItem[]
  buffer: ArrayBuffer
  /** The bytes of each item as the worker would read them. */
  pieces: number[][]
  answer(errors?: BatchResult['errors']): void
  fail(err: Error): void
}

/** A PutBatcher whose worker is this test: every batch waits in `sent` until answered. */
function batcher() {
  const sent: Sent[] = []
  const puts = new PutBatcher(
    (items, buffer) =>
      new Promise<BatchResult>((resolve, reject) => {
        const pieces = items.map((it) => [...new Uint8Array(buffer, it.offset, it.length)])
        sent.push({ items, buffer, pieces, answer: (errors = items.map(() => null)) => resolve({ buffer, errors }), fail: reject })
      }),
  )
  return { puts, sent }
}

const piece = (length: number, fill: number) => new Uint8Array(length).fill(fill)

describe('PutBatcher', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('sends the pieces stored within its time window as one batch, each at its own offset, and resolves each once written', async () => {
    vi.useFakeTimers()
    const { puts, sent } = batcher()
    const done: number[] = []
    const a = puts.put(1, 4, piece(3, 7)).then(() => done.push(4))
    await vi.advanceTimersByTimeAsync(PUT_WINDOW_MS - 1)
    const b = puts.put(2, 9, piece(2, 8)).then(() => done.push(9))
    expect(sent).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.items).toEqual([
      { store: 1, index: 4, offset: 0, length: 3 },
      { store: 2, index: 9, offset: 3, length: 2 },
    ])
    expect(sent[0]!.pieces).toEqual([[7, 7, 7], [8, 8]])
    expect(done).toEqual([])
    sent[0]!.answer()
    await Promise.all([a, b])
    expect(done).toEqual([4, 9])
  })

  it('flush sends at once (before another request), and pieces stored later go in the next batch', async () => {
    const { puts, sent } = batcher()
    void puts.put(1, 0, piece(4, 1))
    puts.flush()
    expect(sent.map((s) => s.items.map((i) => i.index))).toEqual([[0]])
    puts.flush()
    expect(sent, 'nothing pending: nothing sent').toHaveLength(1)
    vi.useFakeTimers()
    void puts.put(1, 1, piece(4, 2))
    await vi.advanceTimersByTimeAsync(PUT_WINDOW_MS)
    expect(sent.map((s) => s.items.map((i) => i.index))).toEqual([[0], [1]])
  })

  it('sends at once when the window holds enough bytes', () => {
    const { puts, sent } = batcher()
    void puts.put(1, 0, piece(PUT_WINDOW_BYTES / 2, 1))
    expect(sent).toHaveLength(0)
    void puts.put(1, 1, piece(PUT_WINDOW_BYTES / 2, 2))
    expect(sent.map((s) => s.items.map((i) => i.index))).toEqual([[0, 1]])
  })

  it('reuses the staging buffer the worker hands back instead of allocating a new one', async () => {
    const { puts, sent } = batcher()
    const first = puts.put(1, 0, piece(1000, 1))
    puts.flush()
    const staging = sent[0]!.buffer
    sent[0]!.answer()
    await first
    void puts.put(1, 1, piece(2000, 2))
    puts.flush()
    expect(sent[1]!.buffer).toBe(staging)
    expect(sent[1]!.pieces).toEqual([new Array(2000).fill(2)])
    // While the worker holds it, a batch gets another buffer.
    void puts.put(1, 2, piece(10, 3))
    puts.flush()
    expect(sent[2]!.buffer).not.toBe(staging)
  })

  it('rejects only the pieces the worker could not write, with its error name; a failed batch rejects all', async () => {
    const { puts, sent } = batcher()
    const ok = puts.put(1, 0, piece(2, 1))
    const full = puts.put(1, 1, piece(2, 1))
    puts.flush()
    sent[0]!.answer([null, { name: 'QuotaExceededError', message: 'Short write' }])
    await expect(ok).resolves.toBeUndefined()
    await expect(full).rejects.toMatchObject({ name: 'QuotaExceededError', message: 'Short write' })
    const lost = [puts.put(1, 2, piece(2, 1)), puts.put(1, 3, piece(2, 1))]
    puts.flush()
    sent[1]!.fail(new Error('storage worker stopped'))
    for (const p of lost) await expect(p).rejects.toThrow('storage worker stopped')
  })
})
