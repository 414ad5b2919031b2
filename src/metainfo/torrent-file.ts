import { BencodeError, decodePrefix, encode, isDict, type BencodeDict, type DecodeResult } from '../bencode/index.ts'
import { concatBytes, fromHex, toBinaryString, toHex, utf8Decode, utf8Encode } from '../util/bytes.ts'
import { sha1 } from '../util/sha1.ts'
import { sha256 } from '../util/sha256.ts'
import { InvalidTorrentError } from './errors.ts'
import { parseInfoDictionary } from './info-dictionary.ts'
import { parsePieceLayers } from './piece-layers.ts'
import type { Metainfo } from './types.ts'

const NOT_A_TORRENT = 'This file is not a .torrent file'

function text(value: unknown): string | undefined {
  return value instanceof Uint8Array ? utf8Decode(value) : undefined
}

function textList(value: unknown): string[] {
  if (!Array.isArray(value)) return []
  return value.map(text).filter((s): s is string => s !== undefined)
}

function dedupe(urls: string[]): string[] {
  return [...new Set(urls.map((u) => u.trim()).filter((u) => u !== ''))]
}

/** BEP 12: announce-list tiers in order replace `announce`; BEP 3 `announce` otherwise. */
function trackers(dict: BencodeDict): string[] {
  const tiers = dict['announce-list']
  const fromList = Array.isArray(tiers) ? tiers.flatMap(textList) : []
  const single = text(dict['announce'])
  return dedupe(fromList.length > 0 ? fromList : single !== undefined ? [single] : [])
}

// What a URL cannot hold unescaped: controls, space, non-ASCII and a few delimiters (RFC 3986).
const UNSAFE_IN_URL = /[^\x21-\x7e]|["<>\\^`{|}]/gu

/**
 * BEP 19: `url-list` is one string or a list of strings. Read as libtorrent reads them: characters a URL
 * cannot hold are percent-escaped, and a torrent of several files gets a folder URL (ending in `/`).
 */
function webSeeds(value: unknown, folder: boolean): string[] {
  const one = text(value)
  const urls = dedupe(one !== undefined ? [one] : textList(value)).map((url) => {
    const out = url.replace(UNSAFE_IN_URL, (c) => encodeURIComponent(c))
    return folder && !out.endsWith('/') ? `${out}/` : out
  })
  return [...new Set(urls)]
}

/**
 * Parses a .torrent file (v1, v2 or hybrid). The info hashes are the SHA-1 and SHA-256 of the exact `info`
 * bytes. Bytes after the top-level dictionary are ignored, as libtorrent and Transmission do. Throws
 * InvalidTorrentError.
 */
export async function parseTorrentFile(bytes: Uint8Array): Promise<Metainfo> {
  if (bytes.length === 0) throw new InvalidTorrentError(`${NOT_A_TORRENT}: it is empty. Choose a file ending in .torrent.`)
  let decoded: DecodeResult
  try {
    decoded = decodePrefix(bytes, 0, { lenient: true })
  } catch (err) {
    if (!(err instanceof BencodeError)) throw err
    throw new InvalidTorrentError(
      `${NOT_A_TORRENT}: it is not bencoded data (byte ${err.offset}). It may be truncated or another kind of file; download it again.`,
      { cause: err },
    )
  }
  const dict = decoded.value
  const span = decoded.spans.get('info')
  if (!isDict(dict) || span === undefined) {
    throw new InvalidTorrentError(`${NOT_A_TORRENT}: it has no "info" dictionary. Choose a file ending in .torrent.`)
  }
  const raw = bytes.slice(span[0], span[1])
  const [v1, v2] = await Promise.all([sha1(raw), sha256(raw)])
  const info = parseInfoDictionary(raw, { infoHashes: { v1: toHex(v1), v2: toHex(v2) } })
  const infoHash = info.version === 'v2' ? v2.slice(0, 20) : v1
  const meta: Metainfo = {
    infoHash,
    infoHashHex: toHex(infoHash),
    info,
    pieceLayers: await parsePieceLayers(dict['piece layers'], info),
    announce: trackers(dict),
    urlList: webSeeds(dict['url-list'], info.files.length > 1),
  }
  if (info.version !== 'v1') {
    meta.infoHashV2 = v2
    meta.infoHashV2Hex = toHex(v2)
  }
  const comment = text(dict['comment.utf-8']) ?? text(dict['comment'])
  if (comment !== undefined) meta.comment = comment
  const createdBy = text(dict['created by'])
  if (createdBy !== undefined) meta.createdBy = createdBy
  const creationDate = dict['creation date']
  if (typeof creationDate === 'number') meta.creationDate = creationDate
  return meta
}

export interface TorrentFileFields {
  /** Exact bencoded info dictionary; embedded unchanged so the info hash is preserved. */
  info: Uint8Array
  /** Written as `announce` (first) plus one `announce-list` tier per tracker, like create-torrent. */
  announce: string[]
  urlList?: string[]
  createdBy?: string
  /** Unix seconds. */
  creationDate?: number
  comment?: string
  /** BEP 52 `piece layers` (hex pieces root → piece hashes) of a v2 or hybrid torrent; written even when empty, as libtorrent does. */
  pieceLayers?: ReadonlyMap<string, readonly Uint8Array[]>
}

function encodePieceLayers(layers: ReadonlyMap<string, readonly Uint8Array[]>): Uint8Array {
  const dict: Record<string, Uint8Array> = {}
  for (const [rootHex, hashes] of layers) dict[toBinaryString(fromHex(rootHex)!)] = concatBytes(hashes)
  return encode(dict)
}

/** Writes a .torrent file around the raw info bytes. */
export function encodeTorrentFile(meta: TorrentFileFields): Uint8Array {
  const entries = new Map<string, Uint8Array>()
  if (meta.announce.length > 0) {
    entries.set('announce', encode(meta.announce[0]!))
    entries.set('announce-list', encode(meta.announce.map((url) => [url])))
  }
  if (meta.comment !== undefined) entries.set('comment', encode(meta.comment))
  if (meta.createdBy !== undefined) entries.set('created by', encode(meta.createdBy))
  if (meta.creationDate !== undefined) entries.set('creation date', encode(meta.creationDate))
  entries.set('info', meta.info)
  if (meta.pieceLayers !== undefined) entries.set('piece layers', encodePieceLayers(meta.pieceLayers))
  if (meta.urlList !== undefined && meta.urlList.length > 0) entries.set('url-list', encode(meta.urlList))

  // Keys are ASCII, so string order is the byte order BEP 3 asks for.
  const parts: Uint8Array[] = [utf8Encode('d')]
  for (const key of [...entries.keys()].sort()) parts.push(encode(key), entries.get(key)!)
  parts.push(utf8Encode('e'))
  return concatBytes(parts)
}
