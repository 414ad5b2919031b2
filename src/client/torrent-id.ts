import { InvalidInputError } from '../util/errors.ts'
import { parseInfoHash, parseMagnet } from '../metainfo/magnet.ts'
import type { MagnetLink } from '../metainfo/types.ts'

/** What `client.add()` accepts. */
export type TorrentId = string | Uint8Array | Blob

export type ResolvedId = { kind: 'magnet'; magnet: MagnetLink } | { kind: 'torrent-file'; bytes: () => Promise<Uint8Array> }

/** Largest .torrent we load; real ones are well under 10 MB even for 100,000 files. */
export const MAX_TORRENT_FILE_BYTES = 32 * 1024 * 1024

/** Classifies a torrent id; throws InvalidInputError when it cannot be a torrent at all. */
export function resolveTorrentId(id: TorrentId): ResolvedId {
  if (id instanceof Uint8Array) return { kind: 'torrent-file', bytes: async () => id }
  if (typeof Blob !== 'undefined' && id instanceof Blob) {
    if (id.size > MAX_TORRENT_FILE_BYTES) throw tooLarge(id.size)
    return { kind: 'torrent-file', bytes: async () => new Uint8Array(await id.arrayBuffer()) }
  }
  if (typeof id !== 'string') throw new InvalidInputError('BAD_TORRENT_ID', 'Add a magnet link, an info hash, a .torrent URL or a .torrent file.')
  const text = id.trim()
  if (/^magnet:/i.test(text)) return { kind: 'magnet', magnet: parseMagnet(text) }
  const hash = parseInfoHash(text)
  if (hash) return { kind: 'magnet', magnet: parseMagnet(`magnet:?xt=urn:btih:${text}`) }
  if (/^https?:\/\//i.test(text)) return { kind: 'torrent-file', bytes: () => fetchTorrentFile(text) }
  throw new InvalidInputError(
    'BAD_TORRENT_ID',
    `"${text.slice(0, 80)}" is not a magnet link, an info hash (40 hex or 32 base32 characters) or a .torrent URL.`,
  )
}

/** Downloads a .torrent file (at most MAX_TORRENT_FILE_BYTES); InvalidInputError when it cannot. */
export async function fetchTorrentFile(url: string, opts: { signal?: AbortSignal; fetch?: typeof fetch } = {}): Promise<Uint8Array> {
  let response: Response
  try {
    response = await (opts.fetch ?? fetch)(url, opts.signal ? { signal: opts.signal } : undefined)
  } catch (err) {
    throw new InvalidInputError('TORRENT_URL_FAILED', `Could not load ${url}: ${(err as Error).message}. Check the address and your connection.`)
  }
  if (!response.ok) throw new InvalidInputError('TORRENT_URL_FAILED', `Could not load ${url}: the server answered ${response.status}.`)
  const bytes = new Uint8Array(await response.arrayBuffer())
  if (bytes.length > MAX_TORRENT_FILE_BYTES) throw tooLarge(bytes.length)
  return bytes
}

function tooLarge(size: number): InvalidInputError {
  return new InvalidInputError('TORRENT_FILE_TOO_LARGE', `That file is ${size} bytes, too large to be a .torrent file.`)
}
