import { utf8Decode, utf8Encode } from '../util/bytes.ts'
import type { Torrent } from '../torrent/torrent.ts'
import type { TorrentFile } from '../torrent/torrent-file.ts'
import { parseRange } from './byte-range.ts'
import { contentType, isCssType, isDocumentType } from './content-type.ts'
import { parseFileUrl } from './file-url.ts'
import { inlineCss, inlineHtml, type LoadResource } from './inline.ts'

/** Pages from torrents run on an opaque origin: never `allow-same-origin`. */
export const SANDBOX_CSP = "sandbox allow-scripts allow-forms allow-popups; default-src 'self' data: blob: 'unsafe-inline'"

export interface FileRequest {
  method: string
  url: string
  range: string | null
  /** `Request.destination`; documents get their same-torrent resources inlined (see inline.ts). */
  destination?: string
}

export interface FileResponse {
  status: number
  headers: [string, string][]
  /** Short text body (errors); null when `body` is used or for HEAD. */
  text: string | null
  body: ReadableStream<Uint8Array> | null
}

/** What the responder needs from the client. */
export interface TorrentLookup {
  get(infoHash: string): Torrent | undefined
}

export interface RespondOptions {
  /** How long to wait for a just-added torrent's metadata. */
  metadataTimeoutMs?: number
}

/**
 * Answers a file URL request from the torrents of this page. Returns null when this page does not
 * have the torrent (the worker then asks another tab).
 */
export async function respond(req: FileRequest, lookup: TorrentLookup, opts: RespondOptions = {}): Promise<FileResponse | null> {
  const location = parseFileUrl(new URL(req.url).pathname)
  if (!location) return textResponse(404, 'Not a torrent file URL: expected /files/<40-hex info hash>/<path>.')
  const torrent = lookup.get(location.infoHash)
  if (!torrent) return null
  if (!torrent.ready && !(await whenReady(torrent, opts.metadataTimeoutMs ?? 60_000))) {
    return textResponse(503, 'The torrent has no metadata yet: no peer has sent it. Try again when it has peers.')
  }
  const file = findFile(torrent, location.path)
  if (!file) return textResponse(404, `There is no file "${location.path}" in the torrent "${torrent.name}".`)
  if (!file.selected) file.select() // opening a file says it is wanted
  const type = contentType(file.name)
  const common: [string, string][] = [
    ['Accept-Ranges', 'bytes'],
    ['Content-Security-Policy', SANDBOX_CSP],
    ['X-Content-Type-Options', 'nosniff'],
    ['Cache-Control', 'no-store'],
  ]
  const head = req.method === 'HEAD'
  const range = parseRange(req.range, file.length)
  if (range.kind === 'unsatisfiable') {
    const text = `Range "${req.range}" is outside this ${file.length}-byte file.`
    const headers: [string, string][] = [['Content-Type', 'text/plain; charset=utf-8'], ...common, ['Content-Range', `bytes */${file.length}`]]
    return { status: 416, headers, text: head ? null : text, body: null }
  }
  const headers: [string, string][] = [['Content-Type', type], ...common]
  if (range.kind === 'full' && !head && isNavigation(req.destination) && (isDocumentType(type) || isCssType(type))) {
    const bytes = await inlined(file, type, torrent, req.url)
    return { status: 200, headers: [...headers, ['Content-Length', String(bytes.length)]], text: null, body: streamOf(bytes) }
  }
  const start = range.kind === 'partial' ? range.start : 0
  const end = range.kind === 'partial' ? range.end : file.length - 1
  const sized: [string, string][] = [...headers, ['Content-Length', String(end - start + 1)]]
  if (range.kind === 'partial') sized.push(['Content-Range', `bytes ${start}-${end}/${file.length}`])
  const status = range.kind === 'partial' ? 206 : 200
  const body = head || file.length === 0 ? null : file.stream({ start, end })
  return { status, headers: sized, text: null, body }
}

function textResponse(status: number, text: string): FileResponse {
  return { status, headers: [['Content-Type', 'text/plain; charset=utf-8'], ['Cache-Control', 'no-store']], text, body: null }
}

function isNavigation(destination: string | undefined): boolean {
  return destination === 'document' || destination === 'iframe' || destination === 'frame'
}

/** The file at `path`; a folder (or the torrent itself) stands for its index.html. */
function findFile(torrent: { files: TorrentFile[]; name: string }, path: string): TorrentFile | undefined {
  const exact = torrent.files.find((f) => f.path === path)
  if (exact) return exact
  const folder = path === '' ? `${torrent.name}/` : path.endsWith('/') ? path : `${path}/`
  return torrent.files.find((f) => f.path === `${folder}index.html`) ?? torrent.files.find((f) => f.path === `${folder}index.htm`)
}

function whenReady(torrent: Torrent, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), timeoutMs)
    const onReady = () => done(true)
    const onClose = () => done(false)
    function done(ok: boolean) {
      clearTimeout(timer)
      torrent.off('ready', onReady)
      torrent.off('close', onClose)
      resolve(ok)
    }
    torrent.once('ready', onReady)
    torrent.once('close', onClose)
  })
}

/** An HTML page or stylesheet with its same-torrent resources turned into data: URLs. */
async function inlined(file: TorrentFile, type: string, torrent: Torrent, url: string): Promise<Uint8Array> {
  const text = utf8Decode(new Uint8Array(await file.arrayBuffer()))
  const load: LoadResource = async (resource) => {
    const location = parseFileUrl(resource.pathname)
    if (!location || location.infoHash !== torrent.infoHash) return null
    const target = findFile(torrent, location.path)
    if (!target) return null
    return {
      type: contentType(target.name),
      length: target.length,
      read: async () => {
        if (!target.selected) target.select()
        return new Uint8Array(await target.arrayBuffer())
      },
    }
  }
  const base = new URL(url)
  return utf8Encode(isCssType(type) ? await inlineCss(text, base, load) : await inlineHtml(text, base, load))
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      if (bytes.length > 0) controller.enqueue(bytes)
      controller.close()
    },
  })
}
