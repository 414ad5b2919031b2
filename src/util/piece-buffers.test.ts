import { describe, expect, it } from 'vitest'
import { PieceBufferPool } from './piece-buffers.ts'

const SIZE = 64 * 1024

describe('PieceBufferPool', () => {
  it('lends a buffer again only once every holder gave it back', () => {
    const pool = new PieceBufferPool(SIZE, 4)
    const a = pool.take(SIZE)
    expect(a.length).toBe(SIZE)
    pool.hold(a)
    pool.give(a)
    // One holder left: a new piece gets a new buffer.
    const b = pool.take(SIZE)
    expect(b).not.toBe(a)
    pool.give(a)
    expect(pool.free).toBe(1)
    expect(pool.take(SIZE)).toBe(a)
    expect(pool).toMatchObject({ allocated: 2, lent: 3, free: 0 })
  })

  it('allocates other sizes each time and ignores buffers it did not lend', () => {
    const pool = new PieceBufferPool(SIZE, 4)
    const last = pool.take(1000)
    expect(last.length).toBe(1000)
    pool.give(last)
    pool.hold(new Uint8Array(SIZE))
    pool.give(new Uint8Array(SIZE))
    expect(pool).toMatchObject({ allocated: 0, lent: 0, free: 0 })
    expect(pool.take(1000)).not.toBe(last)
  })

  it('throws when a buffer is given back or held after its last holder gave it back', () => {
    const pool = new PieceBufferPool(SIZE, 4)
    const a = pool.take(SIZE)
    pool.give(a)
    expect(() => pool.give(a)).toThrow(/given back more often/)
    expect(() => pool.hold(a)).toThrow(/held after/)
  })

  it('keeps at most maxFree idle buffers; the rest become garbage', () => {
    const pool = new PieceBufferPool(SIZE, 2)
    const taken = [pool.take(SIZE), pool.take(SIZE), pool.take(SIZE)]
    for (const t of taken) pool.give(t)
    expect(pool.free).toBe(2)
    // The dropped one is unknown to the pool now: giving it again is ignored, not counted.
    pool.give(taken[2]!)
    expect(pool.free).toBe(2)
  })

  it('drain lets go of the idle buffers and keeps none from then on', () => {
    const pool = new PieceBufferPool(SIZE, 4)
    const [a, b] = [pool.take(SIZE), pool.take(SIZE)]
    pool.give(a)
    pool.drain()
    expect(pool.free).toBe(0)
    pool.give(b)
    expect(pool.free).toBe(0)
    const c = pool.take(SIZE)
    expect(c).not.toBe(a)
    expect(c).not.toBe(b)
    expect(pool.allocated).toBe(3)
  })
})
