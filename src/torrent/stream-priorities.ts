import type { Clock, TimerId } from '../util/clock.ts'
import type { InfoDictionary } from '../metainfo/types.ts'
import type { PiecePicker } from '../picker/index.ts'
import { mediaEnds } from './media-ends.ts'
import { ReaderSet } from './readers.ts'

export interface StreamPrioritiesDeps {
  info: InfoDictionary
  picker: PiecePicker
  clock: Clock
  downloadRate: () => number
  /** We have the piece or a connected peer (or web seed) has shown it. */
  shown: (index: number) => boolean
  /** `playing` may have changed: a reader moved while we did not play, or PLAYING_LINGER_MS passed since the last one closed. */
  playingChanged?: () => void
  /** New critical pieces not yet fully asked for: cancel queued requests for them to go first. */
  preempt: (critical: Set<number>) => void
  /** Priorities changed: top up every peer's requests. */
  refill: () => void
}

/** A player that closes one range and opens the next within this long does not stop playing (`ss_play` would flap). */
export const PLAYING_LINGER_MS = 5000

/**
 * The torrent's readers (and the player expected for its video) turned into the picker's priorities,
 * recomputed when a reader moves, a piece arrives, the selection changes or a reader's start ends.
 */
export class StreamPriorities {
  readonly #deps: StreamPrioritiesDeps
  readonly #readers = new ReaderSet()
  #startTimer: TimerId | null = null
  #lingerTimer: TimerId | null = null
  #closedAt = -Infinity
  #stopped = false

  constructor(deps: StreamPrioritiesDeps) {
    this.#deps = deps
  }

  /** Whether a verified piece may change the priorities (see ReaderSet.active). */
  get active(): boolean {
    return this.#readers.active
  }

  /** Whether a reader is open (a player or a stream reads a file now). */
  get reading(): boolean {
    return this.#readers.size > 0
  }

  open(): number {
    return this.#readers.open()
  }

  move(id: number, piece: number, last: number): void {
    const was = this.playing
    this.#readers.move(id, piece, last, this.#deps.clock.now())
    if (!was) this.#deps.playingChanged?.()
    this.update()
  }

  /** A reader is open, or the last one closed less than PLAYING_LINGER_MS ago (what peers hear: `ss_play`). */
  get playing(): boolean {
    return this.reading || this.#deps.clock.now() - this.#closedAt < PLAYING_LINGER_MS
  }

  close(id: number): void {
    const { clock } = this.#deps
    this.#readers.close(id)
    if (!this.reading && !this.#stopped) {
      this.#closedAt = clock.now()
      clock.clearTimeout(this.#lingerTimer)
      this.#lingerTimer = clock.setTimeout(() => this.#deps.playingChanged?.(), PLAYING_LINGER_MS)
    }
    this.update()
  }

  played(): void {
    this.#readers.played()
    this.update()
  }

  /** A video is likely to be played from its start: its header and end first, then its first pieces in order. */
  expectPlayer(selected: readonly boolean[]): void {
    const { info, clock } = this.#deps
    const ends = mediaEnds(info.files, selected, info.pieceLength)
    this.#readers.expect(ends?.pieces ?? [], ends ? { piece: ends.first, last: ends.last } : null, clock.now())
    this.update()
  }

  /**
   * Recomputes the priorities; only a new critical piece not yet fully asked for preempts queued requests
   * (some peers answer cancelled ones anyway: cancelling would ask twice).
   */
  update(): void {
    const { picker, clock, info } = this.#deps
    const before = new Set(picker.priorities.critical)
    const next = this.#readers.priorities((i) => picker.hasPiece(i), info.pieceLength, this.#deps.downloadRate(), clock.now(), this.#deps.shown)
    picker.setPriorities(next)
    // A reader's start ends by the clock too: then everything else may be requested again.
    clock.clearTimeout(this.#startTimer)
    const until = this.#readers.startingUntil
    this.#startTimer = until === null || this.#stopped ? null : clock.setTimeout(() => this.update(), until - clock.now())
    if (next.critical.some((i) => !before.has(i) && !picker.underway(i))) this.#deps.preempt(new Set(next.critical))
    this.#deps.refill()
  }

  stop(): void {
    this.#stopped = true
    this.#deps.clock.clearTimeout(this.#startTimer)
    this.#deps.clock.clearTimeout(this.#lingerTimer)
  }
}
