/** A masking seeder and a peer that says it plays (`ss_play`): neither first-copy rule applies to it. */
import { describe, expect, it } from 'vitest'
import { SuperSeed } from './super-seed.ts'
import { N, PIECE, peer, reclaimedOffers, told } from './super-seed-test-helpers.ts'

describe('SuperSeed and a peer that plays', () => {
  it('hands a peer that plays the lowest pieces left, even those another masked peer was told of: that is its playing order', () => {
    const { seed } = reclaimedOffers()
    const viewer = peer()
    viewer.session.remotePlaying = true
    const field = seed.admit(viewer, 0)
    seed.topUp(viewer, 4 * PIECE)
    expect(told(field, viewer)).toEqual([0, 1, 2, 3])
  })

  it('has a peer told every piece give up its slot at once while others are masked, unless it plays', () => {
    const seed = new SuperSeed(N, () => PIECE)
    const [first, viewer, masked] = [peer(), peer(), peer()]
    viewer.session.remotePlaying = true
    seed.toldAll(first)
    seed.toldAll(viewer)
    expect(seed.yieldsSlot(first)).toBe(false) // nobody masked: nobody waits for new pieces
    seed.admit(masked, 0)
    expect(seed.yieldsSlot(first)).toBe(true)
    expect(seed.yieldsSlot(viewer)).toBe(false)
    expect(seed.ranksLast(viewer)).toBe(true) // it still ranks after the masked peers at a rechoke
    first.session.remotePlaying = true
    expect(seed.yieldsSlot(first)).toBe(false)
  })
})
