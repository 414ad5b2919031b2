import { describe, expect, it } from 'vitest'
import { Bitfield } from '../util/bitfield.ts'
import { BLOCK_LENGTH, PiecePicker } from './piece-picker.ts'

function all(n: number): Bitfield {
  const b = new Bitfield(n)
  b.setAll()
  return b
}

const never = () => false

describe('PiecePicker', () => {
  it('splits pieces into 16 KiB blocks with a short last block', () => {
    const picker = new PiecePicker({ numPieces: 2, pieceLength: 32768, length: 32768 + 20000 })
    const reqs = picker.pick(all(2), 10, never)
    expect(reqs.map((r) => r.length).sort((a, b) => a - b)).toEqual([3616, 16384, 16384, 16384])
  })

  it('asks for the rarest piece first', () => {
    const picker = new PiecePicker({ numPieces: 3, pieceLength: BLOCK_LENGTH, length: 3 * BLOCK_LENGTH })
    picker.availability.set([3, 1, 2])
    expect(picker.pick(all(3), 1, never)[0]!.index).toBe(1)
  })

  it('finishes started pieces before starting new ones', () => {
    const picker = new PiecePicker({ numPieces: 4, pieceLength: 4 * BLOCK_LENGTH, length: 16 * BLOCK_LENGTH })
    picker.availability.set([1, 5, 5, 5])
    const first = picker.pick(all(4), 2, never)
    expect(first.every((r) => r.index === 0)).toBe(true)
    picker.availability.set([9, 1, 1, 1])
    expect(picker.pick(all(4), 2, never).every((r) => r.index === 0)).toBe(true)
  })

  it('only asks for pieces the peer has and we want', () => {
    const picker = new PiecePicker({ numPieces: 3, pieceLength: BLOCK_LENGTH, length: 3 * BLOCK_LENGTH })
    const peer = new Bitfield(3)
    peer.set(2)
    peer.set(1)
    picker.wanted.set(1, false)
    expect(picker.pick(peer, 5, never).map((r) => r.index)).toEqual([2])
  })

  it('enters endgame: duplicates in-flight blocks for another peer, never for the same one', () => {
    const picker = new PiecePicker({ numPieces: 1, pieceLength: BLOCK_LENGTH, length: BLOCK_LENGTH })
    expect(picker.pick(all(1), 5, never)).toHaveLength(1)
    expect(picker.pick(all(1), 5, () => true)).toHaveLength(0)
    expect(picker.pick(all(1), 5, never)).toHaveLength(1)
    expect(picker.pick(all(1), 5, never)).toHaveLength(0)
    expect(picker.received(0, 0)).toBe('new')
    expect(picker.received(0, 0)).toBe('duplicate')
  })

  it('re-requests every block of a piece that failed verification', () => {
    const picker = new PiecePicker({ numPieces: 1, pieceLength: 2 * BLOCK_LENGTH, length: 2 * BLOCK_LENGTH })
    for (const r of picker.pick(all(1), 5, never)) picker.received(r.index, r.begin)
    expect(picker.isPieceComplete(0)).toBe(true)
    picker.failed(0)
    expect(picker.pick(all(1), 5, never)).toHaveLength(2)
  })

  it('frees a released request and rejects blocks never requested', () => {
    const picker = new PiecePicker({ numPieces: 1, pieceLength: 2 * BLOCK_LENGTH, length: 2 * BLOCK_LENGTH })
    const [a] = picker.pick(all(1), 1, never)
    expect(picker.received(0, BLOCK_LENGTH)).toBe('unexpected')
    picker.released(a!.index, a!.begin)
    expect(picker.pick(all(1), 5, never)).toHaveLength(2)
  })

  it('stops picking once pieces are verified', () => {
    const picker = new PiecePicker({ numPieces: 2, pieceLength: BLOCK_LENGTH, length: 2 * BLOCK_LENGTH })
    picker.verified(0)
    picker.verified(1)
    expect(picker.complete).toBe(true)
    expect(picker.pick(all(2), 5, never)).toHaveLength(0)
  })
})

describe('PiecePicker extent affinity', () => {
  it('takes equally rare pieces a whole 1 MiB extent at a time, in order within it', () => {
    const pieceLength = 256 * 1024
    const picker = new PiecePicker({ numPieces: 16, pieceLength, length: 16 * pieceLength })
    const order: number[] = []
    for (const r of picker.pick(all(16), 16 * 16, never)) if (!order.includes(r.index)) order.push(r.index)
    expect(order).toHaveLength(16)
    for (let e = 0; e < 4; e++) {
      const extent = order.slice(e * 4, e * 4 + 4)
      expect(extent[0]! % 4).toBe(0)
      expect(extent).toEqual([extent[0]!, extent[0]! + 1, extent[0]! + 2, extent[0]! + 3])
    }
  })
})

describe('PiecePicker streaming priorities', () => {
  const geometry = { numPieces: 10, pieceLength: 2 * BLOCK_LENGTH, length: 20 * BLOCK_LENGTH }

  it('asks for critical pieces first, then the read-ahead window in order, then the rest', () => {
    const picker = new PiecePicker(geometry)
    picker.availability.set([1, 1, 1, 1, 1, 1, 1, 1, 1, 9])
    picker.setPriorities({ critical: [9], readahead: [4, 5] })
    const order = picker.pick(all(10), 7, never).map((r) => r.index)
    expect(order).toEqual([9, 9, 4, 4, 5, 5, order[6]])
    expect([4, 5, 9]).not.toContain(order[6])
  })

  it('lets fast peers duplicate critical blocks, up to three copies, never twice to one peer', () => {
    const picker = new PiecePicker(geometry)
    picker.setPriorities({ critical: [3], readahead: [] })
    const first = picker.pick(all(10), 2, never, { critical: true })
    expect(first.map((r) => r.index)).toEqual([3, 3])
    expect(picker.pick(all(10), 2, () => true, { critical: true }).some((r) => r.index === 3)).toBe(false)
    expect(picker.pick(all(10), 2, never, { critical: true }).map((r) => r.index)).toEqual([3, 3])
    expect(picker.pick(all(10), 2, never, { critical: true }).map((r) => r.index)).toEqual([3, 3])
    expect(picker.pick(all(10), 2, never, { critical: true }).map((r) => r.index)).not.toContain(3)
  })

  it('gives slow peers no duplicate critical work', () => {
    const picker = new PiecePicker(geometry)
    picker.setPriorities({ critical: [3], readahead: [] })
    picker.pick(all(10), 2, never, { critical: true })
    expect(picker.pick(all(10), 2, never, { critical: false }).map((r) => r.index)).not.toContain(3)
  })

  it('fetches critical pieces even in deselected files, and web seeds claim them first', () => {
    const picker = new PiecePicker(geometry)
    for (let i = 0; i < 10; i++) picker.wanted.set(i, false)
    picker.setPriorities({ critical: [], readahead: [7] })
    expect(picker.claimPiece()?.[0]?.index).toBe(7)
    expect(picker.claimPiece()).toBeNull()
  })
})

describe('PiecePicker critical batches', () => {
  it('never hands the same block twice in one batch', () => {
    const picker = new PiecePicker({ numPieces: 4, pieceLength: 4 * BLOCK_LENGTH, length: 16 * BLOCK_LENGTH })
    picker.setPriorities({ critical: [2], readahead: [] })
    const batch = picker.pick(all(4), 50, never, { critical: true })
    const keys = batch.map((r) => `${r.index}:${r.begin}`)
    expect(new Set(keys).size).toBe(keys.length)
  })
})
