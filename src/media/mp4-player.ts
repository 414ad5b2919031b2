// A plain MP4 through MediaSource: one pass through the file in byte order (one per track if the tracks
// are not interleaved) cuts each track's samples into movie fragments, appended to one SourceBuffer per
// track whenever that buffer is free (what arrives during an append goes out in the next). A seek to a
// time not buffered restarts the pass at the video's sync sample before it.
import { ByteWindow } from './byte-window.ts'
import { isTorrentGone } from './errors.ts'
import type { MediaFile } from './media-file.ts'
import { fragment, initSegment } from './mp4-fragments.ts'
import type { Mp4Movie, Mp4Track } from './mp4-movie.ts'
import { aheadIn, isBuffered } from './play-when-buffered.ts'
import { BUFFER_AHEAD_SECONDS, dropBehind } from './source-buffer.ts'

/** Once the element can play, samples wait for this much media (or the bytes below) before they go. */
const MIN_FRAGMENT_SECONDS = 0.25
const MAX_FRAGMENT_BYTES = 1024 * 1024
/** Reading waits while this much is cut but not yet appended. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024
/** A seek this far past what the running pass is about to append lets it continue. */
const AHEAD_SEEK_SECONDS = 2

interface Lane {
  track: Mp4Track
  buffer: SourceBuffer
  queue: Uint8Array[]
  /** Next sample to cut from the file, and the first one cut but not yet in a fragment. */
  next: number
  pendingFrom: number
  parts: Uint8Array[]
  pendingBytes: number
  /** Nothing of this pass appended yet: its first samples go at once. */
  fresh: boolean
}

export class Mp4Player {
  readonly #file: MediaFile
  readonly #media: HTMLMediaElement
  readonly #movie: Mp4Movie
  readonly #onReadError: (err: Error) => void
  readonly #source = new MediaSource()
  #lanes: Lane[] = []
  /** Bumped on every (re)start; a pass whose generation is stale stops. */
  #generation = 0
  #readers = new Set<ReadableStreamDefaultReader<Uint8Array>>()
  #readDone = false
  #sequence = 1

