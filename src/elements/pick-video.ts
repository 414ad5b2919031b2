/** Which file of a torrent `<torrent-video>` plays. Pure functions. */

export interface FileLike {
  name: string
  path: string
  length: number
}

/** A MIME type MediaSource would need for each video extension we try by default. */
const PLAUSIBLE_TYPES: Record<string, string> = {
  mp4: 'video/mp4; codecs="avc1.42E01E, mp4a.40.2"',
  m4v: 'video/mp4; codecs="avc1.42E01E, mp4a.40.2"',
  mov: 'video/mp4; codecs="avc1.42E01E, mp4a.40.2"',
  webm: 'video/webm; codecs="vp9, opus"',
  mkv: 'video/webm; codecs="vp8, vorbis"',
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase()
}

export function isVideoName(name: string): boolean {
  return extensionOf(name) in PLAUSIBLE_TYPES
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
  const playable = videos.filter(({ f }) => safeSupported(isTypeSupported, PLAUSIBLE_TYPES[extensionOf(f.name)]!))
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
