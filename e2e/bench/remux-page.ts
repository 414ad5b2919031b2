// Runs in a bench page (imported through the dev server): the same MP4 bytes, held in memory, remuxed into
// MediaSource by our remuxer (renderTo's) or by mp4box.js, into a muted, playing video.
// Measures the remuxer alone: no network, no torrent.
import { createFile, MP4BoxBuffer, type ISOFile, type Movie } from 'mp4box'
import type { MediaFile } from '../../src/media/media-file.ts'
import { renderTo } from '../../src/media/render.ts'

/** Seconds of media buffered ahead that both remuxers reach without playing (videostream stops reading beyond its own window). */
export const BUFFER_SECONDS = 4

export interface RemuxTiming {
  /** ms from start to the first appendBuffer, to `loadeddata` (a first frame), and to BUFFER_SECONDS buffered. */
  firstAppendMs: number
  loadedDataMs: number
  bufferedMs: number
  appends: number
}

const CHUNK = 64 * 1024

/** The bytes as a MediaFile whose streams hand out 64 KiB chunks (like pieces arriving). */
function memoryFile(bytes: Uint8Array, name: string): MediaFile {
  return {
    name,
    length: bytes.length,
    stream: ({ start = 0, end = bytes.length - 1 } = {}) => {
      let at = start
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at > end) return controller.close()
          const chunk = bytes.slice(at, Math.min(end + 1, at + CHUNK))
          at += chunk.length
          controller.enqueue(chunk)
        },
      })
    },
  } as MediaFile
}

/** Counts appends on every SourceBuffer while `run` goes; resolves when the video has a frame and BUFFER_SECONDS buffered. */
async function timed(video: HTMLVideoElement, run: (fail: (err: Error) => void) => void): Promise<RemuxTiming> {
  const start = performance.now()
  let first = 0
  let appends = 0
  const append = SourceBuffer.prototype.appendBuffer
  SourceBuffer.prototype.appendBuffer = function (this: SourceBuffer, data: BufferSource) {
    if (!first) first = performance.now()
    appends++
    return append.call(this, data)
  }
  try {
    let fail: (err: Error) => void = () => undefined
    const loaded = new Promise<number>((resolve, reject) => {
      fail = reject
      video.addEventListener('loadeddata', () => resolve(performance.now()), { once: true })
      video.addEventListener('error', () => reject(new Error(`video error ${video.error?.code}: ${video.error?.message}`)), { once: true })
      setTimeout(() => reject(new Error(`no first frame within 60 s (readyState ${video.readyState}, ${appends} appends)`)), 60_000)
    })
    run((err) => fail(err))
    const loadedAt = await loaded
    const deadline = performance.now() + 120_000
    while (!buffered(video)) {
      if (performance.now() > deadline) throw new Error(`the remuxer did not buffer ${BUFFER_SECONDS} s within 120 s`)
      await new Promise((r) => setTimeout(r, 10))
    }
    return { firstAppendMs: first - start, loadedDataMs: loadedAt - start, bufferedMs: performance.now() - start, appends }
  } finally {
    SourceBuffer.prototype.appendBuffer = append
  }
}

function buffered(video: HTMLVideoElement): boolean {
  const b = video.buffered
  return b.length > 0 && b.start(0) < 0.5 && b.end(0) >= BUFFER_SECONDS
}

/** renderTo as users call it: the probe, then our remuxer (src/media/mp4-player.ts). */
export function remuxWithSwarmstream(bytes: Uint8Array, video: HTMLVideoElement): Promise<RemuxTiming> {
  return timed(video, (fail) => void renderTo(memoryFile(bytes, 'bench.mp4'), video, { autoplay: true, muted: true }).catch(fail))
}

/**
 * mp4box.js as its documentation shows it: parse as bytes arrive (no backpressure), one combined init
 * segment, a fragment per ~1 s of video samples per track. No seeking: enough to compare the remux cost.
 */
export async function remuxWithMp4box(bytes: Uint8Array, video: HTMLVideoElement, type: string): Promise<RemuxTiming> {
  const source = new MediaSource()
  video.autoplay = true
  video.src = URL.createObjectURL(source)
  await new Promise((resolve) => source.addEventListener('sourceopen', resolve, { once: true }))
  const mp4: ISOFile = createFile()
  const queue: ArrayBuffer[] = []
  let buffer: SourceBuffer | null = null
  let done = false
  let ended = false
  const pump = () => {
    if (!buffer || buffer.updating || source.readyState !== 'open') return
    const next = queue.shift()
    if (next) return buffer.appendBuffer(next)
    if (done && !ended && source.readyState === 'open') {
      ended = true
      source.endOfStream()
    }
  }
  mp4.onReady = (info: Movie) => {
    buffer = source.addSourceBuffer(type)
    buffer.addEventListener('updateend', pump)
    // One init segment for all tracks needs one fragment size for all: about a second of the video.
    const video = info.videoTracks[0] ?? info.tracks[0]!
    const nbSamples = Math.max(1, Math.round(video.nb_samples / (info.duration / info.timescale)))
    for (const track of info.tracks) mp4.setSegmentOptions(track.id, null, { nbSamples })
    queue.push(mp4.initializeSegmentation().buffer)
    mp4.start()
    pump()
  }
  mp4.onSegment = (_id, _user, segment) => {
    queue.push(segment)
    pump()
  }
  return timed(
    video,
    (fail) => {
      mp4.onError = (module, message) => fail(new Error(`mp4box: ${module}: ${message}`))
      void (async () => {
        const reader = memoryFile(bytes, 'bench.mp4').stream().getReader()
        let at = 0
        for (;;) {
          const { done: finished, value } = await reader.read()
          if (finished) break
          mp4.appendBuffer(MP4BoxBuffer.fromArrayBuffer(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength), at))
          at += value.length
        }
        mp4.flush()
        done = true
        pump()
      })().catch((err: unknown) => fail(err as Error))
    },
  )
}
