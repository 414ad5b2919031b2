import { BencodeError, decodeWithSpans, isDict, type BencodeDict, type DecodeResult } from '../bencode/index.ts'
import { brokenTorrent } from './errors.ts'
import { textField } from './file-fields.ts'
import { parseFileTree } from './file-tree.ts'
import { renameDuplicates, sanitizeComponent } from './paths.ts'
import type { InfoDictionary, TorrentFileEntry, TorrentVersion } from './types.ts'
import { parseV1Files } from './v1-files.ts'
import { alignedLayout, mergeHybrid } from './v2-layout.ts'

export { MAX_FILES } from './v1-files.ts'
export { sanitizeComponent } from './paths.ts'

/**
 * Largest accepted `piece length`. A piece is verified as one unit, so it must fit in memory
 * (and in a WebCrypto digest call) at once; real torrents stay at 16 MiB or below.
 */
export const MAX_PIECE_LENGTH = 64 * 1024 * 1024

/** Most pieces a torrent may have: what 10 MB of metadata (WebTorrent's limit) can list, as the wire layer assumes. */
export const MAX_PIECE_COUNT = 500_000

/** BEP 52: a v2 piece is a power of two of at least one 16 KiB block. */
const MIN_V2_PIECE_LENGTH = 16384

export interface ParseInfoOptions {
  /**
   * Hex v1 and v2 info hashes (SHA-1 and SHA-256 of the info bytes). A torrent whose name cleans up to
   * nothing (`..`) is then named after its info hash, as libtorrent does; without them it is refused.
   */
  infoHashes?: { v1: string; v2: string }
}

function decodeInfo(raw: Uint8Array): DecodeResult {
  try {
    return decodeWithSpans(raw, { lenient: true })
  } catch (err) {
    if (err instanceof BencodeError) brokenTorrent(`its info dictionary is not valid bencoded data (byte ${err.offset})`)
    throw err
  }
}

/** `meta version` 2 makes a v2 (or hybrid) torrent; other versions are refused, as libtorrent does. */
function isV2(dict: BencodeDict): boolean {
  const version = dict['meta version']
  if (version === undefined || version === 1) {
    if (isDict(dict['file tree'])) brokenTorrent('it has a v2 "file tree" but no "meta version" 2')
    return false
  }
  if (version !== 2) brokenTorrent(`its "meta version" is ${JSON.stringify(version)}; only BitTorrent v1 and v2 exist`)
  return true
}

function pieceLengthOf(dict: BencodeDict, v2: boolean): number {
  const pieceLength = dict['piece length']
  if (typeof pieceLength !== 'number' || pieceLength <= 0) brokenTorrent('its "piece length" is missing or not a positive integer')
  if (v2 && (pieceLength < MIN_V2_PIECE_LENGTH || 2 ** Math.round(Math.log2(pieceLength)) !== pieceLength)) {
    brokenTorrent(`its pieces are ${pieceLength} bytes; BitTorrent v2 needs a power of two of at least 16 KiB`)
  }
  if (pieceLength > MAX_PIECE_LENGTH) brokenTorrent(`its pieces are ${pieceLength} bytes, larger than the ${MAX_PIECE_LENGTH} supported`)
  return pieceLength
}

function nameOf(dict: BencodeDict, version: TorrentVersion, opts: ParseInfoOptions): string {
  const raw = textField(dict, 'name')
  if (raw === undefined || raw === '') brokenTorrent('its info dictionary has no name')
  const name = sanitizeComponent(raw)
  if (name !== null) return name
  if (!opts.infoHashes) brokenTorrent(`its name ${JSON.stringify(raw)} is not a usable file or folder name`)
  return version === 'v2' ? opts.infoHashes.v2 : opts.infoHashes.v1
}

function pieceHashesOf(dict: BencodeDict, length: number, pieceLength: number): Uint8Array[] {
  const pieces = dict['pieces']
  if (!(pieces instanceof Uint8Array)) brokenTorrent('its info dictionary has no "pieces" hashes')
  if (pieces.length % 20 !== 0) brokenTorrent(`its "pieces" length (${pieces.length}) is not a multiple of 20`)
  const pieceCount = Math.ceil(length / pieceLength)
  if (pieces.length / 20 !== pieceCount) brokenTorrent(`it has ${pieces.length / 20} piece hashes but its ${length} bytes need ${pieceCount}`)
  const hashes: Uint8Array[] = []
  for (let i = 0; i < pieces.length; i += 20) hashes.push(pieces.subarray(i, i + 20))
  return hashes
}

/** The files of whichever halves the dictionary has, in one layout, and the version that makes. */
function filesOf(dict: BencodeDict, v2: boolean, name: string, pieceLength: number): { files: TorrentFileEntry[]; version: TorrentVersion } {
  const v1Files = parseV1Files(dict, name)
  if (!v2) {
    if (!v1Files) brokenTorrent('its info dictionary has neither "length" nor "files"')
    return { files: v1Files, version: 'v1' }
  }
  const tree = parseFileTree(dict['file tree'], name, dict['files'] !== undefined)
  if (!v1Files) return { files: alignedLayout(tree.files, pieceLength, name), version: 'v2' }
  return { files: mergeHybrid(v1Files, tree.files, pieceLength), version: 'hybrid' }
}

/** Parses and validates the bencoded bytes of an info dictionary (v1, v2 or hybrid). Throws InvalidTorrentError. */
export function parseInfoDictionary(raw: Uint8Array, opts: ParseInfoOptions = {}): InfoDictionary {
  const { value: dict, softErrors } = decodeInfo(raw)
  if (!isDict(dict)) brokenTorrent('its "info" entry is not a dictionary')
  const v2 = isV2(dict)
  const repeated = softErrors.find((e) => e.startsWith('Repeated key'))
  if (repeated) brokenTorrent(`its info dictionary repeats a key (${repeated}), so clients could read it differently`)
  if (v2 && softErrors.length > 0) brokenTorrent(`its info dictionary is not in canonical bencoding, which BitTorrent v2 requires (${softErrors[0]})`)

  const pieceLength = pieceLengthOf(dict, v2)
  // The name may need the version (for the info-hash fallback), and the files need the name.
  const hasV1 = dict['files'] !== undefined || dict['length'] !== undefined
  const name = nameOf(dict, !v2 ? 'v1' : hasV1 ? 'hybrid' : 'v2', opts)
  const { files, version } = filesOf(dict, v2, name, pieceLength)
  const last = files[files.length - 1]!
  const length = last.offset + last.length
  if (length === 0) brokenTorrent('it holds no data (every file is empty)')
  if (Math.ceil(length / pieceLength) > MAX_PIECE_COUNT) {
    brokenTorrent(`it has ${Math.ceil(length / pieceLength)} pieces, more than the ${MAX_PIECE_COUNT} supported`)
  }
  const pieceHashes = version === 'v2' ? [] : pieceHashesOf(dict, length, pieceLength)
  renameDuplicates(files)
  return { name, pieceLength, pieceHashes, files, length, private: dict['private'] === 1, raw, version }
}
