import { describe, expect, it } from 'vitest'
import { Bitfield } from '../util/bitfield.ts'
import { BLOCK_LENGTH, ENDGAME_AFTER_MS, PiecePicker } from './piece-picker.ts'
import { allPieces as all, bits, blocksOf, never, setupPicker, testPick } from './test-helpers.ts'

describe('PiecePicker rules (fixtures)', () => {
  it('pick_lowest_availability: the rarest piece we do not have', () => {
    const { picker } = setupPicker('2223333', '* * *  ')
    expect(testPick(picker)).toBe(1)
  })

  it('never picks pieces we have or do not want, nor pieces the peer lacks', () => {
    const { picker } = setupPicker('1111', '*   ', '1101')
    expect(testPick(picker, bits('**  '))).toBe(1)
    expect(testPick(picker, bits('* * '))).toBe(-1)
    expect(testPick(picker, bits('  **'))).toBe(3)
  })

  it('partial pieces first: the free blocks of a started piece before any new piece', () => {
    const { picker } = setupPicker('5153', '    ', '', '00a0')
    const batch = picker.pick({}, all(4), 3, never)
    // Piece 1 is rarer, but piece 2 is started.
    expect(blocksOf(batch)).toEqual(['2:1', '2:3', '1:0'])
  })

  it('dont_pick_requested_blocks: a requested block goes to nobody else until released', () => {
    const { picker } = setupPicker('1', ' ')
    const a = picker.pick({}, all(1), 2, never)
    expect(blocksOf(a)).toEqual(['0:0', '0:1'])
    expect(blocksOf(picker.pick({}, all(1), 4, never))).toEqual(['0:2', '0:3'])
    picker.released(0, BLOCK_LENGTH)
    expect(blocksOf(picker.pick({}, all(1), 4, never))).toEqual(['0:1'])
  })

  it('restore_piece: every block of a piece that failed is requested again', () => {
    const { picker } = setupPicker('1', ' ', '', 'f')
    expect(picker.isPieceComplete(0)).toBe(true)
    picker.failed(0)
    expect(picker.pick({}, all(1), 8, never)).toHaveLength(4)
  })

  it('unreceive: a thrown-away block is requested again, the rest of the piece is kept', () => {
    const { picker } = setupPicker('1', ' ', '', 'f')
    picker.unreceive(0, 2 * BLOCK_LENGTH)
    expect(picker.isPieceComplete(0)).toBe(false)
    expect(blocksOf(picker.pick({}, all(1), 8, never))).toEqual(['0:2'])
  })
})

describe('PiecePicker underway pieces', () => {
  it('a piece is underway once every block is had, received or asked for, and no longer once one is released', () => {
    const { picker } = setupPicker('11', '* ')
    expect(picker.underway(0), 'had').toBe(true)
    expect(picker.underway(1), 'not started').toBe(false)
    picker.pick({}, bits(' *'), 2, never)
    expect(picker.underway(1), 'two of four blocks asked for').toBe(false)
    picker.pick({}, bits(' *'), 2, never)
    expect(picker.underway(1), 'all four asked for').toBe(true)
    picker.released(1, BLOCK_LENGTH)
    expect(picker.underway(1), 'one released').toBe(false)
  })
})

describe('PiecePicker single-source pieces (smart ban re-fetch)', () => {
  it('gives a piece that failed with several contributors to one peer only', () => {
    const { picker } = setupPicker('22', '  ')
    const a = {}
    const b = {}
    picker.failed(0, { singleSource: true })
    expect(blocksOf(picker.pick(a, bits('* '), 2, never))).toEqual(['0:0', '0:1'])
    expect(picker.ownerOf(0)).toBe(a)
    // Another peer gets neither free blocks nor endgame duplicates of it.
    expect(picker.pick(b, bits('* '), 4, never)).toEqual([])
    expect(blocksOf(picker.pick(a, bits('* '), 4, never))).toEqual(['0:2', '0:3'])
  })

  it('hands the piece to another peer once its owner leaves, and forgets the mark once the piece is had', () => {
    const { picker } = setupPicker('22', '  ')
    const a = {}
    const b = {}
    picker.failed(0, { singleSource: true })
    picker.pick(a, bits('* '), 1, never)
    picker.released(0, 0)
    picker.peerLeft(a)
    expect(blocksOf(picker.pick(b, bits('* '), 4, never))).toEqual(['0:0', '0:1', '0:2', '0:3'])
    expect(picker.ownerOf(0)).toBe(b)
    picker.markHave(0)
    expect(picker.isSingleSource(0)).toBe(false)
  })

  it('does not mark a piece that failed with one contributor', () => {
    const { picker } = setupPicker('2', ' ')
    picker.failed(0)
    picker.pick({}, all(1), 1, never)
    expect(picker.pick({}, all(1), 1, never)).toHaveLength(1)
  })
})

