/** A seeder's peer told every piece (it joined while it was the only leecher), once the seeder masks others. */
import { describe, expect, it } from 'vitest'
import { BLOCK_LENGTH } from '../picker/index.ts'
import { RECHOKE_INTERVAL_MS, UNCHOKE_SLOTS } from '../choker/choker.ts'
import { seedHarness } from './test-helpers.ts'

const request = (index: number, begin = 0) => ({ type: 'request' as const, index, begin, length: BLOCK_LENGTH })

/** A seed of `numPieces` whose first peer, alone, is told everything and unchoked on interest. */
async function aloneFirst(numPieces: number, opts: { playing?: boolean } = {}) {
  const h = await seedHarness({ numPieces, pieceLength: 2 * BLOCK_LENGTH, length: 2 * numPieces * BLOCK_LENGTH }, new Uint8Array(2 * numPieces * BLOCK_LENGTH))
  const first = h.join(1, { superSeed: 1, ...opts })
  await h.clock.advance(30)
  expect(h.uploader.bitfield(h.record(1), true)).toBeNull()
  h.uploader.rechoke(true)
  first.send({ type: 'interested' })
  await h.clock.advance(30)
  expect(h.record(1).session.amChoking).toBe(false)
  return { h, first }
}

/** `n` peers joining after the first: each masked, then interested. */
async function maskedCrowd(h: Awaited<ReturnType<typeof aloneFirst>>['h'], n: number) {
  const crowd = Array.from({ length: n }, (_, k) => h.join(k + 2))
  await h.clock.advance(30)
  for (let k = 0; k < n; k++) expect(h.uploader.bitfield(h.record(k + 2), true)).not.toBeNull()
  for (const p of crowd) p.send({ type: 'interested' })
  return crowd
}

describe('Uploader, a peer told every piece', () => {
  it('seeding, ranks a peer told every piece after the peers it masks, while it masks any', async () => {
    const { h, first } = await aloneFirst(64)
    first.sendBurst(Array.from({ length: 32 }, (_, i) => [request(i), request(i, BLOCK_LENGTH)]).flat())
    await h.clock.advance(200)
    const crowd = await maskedCrowd(h, 5)
    await h.clock.advance(RECHOKE_INTERVAL_MS)
    h.uploader.rechoke(true)
    await h.clock.advance(30)
    // It was served fastest, yet the masked crowd gets the slots: it would ask for pieces already handed out.
    expect(h.record(1).session.amChoking).toBe(true)
    expect(crowd.every((_, k) => !h.record(k + 2).session.amChoking)).toBe(true)
  })

  it.each([
    ['does not play: its slot goes to a waiting masked peer at once, not at the next rechoke', false],
    ['plays: it keeps its slot until the next rechoke (its next pieces cannot wait)', true],
  ])('seeding, a peer told every piece that %s', async (_, playing) => {
    // Room for every masked peer's offers: masking lasts.
    const { h } = await aloneFirst(512, { playing })
    const crowd = await maskedCrowd(h, UNCHOKE_SLOTS + 1)
    await h.clock.advance(30)
    const waiting = () => crowd.filter((_, k) => h.record(k + 2).session.amChoking).length
    expect(waiting()).toBe(1)
    // Well before the next rechoke: it would ask for pieces already handed out to the masked peers.
    h.uploader.rechoke(true)
    await h.clock.advance(30)
    expect(h.record(1).session.amChoking).toBe(!playing)
    expect(waiting()).toBe(playing ? 1 : 0)
  })
})
