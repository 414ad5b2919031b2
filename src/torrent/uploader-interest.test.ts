import { describe, expect, it } from 'vitest'
import { BLOCK_LENGTH } from '../picker/index.ts'
import { RECHOKE_INTERVAL_MS, UNCHOKE_SLOTS } from '../choker/choker.ts'
import type { Attacker } from '../test-support/attacker.ts'
import { seedHarness } from './test-helpers.ts'

const GEOMETRY = { numPieces: 16, pieceLength: 2 * BLOCK_LENGTH, length: 32 * BLOCK_LENGTH }
const unchokes = (p: Attacker) => p.received.filter((m) => m.type === 'unchoke').length
const chokes = (p: Attacker) => p.received.filter((m) => m.type === 'choke').length

/** The harness holding pieces 0 … count − 1. */
const holding = (count: number) => seedHarness(GEOMETRY, new Uint8Array(GEOMETRY.length), { pieces: count })

/** Tells the uploader `peer` is interested, then not, and returns whether it still chokes it. */
async function interestedThenNot(h: Awaited<ReturnType<typeof holding>>, peer: Attacker, n: number): Promise<boolean> {
  peer.send({ type: 'interested' })
  await h.clock.advance(30)
  expect(unchokes(peer)).toBe(1)
  peer.send({ type: 'not-interested' })
  await h.clock.advance(30)
  return h.record(n).session.amChoking
}

describe('Uploader, peers that lose interest', () => {
  it('downloading, keeps a peer that lost interest unchoked without a slot, and serves it at once when it asks again', async () => {
    const h = await holding(8)
    const early = h.join(1)
    await h.clock.advance(30)
    expect(await interestedThenNot(h, early, 1)).toBe(false)

    // Its slot is free: as many newcomers as there are slots are unchoked at once (level with us: no catch-up slots).
    const others = Array.from({ length: UNCHOKE_SLOTS + 2 }, (_, i) => h.join(10 + i))
    await h.clock.advance(30)
    for (const p of others) p.send({ type: 'bitfield', bitfield: Uint8Array.of(0xff, 0x00) })
    for (const p of others) p.send({ type: 'interested' })
    await h.clock.advance(30)
    expect(others.filter((p) => unchokes(p) === 1)).toHaveLength(UNCHOKE_SLOTS + 1)

    // A rechoke leaves it unchoked; interested again, its request is answered with no new unchoke.
    await h.clock.advance(RECHOKE_INTERVAL_MS)
    h.uploader.rechoke(false)
    await h.clock.advance(30)
    expect(chokes(early)).toBe(0)
    early.send({ type: 'interested' })
    early.send({ type: 'request', index: 3, begin: 0, length: BLOCK_LENGTH })
    await h.clock.advance(30)
    expect(early.received.filter((m) => m.type === 'piece')).toHaveLength(1)
    expect(unchokes(early)).toBe(1)
  })

  it('seeding while it masks, chokes a peer that loses interest', async () => {
    const h = await holding(GEOMETRY.numPieces)
    const [a, b] = [h.join(1), h.join(2)]
    await h.clock.advance(30)
    expect(h.uploader.bitfield(h.record(1), true)).not.toBeNull()
    expect(h.uploader.bitfield(h.record(2), true)).not.toBeNull()
    h.uploader.rechoke(true)
    b.send({ type: 'interested' })
    expect(await interestedThenNot(h, a, 1)).toBe(true)
  })
})
