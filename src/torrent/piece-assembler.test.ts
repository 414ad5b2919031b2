import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Bitfield } from '../util/bitfield.ts'
import type { ProtocolError } from '../util/errors.ts'
import { BLOCK_LENGTH, PiecePicker } from '../picker/index.ts'
import { PeerStats } from '../peer/peer-stats.ts'
import { syncSha1 } from '../test-support/node-hasher.ts'
import { patternBytes } from '../test-support/swarm-lab.ts'
import type { BlockSource } from './peer-record.ts'
import { PieceAssembler } from './piece-assembler.ts'
import { SmartBan } from './smart-ban.ts'

const BLOCKS = 4
const PIECE = BLOCKS * BLOCK_LENGTH
const PIECES = 3
const data = patternBytes(PIECES * PIECE)
const peer = (id: string): BlockSource => ({ kind: 'peer', id })
const honest = peer('aa'.repeat(20))
const liar = peer('bb'.repeat(20))
const other = peer('cc'.repeat(20))

function setup() {
  const picker = new PiecePicker({ numPieces: PIECES, pieceLength: PIECE, length: PIECES * PIECE })
  const stats = new PeerStats()
  const passed: number[] = []
  const failed: number[] = []
  const offences: [string, string][] = []
  const smartBan = new SmartBan(syncSha1)
  const assembler = new PieceAssembler({
    picker,
    hasher: syncSha1,
    pieceHashes: Array.from({ length: PIECES }, (_, i) => new Uint8Array(createHash('sha1').update(data.subarray(i * PIECE, (i + 1) * PIECE)).digest())),
    stats,
    smartBan,
    passed: (index) => passed.push(index),
    failed: (index) => failed.push(index),
    offence: (source: BlockSource, error: ProtocolError) => offences.push([source.id, error.code]),
  })
  /** Requests the next free block of `index` for `source` and delivers it (`lie`: garbage). Returns false when the picker gave it none. */
  const deliver = (source: BlockSource, index: number, lie = false): boolean => {
    const only = new Bitfield(PIECES)
    only.set(index)
    const [r] = picker.pick(source, only, 1, () => false)
    if (!r) return false
    expect(picker.received(r.index, r.begin)).toBe('new')
    const at = index * PIECE + r.begin
    assembler.add(source, r.index, r.begin, lie ? new Uint8Array(r.length).fill(0xee) : data.subarray(at, at + r.length))
    return true
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve))
  return { picker, stats, smartBan, assembler, passed, failed, offences, deliver, settle }
}

describe('PieceAssembler', () => {
  it('verifies a complete piece and hands it on', async () => {
    const t = setup()
    for (let b = 0; b < BLOCKS; b++) t.deliver(honest, 1)
    expect(t.assembler.buffered).toBe(1)
    await t.settle()
    expect(t.passed).toEqual([1])
    expect(t.offences).toEqual([])
    expect(t.assembler.buffered).toBe(0)
  })

  it('bans the only contributor of a piece that fails, and frees the piece', async () => {
    const t = setup()
    for (let b = 0; b < BLOCKS; b++) t.deliver(liar, 0, true)
    await t.settle()
    expect(t.failed).toEqual([0])
    expect(t.offences).toEqual([[liar.id, 'BAD_PIECE_DATA']])
    expect(t.picker.isSingleSource(0)).toBe(false)
    expect(t.stats.snapshot()).toMatchObject({ hashFailures: 1, discardedBytes: PIECE, byPeer: { [liar.id]: { hashFailures: 1, discardedBytes: PIECE } } })
    expect(t.deliver(honest, 0)).toBe(true)
  })

  it('strikes nobody for a failure with several contributors; the re-fetch from one peer names the liar', async () => {
    const t = setup()
    t.deliver(honest, 2)
    t.deliver(liar, 2, true)
    t.deliver(other, 2)
    t.deliver(honest, 2)
    await t.settle()
    expect(t.failed).toEqual([2])
    expect(t.offences).toEqual([])
    expect(t.picker.isSingleSource(2)).toBe(true)
    expect(t.smartBan.has(2)).toBe(true)
    expect(t.stats.snapshot().byPeer[honest.id]).toMatchObject({ hashFailures: 1, discardedBytes: 2 * BLOCK_LENGTH, banned: false })
    // The re-fetch belongs to the first peer that takes a block of it.
    expect(t.deliver(other, 2)).toBe(true)
    expect(t.deliver(honest, 2)).toBe(false)
    for (let b = 1; b < BLOCKS; b++) t.deliver(other, 2)
    await t.settle()
    await t.settle()
    expect(t.passed).toEqual([2])
    expect(t.offences).toEqual([[liar.id, 'BAD_PIECE_DATA']])
  })

  it('bans a peer that sends a block again with different bytes', async () => {
    const t = setup()
    // First attempt: block 0 from the liar (right bytes this time), block 3 bad from another peer.
    t.deliver(liar, 0)
    t.deliver(honest, 0)
    t.deliver(honest, 0)
    t.deliver(other, 0, true)
    await t.settle()
    expect(t.offences).toEqual([])
    // Second attempt, mixed again (its owner choked us), and the liar changes its block 0.
    t.deliver(liar, 0, true)
    t.picker.releaseOwnership(liar)
    for (let b = 1; b < BLOCKS; b++) t.deliver(honest, 0)
    await t.settle()
    await t.settle()
    expect(t.offences).toEqual([[liar.id, 'BAD_PIECE_DATA']])
  })

  it("throws away a dropped source's blocks of unfinished pieces, so the piece completes without them", async () => {
    const t = setup()
    t.deliver(honest, 0)
    t.deliver(liar, 0, true)
    t.deliver(liar, 0, true)
    t.deliver(liar, 1, true)
    expect(t.assembler.discard(liar)).toBe(3 * BLOCK_LENGTH)
    expect(t.stats.snapshot().byPeer[liar.id]!.discardedBytes).toBe(3 * BLOCK_LENGTH)
    expect(t.assembler.buffered).toBe(1)
    for (let b = 1; b < BLOCKS; b++) expect(t.deliver(honest, 0)).toBe(true)
    await t.settle()
    expect(t.passed).toEqual([0])
    expect(t.failed).toEqual([])
  })

  it('reports a web seed that sent a whole bad piece as its offence, not a peer’s', async () => {
    const t = setup()
    const webSeed: BlockSource = { kind: 'web-seed', id: 'https://seed.example/' }
    for (let b = 0; b < BLOCKS; b++) t.deliver(webSeed, 1, true)
    await t.settle()
    expect(t.offences).toEqual([[webSeed.id, 'BAD_PIECE_DATA']])
    expect(t.stats.snapshot()).toMatchObject({ hashFailures: 1, discardedBytes: PIECE, byPeer: {} })
  })

  it('does nothing once stopped', async () => {
    const t = setup()
    for (let b = 0; b < BLOCKS - 1; b++) t.deliver(honest, 1)
    t.assembler.stop()
    t.deliver(honest, 1)
    await t.settle()
    expect(t.passed).toEqual([])
    expect(t.assembler.buffered).toBe(0)
  })
})
