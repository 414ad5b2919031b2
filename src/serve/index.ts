// File URLs: every file of an open torrent at /files/<infoHash>/<path>, through the service worker.
export { serveFiles, type ServeOptions } from './serve-files.ts'
export { fileUrl, parseFileUrl, FILES_PATH, type FileLocation, type UrlFile, type UrlTorrent } from './file-url.ts'
export { openWebsite } from './website.ts'
export { respond, SANDBOX_CSP, type FileRequest, type FileResponse, type TorrentLookup } from './responder.ts'
export { parseRange, type RangeRequest } from './byte-range.ts'
export { contentType, isDocumentType } from './content-type.ts'
export { playFromUrl, urlPlayable, type UrlPlayback, type UrlPlayOptions } from './play-url.ts'
