import { SwarmstreamError } from '../util/errors.ts'

/** The parts of an info dictionary a web seed needs (InfoDictionary fits). */
export interface WebSeedLayout {
  name: string
  pieceLength: number
  length: number
  /** `padding`: a BEP 47 pad file (v2 and hybrid layouts): zeros, never on the server. */
  files: readonly { path: string; length: number; offset: number; padding?: true }[]
}

/** One HTTP range request; together the requests of a plan make one piece. */
export interface RangeRequest {
  url: string
  /** First byte in the file. */
  start: number
  /** Last byte in the file (inclusive, as in the Range header). */
  end: number
  /** Where these bytes go in the piece. */
  pieceOffset: number
  /** Length of the whole file, to recognise a 200 answer that ignored the Range header. */
  fileLength: number
}

/** Web seeds we can use from a browser: http and https only (BEP 19 also allows FTP). */
export function isWebSeedUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url)
    return protocol === 'http:' || protocol === 'https:'
  } catch {
    return false
  }
}

function isSingleFile(info: WebSeedLayout): boolean {
  const real = info.files.filter((f) => !f.padding)
  return real.length === 1 && real[0]!.path === info.name
}

/** BEP 19: where a file of the torrent lives under the web seed URL. */
export function fileUrl(info: WebSeedLayout, baseUrl: string, path: string): string {
  if (isSingleFile(info)) return baseUrl.endsWith('/') ? baseUrl + encodeURIComponent(info.name) : baseUrl
  const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/'
  return base + path.split('/').map(encodeURIComponent).join('/')
}

/** The HTTP range requests that together make piece `index` (`pieceSize` bytes), in piece order; pad files stay zeros. */
export function planPieceRequests(info: WebSeedLayout, baseUrl: string, index: number, pieceSize: number): RangeRequest[] {
  const pieceStart = index * info.pieceLength
  const valid =
    Number.isInteger(index) && index >= 0 && Number.isInteger(pieceSize) && pieceSize > 0 &&
    pieceSize <= info.pieceLength && pieceStart + pieceSize <= info.length
  if (!valid) {
    throw new SwarmstreamError(
      'OUT_OF_RANGE',
      `Piece ${index} of ${pieceSize} bytes is outside the torrent (${info.length} bytes, pieces of ${info.pieceLength}); this is a bug in the caller.`,
    )
  }
  const pieceEnd = pieceStart + pieceSize
  const requests: RangeRequest[] = []
  for (const file of info.files) {
    const fileEnd = file.offset + file.length
    if (file.length === 0 || file.padding || fileEnd <= pieceStart) continue
    if (file.offset >= pieceEnd) break
    const from = Math.max(pieceStart, file.offset)
    const to = Math.min(pieceEnd, fileEnd)
    requests.push({
      url: fileUrl(info, baseUrl, file.path),
      start: from - file.offset,
      end: to - file.offset - 1,
      pieceOffset: from - pieceStart,
      fileLength: file.length,
    })
  }
  return requests
}
