import type { TorrentFileEntry } from '../metainfo/types.ts'

/** Containers whose player reads the end of the file early: MP4's `moov` may sit there, WebM's Cues usually do. */
const MEDIA = /\.(mp4|m4v|m4a|mov|webm|mkv)$/i

/** A player reads this much of the header first (the MP4 probe reads 64 KiB after each box header). */
export const HEAD_BYTES = 64 * 1024

/**
 * Pieces a player of the torrent's video will read first, to be fetched as critical the moment the
 * metadata arrives (before anything asks for them): the head of the largest selected media file (its
 * header; a faststart `moov`) and its last piece (a `moov` written at the end, WebM Cues). Pure.
 */
export function mediaEndPieces(files: readonly TorrentFileEntry[], selected: readonly boolean[], pieceLength: number): number[] {
  let video: TorrentFileEntry | undefined
  files.forEach((file, i) => {
    if (selected[i] && !file.padding && file.length > 0 && MEDIA.test(file.name) && (!video || file.length > video.length)) video = file
  })
  if (!video) return []
  const first = Math.floor(video.offset / pieceLength)
  const headLast = Math.floor((video.offset + Math.min(video.length, HEAD_BYTES) - 1) / pieceLength)
  const last = Math.floor((video.offset + video.length - 1) / pieceLength)
  const pieces: number[] = []
  for (let i = first; i <= headLast; i++) pieces.push(i)
  if (last > headLast) pieces.push(last)
  return pieces
}
