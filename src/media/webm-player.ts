// WebM through MediaSource with seeking while downloading: on a seek to a time that is not buffered,
// the appender restarts at the cluster the Cues index gives for it (clusters carry absolute timestamps).
import { isTorrentGone } from './errors.ts'
import type { MediaFile } from './media-file.ts'
import { rangeReader } from './media-file.ts'
import { isBuffered } from './play-when-buffered.ts'
import { appendChunk, idle } from './source-buffer.ts'
import { appendAll } from './stream-appender.ts'
import { cueFor, readCues, type CuePoint, type WebmLayout } from './webm-cues.ts'


export class WebmPlayer {
  readonly #file: MediaFile
  readonly #media: HTMLMediaElement
  readonly #layout: WebmLayout
  readonly #onReadError: (err: Error) => void
  readonly #source = new MediaSource()
  #buffer: SourceBuffer | null = null
  #cues: Promise<CuePoint[]> | null = null
  /** Bumped on every (re)start; a loop whose generation is stale stops. */
  #generation = 0
  #reader: ReadableStreamDefaultReader<Uint8Array> | null = null
  #url: string

  /** `onReadError` hears reads of the file that fail while it plays (not the torrent being removed). */
  constructor(file: MediaFile, media: HTMLMediaElement, type: string, layout: WebmLayout, onReadError: (err: Error) => void) {
    this.#file = file
    this.#media = media
    this.#layout = layout
    this.#onReadError = onReadError
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
    const cues = (this.#cues ??= readCues(rangeReader(this.#file), this.#file.length, this.#layout))
    let points: CuePoint[]
    try {
      points = await cues
    } catch (err) {
      // A malformed index reads as []; this is the read itself failing. The next seek tries again.
      if (this.#cues === cues) this.#cues = null
      if (generation === this.#generation) this.#readFailed(err)
      return
    }
    const cue = cueFor(points, time)
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
    if (withInit && !(await appendChunk(this.#media, this.#source, buffer, this.#layout.init, () => generation === this.#generation))) return
    const reader = this.#file.stream({ start: offset }).getReader()
    this.#reader = reader
    try {
      await appendAll(reader, this.#media, this.#source, buffer, true, () => generation === this.#generation)
    } catch (err) {
      if (generation === this.#generation) this.#readFailed(err)
    } finally {
      if (this.#reader === reader) this.#reader = null
    }
  }

  #readFailed(err: unknown): void {
    if (!isTorrentGone(err)) this.#onReadError(err instanceof Error ? err : new Error(String(err)))
  }
}
