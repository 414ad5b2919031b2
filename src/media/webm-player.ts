// WebM through MediaSource with seeking while downloading: on a seek to a time that is not buffered,
// the appender restarts at the cluster the Cues index gives for it (clusters carry absolute timestamps).
import type { MediaFile } from './media-file.ts'
import { rangeReader } from './media-file.ts'
import { isBuffered } from './play-when-buffered.ts'
import { WebmBlockCutter } from './webm-blocks.ts'
import { cueFor, readCues, type CuePoint, type WebmLayout } from './webm-cues.ts'

/** Appending pauses while this many seconds past currentTime are buffered. */
const BUFFER_AHEAD_SECONDS = 60
/** On QuotaExceededError, drop what lies this far behind currentTime and retry. */
const KEEP_BEHIND_SECONDS = 10

export class WebmPlayer {
  readonly #file: MediaFile
  readonly #media: HTMLMediaElement
  readonly #layout: WebmLayout
  readonly #source = new MediaSource()
  #buffer: SourceBuffer | null = null
  #cues: Promise<CuePoint[]> | null = null
  /** Bumped on every (re)start; a loop whose generation is stale stops. */
  #generation = 0
  #reader: ReadableStreamDefaultReader<Uint8Array> | null = null
  #url: string

  constructor(file: MediaFile, media: HTMLMediaElement, type: string, layout: WebmLayout) {
    this.#file = file
    this.#media = media
    this.#layout = layout
    this.#url = URL.createObjectURL(this.#source)
    this.#source.addEventListener(
      'sourceopen',
      () => {
        URL.revokeObjectURL(this.#url)
        // After this load's own `emptied`: a later one means the element was given another source.
        media.addEventListener('emptied', this.destroy, { once: true })
        try {
          this.#buffer = this.#source.addSourceBuffer(type)
        } catch {
          return // the element reports the failure through its own `error`
        }
        void this.#appendFrom(layout.firstCluster, true)
      },
      { once: true },
    )
    media.addEventListener('seeking', this.#onSeeking)
    media.src = this.#url
  }

  /** Stops appending and forgets the element (also on the element's `emptied`, when it gets a new source). */
  readonly destroy = (): void => {
    this.#generation++
    this.#media.removeEventListener('seeking', this.#onSeeking)
    void this.#reader?.cancel().catch(() => undefined)
    this.#reader = null
  }

  readonly #onSeeking = (): void => {
    const time = this.#media.currentTime
    if (isBuffered(this.#media.buffered, time)) return
    void this.#seek(time)
  }

  async #seek(time: number): Promise<void> {
    const generation = ++this.#generation // the running appender stops at its next step
    void this.#reader?.cancel().catch(() => undefined)
    this.#cues ??= readCues(rangeReader(this.#file), this.#file.length, this.#layout).catch(() => [])
    const cue = cueFor(await this.#cues, time)
    if (generation !== this.#generation) return
    await this.#appendFrom(cue?.offset ?? this.#layout.firstCluster, true, generation)
  }

  async #appendFrom(offset: number, withInit: boolean, generation = ++this.#generation): Promise<void> {
    const buffer = this.#buffer
    if (!buffer) return
    this.#reader = null
    await idle(buffer)
    if (generation !== this.#generation || this.#source.readyState === 'closed') return
    // Drops a half-parsed cluster of the previous run; the init segment then resets the parser.
    if (this.#source.readyState === 'open') {
      try {
        buffer.abort()
      } catch {
        return // the SourceBuffer was removed: the element is gone or failed
      }
    }
    if (withInit && !(await this.#append(buffer, this.#layout.init, generation))) return
    const reader = this.#file.stream({ start: offset }).getReader()
    this.#reader = reader
    // Appends end on whole blocks: Firefox drops the rest of a cluster after a block split in two.
    const cutter = new WebmBlockCutter()
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (generation !== this.#generation) return
        const chunk = done ? cutter.flush() : cutter.push(value)
        if (chunk.length > 0) {
          await this.#roomAhead(generation)
          if (!(await this.#append(buffer, chunk, generation))) return
        }
        if (done) break
      }
    } catch {
      return // cancelled by a seek or destroy, or the torrent is gone
    } finally {
      if (this.#reader === reader) this.#reader = null
    }
    if (generation === this.#generation && this.#source.readyState === 'open' && !buffer.updating) this.#source.endOfStream()
  }

  /** Appends one chunk; false if this run was superseded or the element failed. */
  async #append(buffer: SourceBuffer, chunk: Uint8Array, generation: number): Promise<boolean> {
    for (;;) {
      if (generation !== this.#generation || this.#media.error || this.#source.readyState === 'closed') return false
      try {
        buffer.appendBuffer(chunk as Uint8Array<ArrayBuffer>)
        await idle(buffer)
        return generation === this.#generation
      } catch (err) {
        if ((err as Error).name !== 'QuotaExceededError') return false
        const behind = this.#media.currentTime - KEEP_BEHIND_SECONDS
        if (behind > 0) {
          buffer.remove(0, behind)
          await idle(buffer)
        }
        await delay(1000)
      }
    }
  }

  /** Waits while enough is buffered ahead of the playhead. */
  async #roomAhead(generation: number): Promise<void> {
    while (generation === this.#generation && bufferedAhead(this.#media) > BUFFER_AHEAD_SECONDS) await delay(500)
  }
}

function idle(buffer: SourceBuffer): Promise<void> {
  if (!buffer.updating) return Promise.resolve()
  return new Promise((resolve) => buffer.addEventListener('updateend', () => resolve(), { once: true }))
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function bufferedAhead(media: HTMLMediaElement): number {
  const ranges = media.buffered
  const now = media.currentTime
  for (let i = 0; i < ranges.length; i++) if (ranges.start(i) <= now + 0.1 && now < ranges.end(i)) return ranges.end(i) - now
  return 0
}
