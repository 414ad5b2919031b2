import { describe, expect, it } from 'vitest'
import { BLOCK_LENGTH } from '../picker/index.ts'
import { CATCH_UP_SLOTS, RECHOKE_INTERVAL_MS, UNCHOKE_SLOTS } from '../choker/choker.ts'
import type { Attacker } from '../test-support/attacker.ts'
import { seedHarness } from './test-helpers.ts'

const GEOMETRY = { numPieces: 16, pieceLength: 2 * BLOCK_LENGTH, length: 32 * BLOCK_LENGTH }
const unchoked = (p: Attacker) => p.received.filter((m) => m.type === 'unchoke').length > p.received.filter((m) => m.type === 'choke').length

/**
 * We hold pieces 0–7 of 16; peers level with us take the slots as they ask, then two that hold nothing and one a piece
 * behind ask, in that order. Returns who was unchoked of those three at once, and everyone after a rechoke.
 */
async function rechokeWithPeersBehind(reading: boolean) {
  const h = await seedHarness(GEOMETRY, new Uint8Array(GEOMETRY.length), { pieces: 8 })
  h.state.reading = reading
  const level = Array.from({ length: UNCHOKE_SLOTS + 2 }, (_, i) => h.join(10 + i))
  const nearly = h.join(30)
  const far = [h.join(40), h.join(41)]
  await h.clock.advance(30)
  for (const p of level) p.send({ type: 'bitfield', bitfield: Uint8Array.of(0xff, 0x00) })
  nearly.send({ type: 'bitfield', bitfield: Uint8Array.of(0xfe, 0x00) })
  for (const p of far) p.send({ type: 'have-none' })
  for (const p of level) p.send({ type: 'interested' })
  await h.clock.advance(30)
  for (const p of [...far, nearly]) p.send({ type: 'interested' })
  await h.clock.advance(30)
  const atOnce = [...far, nearly].filter(unchoked)
  await h.clock.advance(RECHOKE_INTERVAL_MS)
  h.uploader.rechoke(false)
  await h.clock.advance(30)
  return { far, atOnce, all: [...level, nearly, ...far] }
}

describe('Uploader, catch-up slots', () => {
  it('downloading, unchokes the first peers behind us to ask at once, and at the rechoke the waiting peers furthest behind, beyond the regular slots', async () => {
    const { far, atOnce, all } = await rechokeWithPeersBehind(false)
    // Without catch-up slots, at most one of them could hold the optimistic turn.
    expect(CATCH_UP_SLOTS).toBe(2)
    // The slots were full: the two that asked first took the catch-up slots at once, the third waited.
    expect(atOnce).toEqual(far)
    expect(far.every(unchoked)).toBe(true)
    expect(all.filter(unchoked)).toHaveLength(UNCHOKE_SLOTS + CATCH_UP_SLOTS + 1)
  })

  it('gives no catch-up slots while something reads our files (a player streams)', async () => {
    const { far, atOnce, all } = await rechokeWithPeersBehind(true)
    expect(atOnce).toEqual([])
    expect(far.every(unchoked)).toBe(false)
    expect(all.filter(unchoked)).toHaveLength(UNCHOKE_SLOTS + 1)
  })
})