describe('PiecePicker geometry and endgame', () => {
  it('splits pieces into 16 KiB blocks with a short last block', () => {
    const picker = new PiecePicker({ numPieces: 2, pieceLength: 32768, length: 32768 + 20000 })
    const reqs = picker.pick({}, all(2), 10, never)
    expect(reqs.map((r) => r.length).sort((a, b) => a - b)).toEqual([3616, 16384, 16384, 16384])
  })

  it('finishes started pieces before starting new ones, even when rarer ones appear', () => {
    const picker = new PiecePicker({ numPieces: 4, pieceLength: 4 * BLOCK_LENGTH, length: 16 * BLOCK_LENGTH })
    const many = Array.from({ length: 5 }, () => ({}))
    many.forEach((p, k) => picker.peerBitfield(p, bits(k === 0 ? '****' : ' ***')))
    expect(picker.pick({}, all(4), 2, never).every((r) => r.index === 0)).toBe(true)
    for (const p of many) picker.peerLeft(p)
    picker.peerBitfield({}, bits('*   '))
    expect(picker.pick({}, all(4), 2, never).every((r) => r.index === 0)).toBe(true)
  })

  it('enters endgame: duplicates in-flight blocks for another peer, never for the same one', () => {
    const picker = new PiecePicker({ numPieces: 1, pieceLength: BLOCK_LENGTH, length: BLOCK_LENGTH })
    expect(picker.pick({}, all(1), 5, never)).toHaveLength(1)
    expect(picker.pick({}, all(1), 5, () => true)).toHaveLength(0)
    expect(picker.pick({}, all(1), 5, never)).toHaveLength(1)
    expect(picker.pick({}, all(1), 5, never)).toHaveLength(0)
    expect(picker.received(0, 0)).toBe('new')
    expect(picker.received(0, 0)).toBe('duplicate')
  })

  it('in endgame, duplicates only blocks asked for ENDGAME_AFTER_MS ago or more', () => {
    const picker = new PiecePicker({ numPieces: 2, pieceLength: 2 * BLOCK_LENGTH, length: 4 * BLOCK_LENGTH })
    expect(picker.pick({}, all(2), 2, never, { now: 0 })).toHaveLength(2)
    expect(picker.pick({}, all(2), 2, never, { now: 500 })).toHaveLength(2)
    // Nothing free: the first two requests are old enough to race, the last two are likely on their way.
    const again = picker.pick({}, all(2), 4, never, { now: ENDGAME_AFTER_MS })
    expect(again.map((r) => `${r.index}:${r.begin}`)).toEqual(['0:0', `0:${BLOCK_LENGTH}`])
    expect(picker.pick({}, all(2), 4, never, { now: 500 + ENDGAME_AFTER_MS })).toHaveLength(2)
  })

  it('frees a released request and rejects blocks never requested', () => {
    const picker = new PiecePicker({ numPieces: 1, pieceLength: 2 * BLOCK_LENGTH, length: 2 * BLOCK_LENGTH })
    const [a] = picker.pick({}, all(1), 1, never)
    expect(picker.received(0, BLOCK_LENGTH)).toBe('unexpected')
    picker.released(a!.index, a!.begin)
    expect(picker.pick({}, all(1), 5, never)).toHaveLength(2)
  })

  it('stops picking once pieces are had, and reports them', () => {
    const picker = new PiecePicker({ numPieces: 2, pieceLength: BLOCK_LENGTH, length: 2 * BLOCK_LENGTH })
    picker.markHave(0)
    expect(picker.hasPiece(0)).toBe(true)
    expect(picker.complete).toBe(false)
    picker.markHave(1)
    expect(picker.complete).toBe(true)
    expect(picker.haveCount).toBe(2)
    expect([...picker.haveBitfield()]).toEqual([0xc0])
    expect(picker.pick({}, all(2), 5, never)).toHaveLength(0)
  })

  it('hands out a copy of the have bitfield', () => {
    const picker = new PiecePicker({ numPieces: 8, pieceLength: BLOCK_LENGTH, length: 8 * BLOCK_LENGTH })
    picker.haveBitfield()[0] = 0xff
    expect(picker.haveCount).toBe(0)
    expect(picker.hasPiece(0)).toBe(false)
  })
})

