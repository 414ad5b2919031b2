import { describe, expect, it } from 'vitest'
import { allPieces, availabilityOf, bits, setupPicker, testPick } from './test-helpers.ts'

describe('picker availability bookkeeping', () => {
  it('builds availability from the peers of a fixture', () => {
    const { picker, peers } = setupPicker('2223333', '       ')
    expect(peers).toHaveLength(3)
    expect(availabilityOf(picker)).toBe('2223333')
  })

  it('counts a repeated have once', () => {
    const { picker } = setupPicker('0000', '    ')
    const peer = {}
    picker.peerHas(peer, 2)
    picker.peerHas(peer, 2)
    picker.peerHas(peer, 2)
    expect(availabilityOf(picker)).toBe('0010')
  })

  it('subtracts exactly what a departing peer added', () => {
    const { picker, peers } = setupPicker('1232', '    ')
    picker.peerLeft(peers[1]!)
    expect(availabilityOf(picker)).toBe('1121')
    picker.peerLeft(peers[1]!)
    expect(availabilityOf(picker)).toBe('1121')
  })

  it('subtracts haves that came one by one, and only those', () => {
    const { picker } = setupPicker('1111', '    ')
    const peer = {}
    picker.peerHas(peer, 0)
    picker.peerHas(peer, 3)
    picker.peerHas(peer, 3)
    expect(availabilityOf(picker)).toBe('2112')
    picker.peerLeft(peer)
    expect(availabilityOf(picker)).toBe('1111')
  })

  it('lets a bitfield replace what the peer was counted for', () => {
    const { picker } = setupPicker('000', '   ')
    const peer = {}
    picker.peerHas(peer, 0)
    picker.peerBitfield(peer, bits(' * '))
    expect(availabilityOf(picker)).toBe('010')
    picker.peerBitfield(peer, bits(' * '))
    expect(availabilityOf(picker)).toBe('010')
  })

  it('counts a have-all peer as a seed, once, and forgets it when it leaves', () => {
    const { picker } = setupPicker('012', '   ')
    const seed = {}
    picker.peerHasAll(seed)
    picker.peerHasAll(seed)
    picker.peerHas(seed, 1)
    expect(availabilityOf(picker)).toBe('123')
    picker.peerLeft(seed)
    expect(availabilityOf(picker)).toBe('012')
  })

  it('turns a peer whose haves complete the set into a seed without double counting', () => {
    const { picker } = setupPicker('000', '   ')
    const peer = {}
    for (const i of [0, 1, 2, 1]) picker.peerHas(peer, i)
    expect(availabilityOf(picker)).toBe('111')
    picker.peerLeft(peer)
    expect(availabilityOf(picker)).toBe('000')
  })

  it('treats a full bitfield as a seed', () => {
    const { picker } = setupPicker('01', '  ')
    const peer = {}
    picker.peerBitfield(peer, allPieces(2))
    expect(availabilityOf(picker)).toBe('12')
    picker.peerLeft(peer)
    expect(availabilityOf(picker)).toBe('01')
  })

  it('ignores haves out of range and departures of peers it never counted', () => {
    const { picker } = setupPicker('11', '  ')
    const peer = {}
    picker.peerHas(peer, 7)
    picker.peerHas(peer, -1)
    picker.peerLeft({})
    expect(availabilityOf(picker)).toBe('11')
  })

  it('picks by availability after departures (the rarest piece changes)', () => {
    const { picker, peers } = setupPicker('3122', '    ')
    const late = {}
    picker.peerHas(late, 1)
    picker.peerHas(late, 1)
    picker.peerHas(late, 1)
    picker.peerLeft(peers[1]!)
    // Now "2211": pieces 2 and 3 are the rarest, taken in order within their extent.
    expect(availabilityOf(picker)).toBe('2211')
    expect(testPick(picker)).toBe(2)
  })
})
