import { SwarmstreamError } from '../util/errors.ts'
import type { InfoDictionary, TorrentFileEntry } from './types.ts'

/** Size of one request on the wire (BEP 3 convention; peers refuse larger requests). */
export const BLOCK_LENGTH = 16384

type Geometry = Pick<InfoDictionary, 'pieceLength' | 'length'>

function outOfRange(what: string, value: number, limit: number): never {
  throw new SwarmstreamError('OUT_OF_RANGE', `${what} ${value} is out of range (0 to ${limit - 1}); this is a bug in the caller.`)
}

/** Pieces in the piece space; equal to `pieceHashes.length` except in v2-only torrents, which have no SHA-1s. */
export function pieceCount(info: Geometry): number {
  return Math.ceil(info.length / info.pieceLength)
}

/** Bytes in piece `index`: `pieceLength`, except for a shorter last piece. */
export function pieceSize(info: Geometry, index: number): number {
  const count = pieceCount(info)
  if (!Number.isInteger(index) || index < 0 || index >= count) outOfRange('Piece', index, count)
  return index === count - 1 ? info.length - info.pieceLength * index : info.pieceLength
}

export function blockCount(pieceSize: number): number {
  return Math.ceil(pieceSize / BLOCK_LENGTH)
}

/** Bytes in block `blockIndex` of a piece of `pieceSize` bytes. */
export function blockSize(pieceSize: number, blockIndex: number): number {
  const count = blockCount(pieceSize)
  if (!Number.isInteger(blockIndex) || blockIndex < 0 || blockIndex >= count) outOfRange('Block', blockIndex, count)
  return Math.min(BLOCK_LENGTH, pieceSize - blockIndex * BLOCK_LENGTH)
}

/** The pieces holding bytes [offset, offset + length) of the torrent; null when length is 0. */
export function pieceRangeForBytes(info: Geometry, offset: number, length: number): { first: number; last: number } | null {
  if (offset < 0 || length < 0 || offset + length > info.length) {
    throw new SwarmstreamError(
      'OUT_OF_RANGE',
      `Byte range ${offset}+${length} is outside the torrent (${info.length} bytes); this is a bug in the caller.`,
    )
  }
  if (length === 0) return null
  return { first: Math.floor(offset / info.pieceLength), last: Math.floor((offset + length - 1) / info.pieceLength) }
}

/** The file holding torrent byte `byteOffset` (zero-length files hold none); null past the end. */
export function fileAt(
  info: Pick<InfoDictionary, 'files'>,
  byteOffset: number,
): { index: number; file: TorrentFileEntry } | null {
  const files = info.files
  let lo = 0
  let hi = files.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const f = files[mid]!
    if (byteOffset < f.offset) hi = mid - 1
    else if (byteOffset >= f.offset + f.length) lo = mid + 1
    else return { index: mid, file: f }
  }
  return null
}