describe('PiecePicker extent affinity', () => {
  it('takes equally rare pieces a whole 1 MiB extent at a time, in order within it', () => {
    const pieceLength = 256 * 1024
    const picker = new PiecePicker({ numPieces: 16, pieceLength, length: 16 * pieceLength })
    const order: number[] = []
    for (const r of picker.pick({}, all(16), 16 * 16, never)) if (!order.includes(r.index)) order.push(r.index)
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
    const peers = Array.from({ length: 9 }, () => ({}))
    peers.forEach((p, k) => picker.peerBitfield(p, bits(k === 0 ? '**********' : '         *')))
    picker.setPriorities({ critical: [9], readahead: [4, 5] })
    const order = picker.pick({}, all(10), 7, never).map((r) => r.index)
    expect(order).toEqual([9, 9, 4, 4, 5, 5, order[6]])
    expect([4, 5, 9]).not.toContain(order[6])
  })

  it('asks for nothing else while a stream starts (readersOnly), and for the rest once it has', () => {
    const picker = new PiecePicker(geometry)
    picker.setPriorities({ critical: [9], readahead: [4], readersOnly: true })
    expect(picker.pick({}, all(10), 8, never).map((r) => r.index)).toEqual([9, 9, 4, 4])
    expect(picker.interestedIn(all(10))).toBe(true)
    picker.setPriorities({ critical: [], readahead: [] })
    expect(picker.pick({}, all(10), 8, never)).toHaveLength(8)
  })

  it('lets fast peers duplicate critical blocks, up to three copies, never twice to one peer', () => {
    const picker = new PiecePicker(geometry)
    picker.setPriorities({ critical: [3], readahead: [] })
    const first = picker.pick({}, all(10), 2, never, { critical: true })
    expect(first.map((r) => r.index)).toEqual([3, 3])
    expect(picker.pick({}, all(10), 2, () => true, { critical: true }).some((r) => r.index === 3)).toBe(false)
    expect(picker.pick({}, all(10), 2, never, { critical: true }).map((r) => r.index)).toEqual([3, 3])
    expect(picker.pick({}, all(10), 2, never, { critical: true }).map((r) => r.index)).toEqual([3, 3])
    expect(picker.pick({}, all(10), 2, never, { critical: true }).map((r) => r.index)).not.toContain(3)
  })

  it('gives slow peers no duplicate critical work', () => {
    const picker = new PiecePicker(geometry)
    picker.setPriorities({ critical: [3], readahead: [] })
    picker.pick({}, all(10), 2, never, { critical: true })
    expect(picker.pick({}, all(10), 2, never, { critical: false }).map((r) => r.index)).not.toContain(3)
  })

  it('fetches critical pieces even in deselected files, and web seeds claim them first', () => {
    const picker = new PiecePicker(geometry)
    picker.setWanted(() => false)
    picker.setPriorities({ critical: [], readahead: [7] })
    expect(picker.claimPiece({})?.[0]?.index).toBe(7)
    expect(picker.claimPiece({})).toBeNull()
  })

  it('never hands the same block twice in one critical batch', () => {
    const picker = new PiecePicker({ numPieces: 4, pieceLength: 4 * BLOCK_LENGTH, length: 16 * BLOCK_LENGTH })
    picker.setPriorities({ critical: [2], readahead: [] })
    const batch = picker.pick({}, all(4), 50, never, { critical: true })
    const keys = blocksOf(batch)
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('is interested only in pieces it needs', () => {
    const picker = new PiecePicker({ numPieces: 3, pieceLength: BLOCK_LENGTH, length: 3 * BLOCK_LENGTH })
    picker.markHave(0)
    picker.setWanted((i) => i !== 1)
    expect(picker.interestedIn(bits('**  '.slice(0, 3)))).toBe(false)
    expect(picker.interestedIn(bits('  *'))).toBe(true)
    picker.setPriorities({ critical: [1], readahead: [] })
    expect(picker.interestedIn(bits(' * '))).toBe(true)
    expect(picker.interestedIn(new Bitfield(3))).toBe(false)
  })
})

describe('PiecePicker whole-piece claims (web seeds)', () => {
  it('lets a released claim be claimed again, but never a piece a peer works on', () => {
    const { picker } = setupPicker('11', '  ')
    const seed = {}
    const first = picker.claimPiece(seed)!
    expect(first.map((r) => r.index)).toEqual([0, 0, 0, 0])
    for (const r of first) picker.released(r.index, r.begin)
    expect(picker.claimPiece(seed)![0]!.index).toBe(0)
    expect(picker.claimPiece(seed)![0]!.index).toBe(1)
    expect(picker.claimPiece(seed)).toBeNull()
  })
})

describe('PiecePicker late blocks', () => {
  it('takes a late block only while it is missing, and never into a piece reserved for another peer', () => {
    const { picker } = setupPicker('22', '  ')
    const owner = {}
    const other = {}
    expect(picker.acceptLate(other, 0, 0, BLOCK_LENGTH)).toBe(false) // piece not started
    picker.pick(owner, bits('* '), 1, never)
    expect(picker.acceptLate(other, 0, BLOCK_LENGTH, BLOCK_LENGTH)).toBe(true)
    expect(picker.acceptLate(other, 0, BLOCK_LENGTH, BLOCK_LENGTH)).toBe(false) // already there
    expect(picker.acceptLate(other, 0, 2 * BLOCK_LENGTH, 100)).toBe(false) // wrong length
    picker.failed(0, { singleSource: true })
    picker.pick(owner, bits('* '), 1, never)
    expect(picker.acceptLate(other, 0, BLOCK_LENGTH, BLOCK_LENGTH)).toBe(false)
    expect(picker.acceptLate(owner, 0, BLOCK_LENGTH, BLOCK_LENGTH)).toBe(true)
  })
})
