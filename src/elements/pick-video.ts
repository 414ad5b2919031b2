/** Which file of a torrent `<torrent-video>` plays. Pure functions. */
import { mediaKind, mimeType, streamContainer } from '../util/file-types.ts'

export interface FileLike {
  name: string
  path: string
  length: number
}

/** The type to ask MediaSource about before the file's header is known: its container with common codecs. */
function plausibleType(name: string): string {
  const container = streamContainer(name)
  if (container === 'mp4') return 'video/mp4; codecs="avc1.42E01E, mp4a.40.2"'
  if (container === 'webm') return 'video/webm; codecs="vp9, opus"'
  return mimeType(name)
}

export function isVideoName(name: string): boolean {
  return mediaKind(name) === 'video'
}

/**
 * The file named by the `file` attribute: an index ("0", "2") or a path, with or without the
 * torrent's top folder, or a bare file name. Returns -1 when nothing matches.
 */
export function findFileIndex(files: readonly FileLike[], attr: string): number {
  const wanted = attr.trim()
  if (/^\d+$/.test(wanted)) {
    const index = Number(wanted)
    return index < files.length ? index : -1
  }
  const plain = wanted.replace(/^\/+/, '')
  const withoutRoot = (path: string) => (path.includes('/') ? path.slice(path.indexOf('/') + 1) : path)
  const byPath = files.findIndex((f) => f.path === plain || withoutRoot(f.path) === plain)
  return byPath >= 0 ? byPath : files.findIndex((f) => f.name === plain)
}

/**
 * The largest video the browser says it can play (by extension and `isTypeSupported`); failing that,
 * the largest file with a video extension (playback then reports why it cannot play). -1: no video.
 */
export function pickDefaultVideo(files: readonly FileLike[], isTypeSupported: (type: string) => boolean): number {
  const videos = files.map((f, i) => ({ f, i })).filter(({ f }) => isVideoName(f.name))
  const largest = (list: typeof videos) => list.reduce<(typeof videos)[number] | null>((best, v) => (!best || v.f.length > best.f.length ? v : best), null)
  const playable = videos.filter(({ f }) => safeSupported(isTypeSupported, plausibleType(f.name)))
  return (largest(playable) ?? largest(videos))?.i ?? -1
}

function safeSupported(check: (type: string) => boolean, type: string): boolean {
  try {
    return check(type)
  } catch {
    return false
  }
}

/** `MediaSource.isTypeSupported` where it exists; where it does not, nothing streams. */
export function browserTypeCheck(): (type: string) => boolean {
  const ms = (globalThis as { MediaSource?: { isTypeSupported(type: string): boolean } }).MediaSource
  return ms ? (type) => ms.isTypeSupported(type) : () => false
}
