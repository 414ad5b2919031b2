// Formats MediaSource takes as they are (MP3, fragmented MP4, WebM without a Cues index): the file is
// appended in order to one SourceBuffer while it downloads. No seeking past what is buffered.
import { isTorrentGone } from './errors.ts'
import type { MediaFile } from './media-file.ts'
import { appendChunk, BUFFER_AHEAD_SECONDS, roomAhead } from './source-buffer.ts'
import { WebmBlockCutter } from './webm-blocks.ts'

/** Feeds `file` to `media` through a MediaSource of `type`; `onReadError` hears reads that fail (not the torrent being removed). */
export function appendStream(file: MediaFile, media: HTMLMediaElement, type: string, onReadError: (err: Error) => void): void {
  const source = new MediaSource()
  const url = URL.createObjectURL(source)
  source.addEventListener(
    'sourceopen',
    () => {
      URL.revokeObjectURL(url)
      let buffer: SourceBuffer
      try {
        buffer = source.addSourceBuffer(type)
      } catch {
        return // the element reports the failure through its own `error`
      }
      let stopped = false
      const reader = file.stream().getReader()
      // After this load's own `emptied`: a later one means the element was given another source.
      media.addEventListener(
        'emptied',
        () => {
          stopped = true
          void reader.cancel().catch(() => undefined)
        },
        { once: true },
      )
      void appendAll(reader, media, source, buffer, type.startsWith('video/webm') || type.startsWith('audio/webm'), () => !stopped).catch((err: unknown) => {
        if (!stopped && !isTorrentGone(err)) onReadError(err instanceof Error ? err : new Error(String(err)))
      })
    },
    { once: true },
  )
  media.src = url
}

/** Appends what `reader` gives, in order, while `current()`; ends the stream at its end. */
export async function appendAll(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  media: HTMLMediaElement,
  source: MediaSource,
  buffer: SourceBuffer,
  webm: boolean,
  current: () => boolean,
): Promise<void> {
  // WebM appends end on whole blocks: Firefox drops the rest of a cluster after a block split in two.
  const cutter = webm ? new WebmBlockCutter() : null
  for (;;) {
    const { done, value } = await reader.read()
    if (!current()) return
    const chunk = cutter ? (done ? cutter.flush() : cutter.push(value)) : (value ?? new Uint8Array(0))
    if (chunk.length > 0) {
      await roomAhead(media, BUFFER_AHEAD_SECONDS, current)
      if (!(await appendChunk(media, source, buffer, chunk, current))) return
    }
    if (done) break
  }
  if (current() && source.readyState === 'open' && !buffer.updating) source.endOfStream()
}
