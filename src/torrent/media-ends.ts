import type { TorrentFileEntry } from '../metainfo/types.ts'

/** Containers whose player reads the end of the file early: MP4's `moov` may sit there, WebM's Cues usually do. */
const MEDIA = /\.(mp4|m4v|m4a|mov|webm|mkv)$/i

/** A player reads this much of the header first (the MP4 probe reads 64 KiB after each box header). */
export const HEAD_BYTES = 64 * 1024

export interface MediaEnds {
  /** Critical the moment the metadata arrives: the head (header, a faststart `moov`) and the last piece (a `moov` at the end, WebM Cues). */
  pieces: number[]
  /** The video's pieces, where a player is expected to read from the start. */
  first: number
  last: number
}

/**
 * What a player of the torrent's video (its largest selected media file) will read first, to be fetched
 * the moment the metadata arrives, before anything asks for it. Null without a selected video. Pure.
 */
export function mediaEnds(files: readonly TorrentFileEntry[], selected: readonly boolean[], pieceLength: number): MediaEnds | null {
  let video: TorrentFileEntry | undefined
  files.forEach((file, i) => {
    if (selected[i] && !file.padding && file.length > 0 && MEDIA.test(file.name) && (!video || file.length > video.length)) video = file
  })
  if (!video) return null
  const first = Math.floor(video.offset / pieceLength)
  const headLast = Math.floor((video.offset + Math.min(video.length, HEAD_BYTES) - 1) / pieceLength)
  const last = Math.floor((video.offset + video.length - 1) / pieceLength)
  const pieces: number[] = []
  for (let i = first; i <= headLast; i++) pieces.push(i)
  if (last > headLast) pieces.push(last)
  return { pieces, first, last }
}
