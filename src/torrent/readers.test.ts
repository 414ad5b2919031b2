import { describe, expect, it } from 'vitest'
import { MIN_READAHEAD_BYTES, ReaderSet, START_BYTES, START_MS } from './readers.ts'

const MiB = 1024 * 1024

describe('ReaderSet', () => {
  it('makes the next piece critical and a window in front of it read-ahead', () => {
    const readers = new ReaderSet()
    const id = readers.open()
    readers.move(id, 10, 100)
    const p = readers.priorities(() => false, MiB, 0)
    expect(p.critical).toEqual([10])
    expect(p.readahead).toEqual([11, 12])
    expect(MIN_READAHEAD_BYTES).toBe(2 * MiB)
  })

  it('widens the window with the download rate and skips pieces already there', () => {
    const readers = new ReaderSet()
    readers.move(readers.open(), 0, 100)
    const p = readers.priorities((i) => i === 2, MiB, 2 * MiB)
    expect(p.readahead).toEqual([1, 3, 4, 5, 6, 7, 8])
  })

  it('reads ahead for the reader that moved last first, interleaves the others, and drops a closed one', () => {
    const readers = new ReaderSet()
    const a = readers.open()
    const b = readers.open()
    readers.move(a, 0, 3)
    readers.move(b, 50, 53)
    // b moved last (a seek, say): its window first.
    expect(readers.priorities(() => false, MiB, 0)).toEqual({ critical: [50, 0], readahead: [51, 52, 1, 2] })
    const c = readers.open()
    readers.move(c, 80, 83)
    readers.move(a, 1, 3)
    expect(readers.priorities(() => false, MiB, 0)).toEqual({ critical: [1, 80, 50], readahead: [2, 3, 81, 51, 82, 52] })
    readers.close(c)
    readers.close(a)
    expect(readers.priorities(() => false, MiB, 0).critical).toEqual([50])
  })

  it('expected pieces are critical until had, and not read-ahead twice', () => {
    const readers = new ReaderSet()
    expect(readers.active).toBe(false)
    readers.expect([0, 1, 99])
    expect(readers.active).toBe(true)
    expect(readers.priorities(() => false, MiB, 0)).toEqual({ critical: [0, 1, 99], readahead: [] })
    const id = readers.open()
    readers.move(id, 0, 100)
    expect(readers.priorities((i) => i === 0, MiB, 0)).toEqual({ critical: [1, 99], readahead: [2] })
    readers.close(id)
    expect(readers.priorities((i) => i <= 1 || i === 99, MiB, 0)).toEqual({ critical: [], readahead: [] })
    expect(readers.active).toBe(false)
  })

  it('an expected reader reads ahead from the start until a real reader moves', () => {
    const readers = new ReaderSet()
    readers.expect([0, 99], { piece: 0, last: 99 })
    expect(readers.priorities(() => false, MiB, 0)).toEqual({ critical: [0, 99], readahead: [1, 2] })
    readers.move(readers.open(), 50, 99)
    expect(readers.priorities(() => false, MiB, 0)).toEqual({ critical: [50, 0, 99], readahead: [51, 52] })
  })

  it('holds everything but what readers need while a new reader starts: until its first START_BYTES are here, for at most START_MS', () => {
    const readers = new ReaderSet()
    const pieceLength = 256 * 1024
    const span = START_BYTES / pieceLength
    const id = readers.open()
    readers.move(id, 10, 100, 5000)
    expect(readers.priorities(() => false, pieceLength, 0, 5000).readersOnly).toBe(true)
    expect(readers.startingUntil).toBe(5000 + START_MS)
    // It read on: its start still lacks a piece.
    readers.move(id, 12, 100, 5100)
    expect(readers.priorities((i) => i < 10 + span - 1, pieceLength, 0, 5100).readersOnly).toBe(true)
    // Its first START_BYTES are here.
    expect(readers.priorities((i) => i < 10 + span, pieceLength, 0, 5200).readersOnly).toBeUndefined()
    expect(readers.startingUntil).toBeNull()
    // Or the time is up.
    expect(readers.priorities(() => false, pieceLength, 0, 5000 + START_MS).readersOnly).toBeUndefined()
    // A seek opens a new reader: it starts again.
    readers.move(readers.open(), 80, 100, 9000)
    expect(readers.priorities(() => false, pieceLength, 0, 9000).readersOnly).toBe(true)
  })

  it('a reader whose whole range is within reach starts until a player shows the file, for at most START_MS, its read-ahead ending at its first START_BYTES', () => {
    const readers = new ReaderSet()
    const pieceLength = 256 * 1024
    const span = START_BYTES / pieceLength
    const id = readers.open()
    readers.move(id, 10, 100, 5000)
    const firstHere = (i: number) => i < 10 + span
    const inReach = (i: number) => i >= 10 && i <= 100
    const starting = readers.priorities(firstHere, pieceLength, 0, 5200, inReach)
    expect(starting.readersOnly).toBe(true)
    expect(starting.readahead).toEqual([])
    expect(readers.startingUntil).toBe(5000 + START_MS)
    // One piece of its range at nobody we know: the start ends once its first START_BYTES are here, as before.
    const gap = readers.priorities(firstHere, pieceLength, 0, 5200, (i) => inReach(i) && i !== 90)
    expect(gap.readersOnly).toBeUndefined()
    expect(gap.readahead[0]).toBe(10 + span)
    // Pieces it has read past do not count; the time still ends its start.
    readers.move(id, 12, 100, 5300)
    expect(readers.priorities(firstHere, pieceLength, 0, 5300, (i) => i >= 12 && i <= 100).readersOnly).toBe(true)
    expect(readers.priorities(firstHere, pieceLength, 0, 5000 + START_MS, inReach).readersOnly).toBeUndefined()
  })

  it('a player showing the file ends every start: the read-ahead and everything else are fetched again', () => {
    const readers = new ReaderSet()
    const pieceLength = 256 * 1024
    const span = START_BYTES / pieceLength
    readers.move(readers.open(), 10, 100, 5000)
    readers.move(readers.open(), 50, 100, 5050)
    expect(readers.priorities(() => false, pieceLength, 0, 5100, () => true).readersOnly).toBe(true)
    readers.played()
    const after = readers.priorities(() => false, pieceLength, 0, 5100, () => true)
    expect(after.readersOnly).toBeUndefined()
    expect(readers.startingUntil).toBeNull()
    expect(after.readahead.length).toBeGreaterThan(2 * (span - 1))
    // A seek after it opens a reader that starts again.
    readers.move(readers.open(), 80, 100, 5200)
    expect(readers.priorities(() => false, pieceLength, 0, 5200, () => true).readersOnly).toBe(true)
    // An expected player's start ends too.
    const expected = new ReaderSet()
    expected.expect([0], { piece: 0, last: 99 }, 100)
    expected.played()
    expect(expected.priorities(() => false, MiB, 0, 200).readersOnly).toBeUndefined()
  })

  it('a player expected at a video\'s start starts too; a reader moved without a time never does', () => {
    const readers = new ReaderSet()
    readers.expect([0, 99], { piece: 0, last: 99 }, 100)
    expect(readers.priorities(() => false, MiB, 0, 200).readersOnly).toBe(true)
    const plain = new ReaderSet()
    plain.move(plain.open(), 0, 99)
    expect(plain.priorities(() => false, MiB, 0, 200).readersOnly).toBeUndefined()
  })
})
