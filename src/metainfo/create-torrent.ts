import { encode, type Encodable } from '../bencode/index.ts'
import { InvalidInputError } from '../util/errors.ts'
import { MAX_PIECE_LENGTH } from './info-dictionary.ts'
import { hashPieces } from './piece-hasher.ts'
import { planSeed, type SeedFileInput } from './seed-plan.ts'
import { encodeTorrentFile, parseTorrentFile } from './torrent-file.ts'
import type { Metainfo } from './types.ts'

export type { SeedFileInput } from './seed-plan.ts'

/** create-torrent never picks a default piece larger than this. */
const MAX_DEFAULT_PIECE_LENGTH = 4 * 1024 * 1024

/**
 * Default piece length, equal to create-torrent's (the `piece-length` package capped at 4 MiB):
 * 2^round(log2(KiB)), at least 16 KiB. The shift wraps like theirs for sizes above ~1.5 TB.
 */
export function choosePieceLength(totalBytes: number): number {
  const exponent = Math.log2(Math.max(1, totalBytes / 1024)) + 0.5
  return Math.min(Math.max(16384, 1 << exponent), MAX_DEFAULT_PIECE_LENGTH)
}

export interface CreateTorrentOptions {
  /** Torrent name; defaults to the folder shared by all files, else the first file's name. */
  name?: string
  pieceLength?: number
  /** Trackers, one tier each. None are added by default. */
  announce?: string[]
  urlList?: string[]
  private?: boolean
  createdBy?: string
  /** Unix seconds; written only when given (this module reads no clock). */
  creationDate?: number
  comment?: string
  onProgress?: (hashedBytes: number) => void
  signal?: AbortSignal
}

export interface CreatedTorrent<T extends SeedFileInput> {
  metainfo: Metainfo
  torrentFile: Uint8Array
  /** The inputs that were kept (hidden junk is dropped), in the order of `metainfo.info.files`. */
  files: T[]
}

/** Hashes the files and builds a .torrent whose info dictionary is byte-identical to create-torrent's. */
export async function createTorrent<T extends SeedFileInput>(
  files: readonly T[],
  opts: CreateTorrentOptions = {},
): Promise<CreatedTorrent<T>> {
  const plan = planSeed(files, opts.name)
  const total = plan.files.reduce((sum, f) => sum + f.length, 0)
  if (!Number.isSafeInteger(total)) throw new InvalidInputError('INVALID_SEED_INPUT', 'The chosen files are too large to seed together.')
  const pieceLength = opts.pieceLength ?? choosePieceLength(total)
  if (!Number.isSafeInteger(pieceLength) || pieceLength <= 0 || pieceLength > MAX_PIECE_LENGTH) {
    throw new InvalidInputError(
      'INVALID_SEED_INPUT',
      `The piece length must be a whole number of bytes from 1 to ${MAX_PIECE_LENGTH}, got ${pieceLength}.`,
    )
  }

  const sources = plan.files.map((f) => ({ path: f.input.path, length: f.length, read: f.input.read.bind(f.input) }))
  const pieces = await hashPieces(sources, pieceLength, { onProgress: opts.onProgress, signal: opts.signal })

  const info: Record<string, Encodable> = { name: plan.name, 'piece length': pieceLength, pieces }
  if (plan.singleFile) info['length'] = total
  else info['files'] = plan.files.map((f) => ({ length: f.length, path: f.path }))
  if (opts.private !== undefined) info['private'] = opts.private ? 1 : 0

  const torrentFile = encodeTorrentFile({
    info: encode(info),
    announce: opts.announce ?? [],
    urlList: opts.urlList,
    createdBy: opts.createdBy,
    creationDate: opts.creationDate,
    comment: opts.comment,
  })
  return { metainfo: await parseTorrentFile(torrentFile), torrentFile, files: plan.files.map((f) => f.input) }
}
