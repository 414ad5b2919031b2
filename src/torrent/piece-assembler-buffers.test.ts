/**
 * The assembler with lent piece buffers: a buffer goes back to the pool only when nobody can read it
 * any more. Each test gives a pool buffer back at the earliest point a holder may and then makes the pool
 * lend it again, so a buffer given back too early gets overwritten and the test sees the wrong bytes.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { bytesEqual } from '../util/bytes.ts'
import { Bitfield } from '../util/bitfield.ts'
import { PieceBufferPool } from '../util/piece-buffers.ts'
import type { Hasher } from '../util/sha1.ts'
import { BLOCK_LENGTH, PiecePicker } from '../picker/index.ts'
import { PeerStats } from '../peer/peer-stats.ts'
import { syncSha1 } from '../test-support/node-hasher.ts'
import { patternBytes } from '../test-support/swarm-lab.ts'
import type { BlockSource } from './peer-record.ts'
import { PieceAssembler } from './piece-assembler.ts'
import { SmartBan } from './smart-ban.ts'

const BLOCKS = 4
const PIECE = BLOCKS * BLOCK_LENGTH
const PIECES = 4
const data = patternBytes(PIECES * PIECE)
const pieceBytes = (i: number) => data.subarray(i * PIECE, (i + 1) * PIECE)
const sha1 = (bytes: Uint8Array) => new Uint8Array(createHash('sha1').update(bytes).digest())
const peer = (id: string): BlockSource => ({ kind: 'peer', id })
const honest = peer('aa'.repeat(20))
const liar = peer('bb'.repeat(20))
const other = peer('cc'.repeat(20))

/** A hasher that, while paused, reads its input only when released (as a slow hasher on a busy thread would). */
function gatedHasher() {
  const waiting: (() => void)[] = []
  const gate = {
    paused: false,
    hasher: ((bytes: Uint8Array) => {
      if (!gate.paused) return syncSha1(bytes)
      return new Promise<Uint8Array>((resolve) => waiting.push(() => resolve(sha1(bytes))))
    }) as Hasher,
    release() {
      gate.paused = false
      for (const run of waiting.splice(0)) run()
    },
  }
  return gate
}

/** `passed` as a store: `keep` holds each buffer (checked later), else it gives it back at once as the simulator's store does. */
function setup(opts: { keep: boolean; pieceHasher?: Hasher; banHasher?: Hasher }) {
  const picker = new PiecePicker({ numPieces: PIECES, pieceLength: PIECE, length: PIECES * PIECE })
  const pool = new PieceBufferPool(PIECE, 16)
  const kept: [number, Uint8Array][] = []
  const passed: number[] = []
  const offences: string[] = []
  const assembler = new PieceAssembler({
    picker,
    hasher: opts.pieceHasher ?? syncSha1,
    pieceHashes: Array.from({ length: PIECES }, (_, i) => sha1(pieceBytes(i))),
    stats: new PeerStats(),
    smartBan: new SmartBan(opts.banHasher ?? syncSha1),
    pieceBuffers: pool,
    passed: (index, bytes) => {
      passed.push(index)
      if (opts.keep) kept.push([index, bytes])
      else pool.give(bytes)
    },
    failed: () => undefined,
    offence: (source) => offences.push(source.id),
  })
  const deliver = (source: BlockSource, index: number, lie = false): boolean => {
    const only = new Bitfield(PIECES)
    only.set(index)
    const [r] = picker.pick(source, only, 1, () => false)
    if (!r) return false
    picker.received(r.index, r.begin)
    assembler.add(source, r.index, r.begin, lie ? new Uint8Array(r.length).fill(0xee) : pieceBytes(index).subarray(r.begin, r.begin + r.length))
    return true
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve))
  return { picker, pool, assembler, kept, passed, offences, deliver, settle }
}

describe('PieceAssembler with lent piece buffers', () => {
  it('does not lend a passed piece’s buffer again while the store it went to keeps it', async () => {
    const t = setup({ keep: true })
    for (let i = 0; i < PIECES; i++) {
      for (let b = 0; b < BLOCKS; b++) t.deliver(honest, i)
      await t.settle()
    }
    expect(t.passed).toEqual([0, 1, 2, 3])
    for (const [index, bytes] of t.kept) expect(bytesEqual(bytes, pieceBytes(index)), `piece ${index}`).toBe(true)
    expect(t.pool.allocated).toBe(PIECES)
    // The store is done with them: now they are lent again.
    for (const [, bytes] of t.kept) t.pool.give(bytes)
    expect(t.pool.free).toBe(PIECES)
    t.deliver(honest, 0)
    expect(t.pool.allocated).toBe(PIECES)
  })

  it('lends a passed piece’s buffer again only after smart ban judged it, though the store gave it back at once', async () => {
    const ban = gatedHasher()
    const t = setup({ keep: false, banHasher: ban.hasher })
    // A shared piece fails (block 1 is the liar's); smart ban records who sent what.
    t.deliver(honest, 2)
    t.deliver(liar, 2, true)
    t.deliver(other, 2)
    t.deliver(honest, 2)
    await t.settle()
    // The re-fetch from one peer passes; smart ban's judging is slow.
    ban.paused = true
    for (let b = 0; b < BLOCKS; b++) t.deliver(other, 2)
    await t.settle()
    expect(t.passed).toEqual([2])
    // Meanwhile another piece starts, in a lent buffer, with garbage.
    for (let b = 0; b < BLOCKS - 1; b++) t.deliver(liar, 0, true)
    ban.release()
    await t.settle()
    await t.settle()
    expect(t.offences).toEqual([liar.id])
    expect(t.pool.free).toBe(1)
  })

  it('lends a failed piece’s buffer again only after smart ban hashed its blocks', async () => {
    const ban = gatedHasher()
    const t = setup({ keep: false, banHasher: ban.hasher })
    ban.paused = true
    t.deliver(honest, 2)
    t.deliver(liar, 2, true)
    t.deliver(other, 2)
    t.deliver(honest, 2)
    await t.settle()
    // Smart ban has not read the failed blocks yet; another piece starts with garbage.
    for (let b = 0; b < BLOCKS - 1; b++) t.deliver(liar, 0, true)
    ban.release()
    await t.settle()
    expect(t.offences).toEqual([])
    for (let b = 0; b < BLOCKS; b++) t.deliver(other, 2)
    await t.settle()
    await t.settle()
    expect(t.passed).toEqual([2])
    expect(t.offences).toEqual([liar.id])
  })

  it('gives buffers back when a dropped peer’s blocks empty a piece, on stop, and when stopped while hashing', async () => {
    const pieceHash = gatedHasher()
    const t = setup({ keep: true, pieceHasher: pieceHash.hasher })
    t.deliver(liar, 0, true)
    t.deliver(honest, 1)
    t.deliver(liar, 1, true)
    expect(t.assembler.discard(liar)).toBe(2 * BLOCK_LENGTH)
    expect(t.pool.free).toBe(1)
    // Piece 2 reuses piece 0's buffer and is being hashed when the assembler stops (piece 1 is half done).
    pieceHash.paused = true
    for (let b = 0; b < BLOCKS; b++) t.deliver(honest, 2)
    expect(t.pool).toMatchObject({ free: 0, allocated: 2 })
    t.assembler.stop()
    expect(t.pool.free).toBe(1)
    pieceHash.release()
    await t.settle()
    expect(t.passed).toEqual([])
    expect(t.pool).toMatchObject({ free: 2, allocated: 2 })
  })
})
