import { BencodeError, decode, isDict, type BencodeDict, type BencodeValue } from '../bencode/index.ts'
import { utf8Decode } from '../util/bytes.ts'
import { InvalidTorrentError } from './errors.ts'
import type { InfoDictionary, TorrentFileEntry } from './types.ts'

/**
 * Largest accepted `piece length`. A piece is verified as one unit, so it must fit in memory
 * (and in a WebCrypto digest call) at once; real torrents stay at 16 MiB or below.
 */
export const MAX_PIECE_LENGTH = 64 * 1024 * 1024

/** More files than this is refused: such torrents are almost always hostile or broken. */
export const MAX_FILES = 100_000

const BROKEN = 'This .torrent file is broken'
const FIX = 'Ask the sender for a new .torrent file or use the magnet link instead.'

function fail(problem: string): never {
  throw new InvalidTorrentError(`${BROKEN}: ${problem}. ${FIX}`)
}

/** Prefers the `<key>.utf-8` variant some clients add next to a legacy-encoded value. */
function textField(dict: BencodeDict, key: string): string | undefined {
  const preferred = dict[`${key}.utf-8`]
  const value = preferred instanceof Uint8Array ? preferred : dict[key]
  return value instanceof Uint8Array ? utf8Decode(value) : undefined
}

function pathField(dict: BencodeDict, key: string): Uint8Array[] | undefined {
  const isPath = (v: BencodeValue | undefined): v is Uint8Array[] =>
    Array.isArray(v) && v.every((c) => c instanceof Uint8Array)
  const preferred = dict[`${key}.utf-8`]
  if (isPath(preferred)) return preferred
  const value = dict[key]
  return isPath(value) ? value : undefined
}

/** Makes one path component safe: it can never be empty, `.`, `..`, or contain a separator or NUL. */
export function sanitizeComponent(component: string): string | null {
  const clean = component.replace(/[/\\\0]/g, '')
  return clean === '' || clean === '.' || clean === '..' ? null : clean
}

function lengthField(dict: BencodeDict, what: string): number {
  const length = dict['length']
  if (typeof length !== 'number') fail(`${what} has no length`)
  if (length < 0) fail(`${what} has a negative length (${length})`)
  return length
}

function parseFiles(list: BencodeValue, name: string): TorrentFileEntry[] {
  if (!Array.isArray(list)) fail('the "files" entry is not a list')
  if (list.length === 0) fail('the file list is empty')
  if (list.length > MAX_FILES) fail(`it lists ${list.length} files, more than the ${MAX_FILES} supported`)
  const files: TorrentFileEntry[] = []
  let offset = 0
  list.forEach((entry, i) => {
    const what = `file ${i + 1}`
    if (!isDict(entry)) fail(`${what} is not a dictionary`)
    const length = lengthField(entry, what)
    const rawPath = pathField(entry, 'path')
    if (!rawPath) fail(`${what} has no path (a list of strings)`)
    const parts: string[] = []
    for (const c of rawPath) {
      const clean = sanitizeComponent(utf8Decode(c))
      if (clean !== null) parts.push(clean)
    }
    if (parts.length === 0) fail(`${what} has an empty path`)
    files.push({ path: [name, ...parts].join('/'), name: parts[parts.length - 1]!, length, offset })
    offset += length
    if (!Number.isSafeInteger(offset)) fail('its total size is too large')
  })
  return files
}

/** Parses and validates the bencoded bytes of an info dictionary. Throws InvalidTorrentError. */
export function parseInfoDictionary(raw: Uint8Array): InfoDictionary {
  let dict: BencodeValue
  try {
    dict = decode(raw)
  } catch (err) {
    if (err instanceof BencodeError) fail(`its info dictionary is not valid bencoded data (byte ${err.offset})`)
    throw err
  }
  if (!isDict(dict)) fail('its "info" entry is not a dictionary')

  const rawName = textField(dict, 'name')
  if (rawName === undefined) fail('its info dictionary has no name')
  const name = sanitizeComponent(rawName)
  if (name === null) fail(`its name ${JSON.stringify(rawName)} is not a usable file or folder name`)

  const pieceLength = dict['piece length']
  if (typeof pieceLength !== 'number' || pieceLength <= 0) fail('its "piece length" is missing or not a positive integer')
  if (pieceLength > MAX_PIECE_LENGTH) {
    fail(`its pieces are ${pieceLength} bytes, larger than the ${MAX_PIECE_LENGTH} supported`)
  }

  let files: TorrentFileEntry[]
  if (dict['files'] !== undefined) {
    files = parseFiles(dict['files'], name)
  } else if (dict['length'] !== undefined) {
    files = [{ path: name, name, length: lengthField(dict, 'the file'), offset: 0 }]
  } else {
    fail('its info dictionary has neither "length" nor "files"')
  }
  const last = files[files.length - 1]!
  const length = last.offset + last.length

  const pieces = dict['pieces']
  if (!(pieces instanceof Uint8Array)) fail('its info dictionary has no "pieces" hashes')
  if (pieces.length % 20 !== 0) fail(`its "pieces" length (${pieces.length}) is not a multiple of 20`)
  const pieceCount = Math.ceil(length / pieceLength)
  if (pieces.length / 20 !== pieceCount) {
    fail(`it has ${pieces.length / 20} piece hashes but its ${length} bytes need ${pieceCount}`)
  }
  const pieceHashes: Uint8Array[] = []
  for (let i = 0; i < pieces.length; i += 20) pieceHashes.push(pieces.subarray(i, i + 20))

  return { name, pieceLength, pieceHashes, files, length, private: dict['private'] === 1, raw }
}
