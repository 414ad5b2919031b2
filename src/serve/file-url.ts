/** Every file of an open torrent is served under this same-origin path by the service worker. */
export const FILES_PATH = '/files/'

/** The minimum a torrent and a file need for their URL. */
export interface UrlTorrent {
  readonly infoHash: string
}
export interface UrlFile {
  readonly path: string
}

/** Same-origin URL path of a file: `/files/<infoHash>/<path, each component percent-encoded>`. */
export function fileUrl(torrent: UrlTorrent, file: UrlFile): string {
  return `${FILES_PATH}${torrent.infoHash.toLowerCase()}/${file.path.split('/').map(encodeURIComponent).join('/')}`
}

export interface FileLocation {
  infoHash: string
  /** '/'-joined path inside the torrent ('' for the torrent itself; ends with '/' for a folder). */
  path: string
}

/** Reads a file URL path back; null when it is not one (or its encoding is broken). */
export function parseFileUrl(pathname: string): FileLocation | null {
  if (!pathname.startsWith(FILES_PATH)) return null
  const rest = pathname.slice(FILES_PATH.length)
  const slash = rest.indexOf('/')
  const infoHash = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase()
  if (!/^[0-9a-f]{40}$/.test(infoHash)) return null
  try {
    const path = slash < 0 ? '' : rest.slice(slash + 1).split('/').map(decodeURIComponent).join('/')
    return { infoHash, path }
  } catch {
    return null
  }
}
