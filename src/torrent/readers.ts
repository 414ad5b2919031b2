import type { Priorities } from '../picker/index.ts'

/** Read-ahead in front of each reader covers this many seconds at the current download rate… */
export const READAHEAD_SECONDS = 4
/** …but at least this much (so playback can start) and at most this much (so other readers get a share). */
export const MIN_READAHEAD_BYTES = 2 * 1024 * 1024
export const MAX_READAHEAD_BYTES = 32 * 1024 * 1024
/**
 * A reader starts (so does a player expected at a video's start) until the first START_BYTES of its range
 * are here, for at most START_MS: meanwhile its read-ahead ends there and nothing else is requested. A page
 * that fetched all of a small video at once spent its main thread on it while the player waited for its
 * first bytes. While all of the reader's range is within reach (here or at a connected peer) its start lasts
 * until a player shows the file (`played`), for at most START_MS: a player then starts at once on a few KB,
 * and fetching on at full speed kept the page from the player's round trips.
 */
export const START_BYTES = 1024 * 1024
export const START_MS = 1000

interface Reader {
  /** The piece the reader needs next. */
  piece: number
  /** Last piece of the reader's range. */
  last: number
  /** Where it started reading, and when. */
  from: number
  since: number
}

/**
 * Streaming readers and the priorities they imply: the piece each reader needs next is critical,
 * the window in front of it is read-ahead (nearest first): the window of the reader that moved last
 * first, then the others' interleaved. Pure.
 */
export class ReaderSet {
  #readers = new Map<number, Reader>()
  #nextId = 1
  /** Critical before any reader asks (a video's header and end, see media-ends.ts); each until it is had. */
  #pinned: readonly number[] = []
  /** Where a player is expected to start reading, until a real reader opens. */
  #expected: Reader | null = null
  #startingUntil: number | null = null

  open(): number {
    return this.#nextId++
  }

  /** `now`: when a new reader starts (omitted: it is not starting). */
  move(id: number, piece: number, last: number, now = -Infinity): void {
    const had = this.#readers.get(id)
    this.#readers.delete(id) // the map's order is the order of the readers' last moves
    this.#readers.set(id, { piece, last, from: had?.from ?? piece, since: had?.since ?? now })
    this.#expected = null
  }

  close(id: number): void {
    this.#readers.delete(id)
  }

  /** A player shows the file: every reader's start ends. */
  played(): void {
    for (const r of this.#readers.values()) r.since = -Infinity
    if (this.#expected) this.#expected.since = -Infinity
  }

  /**
   * Before anything reads: `pieces` are critical until had, and `from` (if given) reads ahead like a
   * reader would, until a real reader moves.
   */
  expect(pieces: readonly number[], from: { piece: number; last: number } | null = null, now = -Infinity): void {
    this.#pinned = [...pieces]
    this.#expected = this.#readers.size === 0 && from ? { ...from, from: from.piece, since: now } : null
  }

  get size(): number {
    return this.#readers.size
  }

  /** Whether a verified piece may change the priorities: there are readers, expected or real, or pinned pieces not had yet. */
  get active(): boolean {
    return this.#readers.size > 0 || this.#pinned.length > 0 || this.#expected !== null
  }

  /** Until when the last priorities hold only what readers need (null: they do not). */
  get startingUntil(): number | null {
    return this.#startingUntil
  }

  /**
   * @param has whether a piece is already verified
   * @param bytesPerSecond current download rate
   * @param shown whether a piece is here or at a connected peer (omitted: a reader's range is never all within reach)
   */
  priorities(has: (index: number) => boolean, pieceLength: number, bytesPerSecond: number, now = 0, shown?: (index: number) => boolean): Priorities {
    const windowBytes = Math.min(MAX_READAHEAD_BYTES, Math.max(MIN_READAHEAD_BYTES, READAHEAD_SECONDS * bytesPerSecond))
    const windowPieces = Math.max(1, Math.ceil(windowBytes / pieceLength))
    const critical: number[] = []
    const lanes: number[][] = []
    // The reader that moved last first: after a seek, the new position matters more than one a player left.
    const span = Math.ceil(START_BYTES / pieceLength)
    this.#startingUntil = null
    for (const r of this.#expected ? [this.#expected] : [...this.#readers.values()].reverse()) {
      const { piece, last } = r
      if (!has(piece)) critical.push(piece)
      const starting = this.#starts(r, has, span, now, shown)
      if (starting) this.#startingUntil = Math.min(this.#startingUntil ?? Infinity, r.since + START_MS)
      const lane: number[] = []
      const end = Math.min(last, piece + windowPieces, starting ? r.from + span - 1 : Infinity)
      for (let i = piece + 1; i <= end; i++) if (!has(i)) lane.push(i)
      lanes.push(lane)
    }
    const seen = new Set(critical)
    const readahead = (lanes[0] ?? []).filter((i) => !seen.has(i))
    for (const i of readahead) seen.add(i)
    const older = lanes.slice(1)
    for (let depth = 0; older.some((lane) => depth < lane.length); depth++) {
      for (const lane of older) {
        const index = lane[depth]
        if (index !== undefined && !seen.has(index)) {
          seen.add(index)
          readahead.push(index)
        }
      }
    }
    this.#pinned = this.#pinned.filter((index) => !has(index))
    critical.push(...this.#pinned)
    const urgent = new Set(critical)
    return { critical: [...urgent], readahead: readahead.filter((i) => !urgent.has(i)), ...(this.#startingUntil !== null ? { readersOnly: true } : {}) }
  }

  /** Whether the reader is starting: less than START_MS after it began, its first `span` pieces are not all here or all it reads is within reach. */
  #starts(r: Reader, has: (index: number) => boolean, span: number, now: number, shown?: (index: number) => boolean): boolean {
    if (now - r.since >= START_MS) return false
    const end = Math.min(r.last, r.from + span - 1)
    for (let i = Math.max(r.from, r.piece); i <= end; i++) if (!has(i)) return true
    if (!shown) return false
    for (let i = r.piece; i <= r.last; i++) if (!shown(i)) return false
    return true
  }
}
