import { mimeType } from '../torrent/torrent-file.ts'

// Web types the torrent layer's table does not know (or needs a charset for).
const WEB: Record<string, string> = {
  html: 'text/html; charset=utf-8', htm: 'text/html; charset=utf-8', xhtml: 'application/xhtml+xml',
  xml: 'application/xml', svg: 'image/svg+xml', css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8', mjs: 'text/javascript; charset=utf-8', json: 'application/json',
  txt: 'text/plain; charset=utf-8', md: 'text/markdown; charset=utf-8', csv: 'text/csv; charset=utf-8',
  vtt: 'text/vtt; charset=utf-8', srt: 'text/plain; charset=utf-8', ico: 'image/x-icon', avif: 'image/avif',
  bmp: 'image/bmp', woff: 'font/woff', woff2: 'font/woff2', ttf: 'font/ttf', otf: 'font/otf',
  wasm: 'application/wasm', mov: 'video/quicktime', ogv: 'video/ogg', oga: 'audio/ogg', opus: 'audio/ogg',
  aac: 'audio/aac', weba: 'audio/webm', zip: 'application/zip',
}

/** `Content-Type` for a file name inside a torrent. */
export function contentType(name: string): string {
  const dot = name.lastIndexOf('.')
  const ext = dot < 0 ? '' : name.slice(dot + 1).toLowerCase()
  return WEB[ext] ?? mimeType(name)
}

/** Types a browser renders as a document that can run script. */
export function isDocumentType(type: string): boolean {
  const base = type.split(';')[0]!.trim().toLowerCase()
  return base === 'text/html' || base === 'application/xhtml+xml' || base === 'image/svg+xml' || base === 'application/xml' || base === 'text/xml'
}

export function isCssType(type: string): boolean {
  return type.split(';')[0]!.trim().toLowerCase() === 'text/css'
}
