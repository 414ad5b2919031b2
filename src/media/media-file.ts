import { concatBytes } from '../util/bytes.ts'
import type { TorrentFile } from '../torrent/torrent-file.ts'
import type { RangeReader } from './probe-types.ts'

/** What the renderer needs from a file: a TorrentFile, or anything shaped like one. */
export type MediaFile = Pick<TorrentFile, 'name' | 'length' | 'stream'> & Partial<Pick<TorrentFile, 'available' | 'playing'>>

/** Reads bytes [start, end) of the file (waits for the pieces, like `stream()`). */
export function rangeReader(file: MediaFile): RangeReader {
  return async (start, end) => {
    const last = Math.min(end, file.length) - 1
    if (last < start) return new Uint8Array(0)
    const parts: Uint8Array[] = []
    const reader = file.stream({ start, end: last }).getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parts.push(value)
    }
    return parts.length === 1 ? parts[0]! : concatBytes(parts)
  }
}