  /** `onReadError` hears reads of the file that fail while it plays (not the torrent being removed). */
  constructor(file: MediaFile, media: HTMLMediaElement, movie: Mp4Movie, onReadError: (err: Error) => void) {
    this.#file = file
    this.#media = media
    this.#movie = movie
    this.#onReadError = onReadError
    const url = URL.createObjectURL(this.#source)
    this.#source.addEventListener(
      'sourceopen',
      () => {
        URL.revokeObjectURL(url)
        this.#open()
      },
      { once: true },
    )
    media.addEventListener('seeking', this.#onSeeking)
    media.src = url
  }

  /** Stops reading and forgets the element (also on the element's `emptied`, when it gets a new source). */
  readonly destroy = (): void => {
    this.#generation++
    this.#media.removeEventListener('seeking', this.#onSeeking)
    this.#cancelReads()
  }

  #cancelReads(): void {
    for (const reader of this.#readers) void reader.cancel().catch(() => undefined)
    this.#readers.clear()
  }

  #open(): void {
    // After this load's own `emptied`: a later one means the element was given another source.
    this.#media.addEventListener('emptied', this.destroy, { once: true })
    try {
      this.#source.duration = this.#movie.duration
      for (const track of this.#movie.tracks) {
        const buffer = this.#source.addSourceBuffer(`${track.kind}/mp4; codecs="${track.codec}"`)
        buffer.timestampOffset = track.shift
        const lane: Lane = { track, buffer, queue: [initSegment(this.#movie, track)], next: 0, pendingFrom: 0, parts: [], pendingBytes: 0, fresh: true }
        buffer.addEventListener('updateend', () => this.#pump(lane))
        this.#lanes.push(lane)
      }
    } catch {
      return // the element reports the failure through its own `error`
    }
    for (const lane of this.#lanes) this.#pump(lane) // the init segments, while the first samples are read
    void this.#run(this.#media.currentTime, ++this.#generation)
  }

  readonly #onSeeking = (): void => {
    const time = this.#media.currentTime
    if (isBuffered(this.#media.buffered, time)) return
    const video = this.#lanes.find((l) => l.track.kind === 'video') ?? this.#lanes[0]
    if (video && !this.#readDone && video.pendingFrom < video.track.count) {
      const coming = seconds(video.track, video.pendingFrom)
      if (coming <= time && time < coming + AHEAD_SEEK_SECONDS) return
    }
    void this.#run(time, ++this.#generation)
  }

  /** Reads from the samples needed to show `time` on. */
  async #run(time: number, generation: number): Promise<void> {
    this.#cancelReads()
    this.#readDone = false
    const video = this.#lanes.find((l) => l.track.kind === 'video')
    const from = video ? syncBefore(video.track, time) : 0
    const fromTime = video ? seconds(video.track, from) : time
    for (const lane of this.#lanes) {
      lane.next = lane.pendingFrom = lane === video ? from : sampleBefore(lane.track, fromTime)
      lane.parts = []
      lane.pendingBytes = 0
      lane.queue = lane.queue.filter(isInit)
      lane.fresh = true
    }
    const groups = this.#movie.interleaved ? [this.#lanes] : this.#lanes.map((lane) => [lane])
    const passes = await Promise.all(groups.map((lanes) => this.#pass(lanes, generation)))
    if (generation !== this.#generation || !passes.every(Boolean)) return
    this.#readDone = true
    for (const lane of this.#lanes) this.#pump(lane)
  }

  /** Reads the file once, from the first of `lanes`' next samples on; true once their samples are cut. */
  async #pass(lanes: Lane[], generation: number): Promise<boolean> {
    const left = lanes.filter((l) => l.next < l.track.count)
    if (left.length === 0) return true
    const start = Math.min(...left.map((l) => l.track.offset[l.next]!))
    const window = new ByteWindow(start)
    const reader = this.#file.stream({ start }).getReader()
    this.#readers.add(reader)
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (generation !== this.#generation) return false
        if (done) return true
        window.push(value)
        if (this.#cut(left, window)) break
        await this.#roomAhead(left, generation)
        if (generation !== this.#generation) return false
      }
    } catch (err) {
      if (generation === this.#generation && !isTorrentGone(err)) this.#onReadError(err instanceof Error ? err : new Error(String(err)))
      return false
    } finally {
      this.#readers.delete(reader)
    }
    void reader.cancel().catch(() => undefined)
    return true
  }

  /** Moves every whole sample in the window into its lane; true once these lanes are read to their end. */
  #cut(lanes: Lane[], window: ByteWindow): boolean {
    let keepFrom = window.end
    for (const lane of lanes) {
      const { offset, size, count } = lane.track
      while (lane.next < count && offset[lane.next]! + size[lane.next]! <= window.end) {
        lane.parts.push(window.take(offset[lane.next]!, size[lane.next]!))
        lane.pendingBytes += size[lane.next]!
        lane.next++
        if (lane.pendingBytes >= MAX_FRAGMENT_BYTES) lane.queue.push(this.#fragment(lane))
      }
      if (lane.next < count) keepFrom = Math.min(keepFrom, offset[lane.next]!)
    }
    window.dropBefore(keepFrom)
    for (const lane of lanes) this.#pump(lane)
    return lanes.every((l) => l.next >= l.track.count)
  }

  #fragment(lane: Lane): Uint8Array {
    const out = fragment(lane.track, lane.pendingFrom, lane.next, lane.parts, this.#sequence++)
    lane.pendingFrom = lane.next
    lane.parts = []
    lane.pendingBytes = 0
    lane.fresh = false
    return out
  }

  /** Appends the lane's next segment if its buffer is free. */
  #pump(lane: Lane): void {
    const { buffer } = lane
    if (buffer.updating || this.#source.readyState === 'closed' || this.#media.error) return
    const pendingSeconds = lane.parts.length ? seconds(lane.track, lane.next) - seconds(lane.track, lane.pendingFrom) : 0
    // Until the element can play, every sample goes at once: it may be what it waits for.
    const starting = this.#media.readyState < this.#media.HAVE_FUTURE_DATA
    if (lane.queue.length === 0 && lane.parts.length > 0 && (lane.fresh || starting || this.#readDone || pendingSeconds >= MIN_FRAGMENT_SECONDS)) {
      lane.queue.push(this.#fragment(lane))
    }
    const segment = lane.queue.shift()
    if (!segment) return this.#endIfDone()
    try {
      buffer.appendBuffer(segment as Uint8Array<ArrayBuffer>)
    } catch (err) {
      if ((err as Error).name !== 'QuotaExceededError') return // the element reports it
      lane.queue.unshift(segment)
      dropBehind(this.#media, buffer)
      setTimeout(() => this.#pump(lane), 1000)
    }
  }

  #endIfDone(): void {
    if (!this.#readDone || this.#source.readyState !== 'open') return
    if (this.#lanes.every((l) => !l.buffer.updating && l.queue.length === 0 && l.parts.length === 0)) this.#source.endOfStream()
  }

  /** Waits while each lane has enough buffered ahead of the playhead, or cut and waiting for its buffer. */
  async #roomAhead(lanes: Lane[], generation: number): Promise<void> {
    const full = () =>
      lanes.every((l) => aheadIn(l.buffer.buffered, this.#media.currentTime) > BUFFER_AHEAD_SECONDS) ||
      lanes.reduce((n, l) => n + l.queue.reduce((m, s) => m + s.length, 0), 0) > MAX_QUEUED_BYTES
    while (generation === this.#generation && full()) await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** Decode time of sample `i` in seconds on the element's timeline (the track's end past the last). */
function seconds(track: Mp4Track, i: number): number {
  const last = track.count - 1
  const dts = i <= last ? track.dts[i]! : track.dts[last]! + track.duration[last]!
  return dts / track.timescale + track.shift
}

/** The last sync sample shown at or before `time` (the first sample if none). */
function syncBefore(track: Mp4Track, time: number): number {
  let found = 0
  for (let i = 0; i < track.count; i++) {
    if (!track.sync[i]) continue
    if ((track.dts[i]! + track.cto[i]!) / track.timescale + track.shift > time) break
    found = i
  }
  return found
}

function sampleBefore(track: Mp4Track, time: number): number {
  let found = 0
  for (let i = 0; i < track.count && seconds(track, i) <= time; i++) found = i
  return found
}

const isInit = (segment: Uint8Array) => segment[4] === 0x66 && segment[5] === 0x74 && segment[6] === 0x79 && segment[7] === 0x70 // ftyp
