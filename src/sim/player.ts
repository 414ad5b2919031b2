import type { Clock, TimerId } from '../util/clock.ts'
import type { TorrentFile } from '../torrent/torrent-file.ts'
import { StartGate } from '../media/start-gate.ts'

export interface PlayerConfig {
  /** Video bitrate, bytes/s (constant). */
  bitrate: number
  /** Seconds of video the browser needs buffered to play: at the start (once the app's gate opens) and after a stall. */
  playableSeconds: number
  /** A fixed startup buffer in seconds instead of the app's rule (StartGate). */
  startBufferSeconds?: number
}

export interface PlaybackStats {
  openedAt: number
  /** When the first frame showed (null: never). */
  firstFrameAt: number | null
  endedAt: number | null
  stalls: number
  stallMs: number
}

/**
 * A viewer: reads the file through the real streaming reader (`TorrentFile.stream()`, which sets the
 * session's critical and read-ahead pieces) as fast as pieces arrive, and plays it back at a constant
 * bitrate. Playback starts when the app's StartGate opens and `playableSeconds` are in (the browser's
 * own need), or once a fixed `startBufferSeconds` are in; it stalls (a rebuffer) when the playhead
 * reaches the last byte read, and resumes once `playableSeconds` are buffered again.
 */
export class Player {
  readonly stats: PlaybackStats
  readonly #clock: Clock
  readonly #file: TorrentFile
  readonly #cfg: PlayerConfig
  #available = 0
  #playhead = 0
  #playing = false
  #stalledAt: number | null = null
  #updatedAt = 0
  #empty: TimerId | null = null
  #reader: ReadableStreamDefaultReader<Uint8Array> | null = null
  readonly #gate = new StartGate()
  /** Called at each stall with the byte the playhead waits for (the trace listens). */
  onStall: ((byte: number) => void) | null = null
  /** Called when playback resumes after a stall. */
  onResume: (() => void) | null = null

  constructor(clock: Clock, file: TorrentFile, cfg: PlayerConfig) {
    this.#clock = clock
    this.#file = file
    this.#cfg = cfg
    this.stats = { openedAt: clock.now(), firstFrameAt: null, endedAt: null, stalls: 0, stallMs: 0 }
  }

  /** Bytes played so far (as of the last update). */
  get playhead(): number {
    return this.#playhead
  }

  get ended(): boolean {
    return this.stats.endedAt !== null
  }

  /** Opens the stream and reads it to the end (or until `stop`). */
  async play(): Promise<void> {
    const reader = (this.#reader = this.#file.stream().getReader())
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>
      try {
        result = await reader.read()
      } catch {
        return
      }
      if (result.done) return
      this.#onBytes(result.value.length)
    }
  }

  stop(): void {
    this.#clock.clearTimeout(this.#empty)
    void this.#reader?.cancel().catch(() => undefined)
  }

  #onBytes(bytes: number): void {
    const now = this.#clock.now()
    this.#advance(now)
    this.#available += bytes
    const ahead = (this.#available - this.#playhead) / this.#cfg.bitrate
    const toEnd = this.#available >= this.#file.length
    const enough = this.stats.firstFrameAt === null ? this.#startable(ahead, toEnd) : ahead >= this.#cfg.playableSeconds || toEnd
    if (!this.#playing && enough) {
      if (this.stats.firstFrameAt === null) this.stats.firstFrameAt = now
      if (this.#stalledAt !== null) {
        this.stats.stallMs += now - this.#stalledAt
        this.onResume?.()
      }
      this.#stalledAt = null
      this.#playing = true
    }
    if (this.#playing) this.#scheduleEmpty()
  }

  /** The app's gate, then the browser's own need. */
  #startable(ahead: number, toEnd: boolean): boolean {
    const fixed = this.#cfg.startBufferSeconds
    if (fixed !== undefined) return ahead >= fixed || toEnd
    return this.#gate.update({ ahead, toEnd, available: this.#file.available }) && (ahead >= this.#cfg.playableSeconds || toEnd)
  }

  /** Moves the playhead to `now`. */
  #advance(now: number): void {
    if (this.#playing) this.#playhead = Math.min(this.#available, this.#playhead + ((now - this.#updatedAt) / 1000) * this.#cfg.bitrate)
    this.#updatedAt = now
  }

  #scheduleEmpty(): void {
    this.#clock.clearTimeout(this.#empty)
    const ms = ((this.#available - this.#playhead) / this.#cfg.bitrate) * 1000
    this.#empty = this.#clock.setTimeout(() => this.#onEmpty(), ms)
  }

  #onEmpty(): void {
    const now = this.#clock.now()
    this.#advance(now)
    this.#playhead = this.#available
    this.#playing = false
    if (this.#available >= this.#file.length) {
      this.stats.endedAt = now
      return
    }
    this.stats.stalls++
    this.#stalledAt = now
    this.onStall?.(this.#available)
  }
}
