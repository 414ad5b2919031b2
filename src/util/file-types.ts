// The one table of file types by extension: the MIME type, what kind of media it is, and which
// container MediaSource can take its bytes as. Blobs, HTTP responses (serve/), the players (media/),
// <torrent-video>'s pick and the app's Play action all read it.

export type MediaKind = 'video' | 'audio' | 'image'
/** Byte formats we stream through MediaSource (`mp4` is remuxed when not fragmented). */
export type StreamContainer = 'mp4' | 'webm' | 'mp3'

interface FileType {
  mime: string
  kind?: MediaKind
  container?: StreamContainer
}

const TYPES: Record<string, FileType> = {
  // Video
  mp4: { mime: 'video/mp4', kind: 'video', container: 'mp4' },
  m4v: { mime: 'video/mp4', kind: 'video', container: 'mp4' },
  webm: { mime: 'video/webm', kind: 'video', container: 'webm' },
  mkv: { mime: 'video/x-matroska', kind: 'video', container: 'webm' },
  mov: { mime: 'video/quicktime', kind: 'video' },
  ogv: { mime: 'video/ogg', kind: 'video' },
  // Audio
  mp3: { mime: 'audio/mpeg', kind: 'audio', container: 'mp3' },
  m4a: { mime: 'audio/mp4', kind: 'audio', container: 'mp4' },
  m4b: { mime: 'audio/mp4', kind: 'audio', container: 'mp4' },
  m4p: { mime: 'audio/mp4', kind: 'audio', container: 'mp4' },
  aac: { mime: 'audio/aac', kind: 'audio' },
  ogg: { mime: 'audio/ogg', kind: 'audio' },
  oga: { mime: 'audio/ogg', kind: 'audio' },
  opus: { mime: 'audio/ogg', kind: 'audio' },
  weba: { mime: 'audio/webm', kind: 'audio' },
  wav: { mime: 'audio/wav', kind: 'audio' },
  flac: { mime: 'audio/flac', kind: 'audio' },
  // Images
  jpg: { mime: 'image/jpeg', kind: 'image' },
  jpeg: { mime: 'image/jpeg', kind: 'image' },
  png: { mime: 'image/png', kind: 'image' },
  gif: { mime: 'image/gif', kind: 'image' },
  webp: { mime: 'image/webp', kind: 'image' },
  avif: { mime: 'image/avif', kind: 'image' },
  bmp: { mime: 'image/bmp', kind: 'image' },
  ico: { mime: 'image/x-icon', kind: 'image' },
  svg: { mime: 'image/svg+xml' }, // a document that can run script, never shown as a plain image
  // Text, web and documents
  txt: { mime: 'text/plain' },
  srt: { mime: 'text/plain' },
  vtt: { mime: 'text/vtt' },
  md: { mime: 'text/markdown' },
  csv: { mime: 'text/csv' },
  html: { mime: 'text/html' },
  htm: { mime: 'text/html' },
  xhtml: { mime: 'application/xhtml+xml' },
  xml: { mime: 'application/xml' },
  css: { mime: 'text/css' },
  js: { mime: 'text/javascript' },
  mjs: { mime: 'text/javascript' },
  json: { mime: 'application/json' },
  wasm: { mime: 'application/wasm' },
  pdf: { mime: 'application/pdf' },
  zip: { mime: 'application/zip' },
  torrent: { mime: 'application/x-bittorrent' },
  woff: { mime: 'font/woff' },
  woff2: { mime: 'font/woff2' },
  ttf: { mime: 'font/ttf' },
  otf: { mime: 'font/otf' },
}

export const UNKNOWN_TYPE = 'application/octet-stream'

/** The lower-case extension without its dot ('torrent' for ".torrent" too); '' when there is none. */
export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1)
  const dot = base.lastIndexOf('.')
  return dot < 0 ? '' : base.slice(dot + 1).toLowerCase()
}

/** The bare MIME type (for a Blob), `application/octet-stream` when unknown. */
export function mimeType(name: string): string {
  return TYPES[extensionOf(name)]?.mime ?? UNKNOWN_TYPE
}

/** The `Content-Type` header: text types say they are UTF-8. */
export function contentType(name: string): string {
  const mime = mimeType(name)
  return mime.startsWith('text/') ? `${mime}; charset=utf-8` : mime
}

/** Video, audio or image by the name; null for anything else. */
export function mediaKind(name: string): MediaKind | null {
  return TYPES[extensionOf(name)]?.kind ?? null
}

/** The container MediaSource can stream the file as; null when it plays only as a whole (Blob URL) or not at all. */
export function streamContainer(name: string): StreamContainer | null {
  return TYPES[extensionOf(name)]?.container ?? null
}

/** The extensions of one media kind, e.g. for a message listing what counts as a video. */
export function extensionsOf(kind: MediaKind): string[] {
  return Object.keys(TYPES).filter((ext) => TYPES[ext]!.kind === kind)
}
