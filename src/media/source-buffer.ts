// Appending to a SourceBuffer one chunk at a time, with room made when the browser's buffer is full.
import { bufferedAhead } from './play-when-buffered.ts'

/** Appending (or reading for it) pauses while this many seconds past currentTime are buffered. */
export const BUFFER_AHEAD_SECONDS = 60
/** On QuotaExceededError, drop what lies this far behind currentTime and retry. */
const KEEP_BEHIND_SECONDS = 10

/** Makes room in a full buffer: removes what lies well behind the playhead. False if there is none to drop. */
export function dropBehind(media: HTMLMediaElement, buffer: SourceBuffer): boolean {
  const behind = media.currentTime - KEEP_BEHIND_SECONDS
  if (behind <= 0) return false
  buffer.remove(0, behind)
  return true
}

export function idle(buffer: SourceBuffer): Promise<void> {
  if (!buffer.updating) return Promise.resolve()
  return new Promise((resolve) => buffer.addEventListener('updateend', () => resolve(), { once: true }))
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * Appends `chunk` and waits for it; false if `current()` turned false (the run was superseded) or the
 * element or its source failed. A full buffer drops what is well behind the playhead and tries again.
 */
export async function appendChunk(media: HTMLMediaElement, source: MediaSource, buffer: SourceBuffer, chunk: Uint8Array, current: () => boolean): Promise<boolean> {
  for (;;) {
    if (!current() || media.error || source.readyState === 'closed') return false
    try {
      buffer.appendBuffer(chunk as Uint8Array<ArrayBuffer>)
      await idle(buffer)
      return current()
    } catch (err) {
      if ((err as Error).name !== 'QuotaExceededError') return false
      if (dropBehind(media, buffer)) await idle(buffer)
      await delay(1000)
    }
  }
}

/** Waits while more than `seconds` are buffered ahead of the playhead. */
export async function roomAhead(media: HTMLMediaElement, seconds: number, current: () => boolean): Promise<void> {
  while (current() && bufferedAhead(media) > seconds) await delay(500)
}
