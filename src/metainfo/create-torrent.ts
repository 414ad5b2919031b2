import { encode, type Encodable } from '../bencode/index.ts'
import { InvalidInputError } from '../util/errors.ts'
import { toHex } from '../util/bytes.ts'
import type { MerkleTree } from '../merkle/index.ts'
import { hashV2, v2InfoDictionary } from './create-v2.ts'
import { MAX_PIECE_LENGTH } from './info-dictionary.ts'
import { hashPieces, type HashOptions, type HashSource } from './piece-hasher.ts'
import { planSeed, type SeedFileInput, type SeedPlan } from './seed-plan.ts'
import { encodeTorrentFile, parseTorrentFile } from './torrent-file.ts'
import type { Metainfo, TorrentVersion } from './types.ts'

export type { SeedFileInput } from './seed-plan.ts'

/** create-torrent never picks a default piece larger than this. */
const MAX_DEFAULT_PIECE_LENGTH = 4 * 1024 * 1024

/**
 * Default piece length, equal to create-torrent's (the `piece-length` package capped at 4 MiB):
 * 2^round(log2(KiB)), at least 16 KiB. The shift wraps like theirs for sizes above ~1.5 TB.
 * Always a power of two of at least 16 KiB, so v2 torrents can use it too.
 */
export function choosePieceLength(totalBytes: number): number {
  const exponent = Math.log2(Math.max(1, totalBytes / 1024)) + 0.5
  return Math.min(Math.max(16384, 1 << exponent), MAX_DEFAULT_PIECE_LENGTH)
}

export interface CreateTorrentOptions {
  /** Torrent name; defaults to the folder shared by all files, else the first file's name. */
  name?: string
  pieceLength?: number
  /**
   * 'v1' (default): BEP 3, the same info hash as create-torrent and WebTorrent for the same files.
   * 'v2': BEP 52 only. 'hybrid': both, for v1 and v2 peers in one swarm. v2 and hybrid torrents equal
   * libtorrent 2.0's byte for byte: files sorted as in the file tree, pad files between them.
   */
  version?: TorrentVersion
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

/** Hashes v1 pieces: `hashPieces`, or one that spreads the work (client/hash-workers.ts). */
export type PieceHasher = (sources: readonly HashSource[], pieceLength: number, opts: HashOptions) => Promise<Uint8Array>

export interface CreatedTorrent<T extends SeedFileInput> {
  metainfo: Metainfo
  torrentFile: Uint8Array
  /**
   * The inputs that were kept (hidden junk is dropped), in torrent order: the order of the entries of
   * `metainfo.info.files` that are not pad files.
   */
  files: T[]
  /**
   * v2 and hybrid torrents: each file's whole merkle tree (hex pieces root → tree), so a seeder can answer
   * `hash request`s for block hashes without hashing the file again. Empty for v1.
   */
  trees: Map<string, MerkleTree>
}

function badInput(message: string): never {
  throw new InvalidInputError('INVALID_SEED_INPUT', message)
}

function checkedPieceLength(pieceLength: number, version: TorrentVersion): number {
  if (!Number.isSafeInteger(pieceLength) || pieceLength <= 0 || pieceLength > MAX_PIECE_LENGTH) {
    badInput(`The piece length must be a whole number of bytes from 1 to ${MAX_PIECE_LENGTH}, got ${pieceLength}.`)
  }
  if (version !== 'v1' && (pieceLength < 16384 || 2 ** Math.round(Math.log2(pieceLength)) !== pieceLength)) {
    badInput(`A BitTorrent v2 piece length must be a power of two of at least 16384 bytes, got ${pieceLength}.`)
  }
  return pieceLength
}

async function v1Info(plan: SeedPlan, pieceLength: number, opts: CreateTorrentOptions, hasher: PieceHasher): Promise<Uint8Array> {
  // The inputs themselves: a hasher may read a Blob an input carries instead of calling `read`.
  const pieces = await hasher(plan.files.map((f) => f.input), pieceLength, { onProgress: opts.onProgress, signal: opts.signal })
  const total = plan.files.reduce((sum, f) => sum + f.length, 0)
  const info: Record<string, Encodable> = { name: plan.name, 'piece length': pieceLength, pieces }
  if (plan.singleFile) info['length'] = total
  else info['files'] = plan.files.map((f) => ({ length: f.length, path: f.path }))
  if (opts.private !== undefined) info['private'] = opts.private ? 1 : 0
  return encode(info)
}

/** Hashes the files and builds a .torrent: v1 like create-torrent, v2 and hybrid like libtorrent 2.0. */
export async function createTorrent<T extends SeedFileInput>(
  files: readonly T[],
  opts: CreateTorrentOptions = {},
  hasher: PieceHasher = hashPieces,
): Promise<CreatedTorrent<T>> {
  const version = opts.version ?? 'v1'
  const plan = planSeed(files, opts.name, version !== 'v1')
  const total = plan.files.reduce((sum, f) => sum + f.length, 0)
  if (!Number.isSafeInteger(total)) badInput('The chosen files are too large to seed together.')
  if (total === 0) badInput('Nothing to share: every chosen file is empty. Add a file with some content.')
  const pieceLength = checkedPieceLength(opts.pieceLength ?? choosePieceLength(total), version)

  const trees = new Map<string, MerkleTree>()
  let info: Uint8Array
  let pieceLayers: Map<string, Uint8Array[]> | undefined
  if (version === 'v1') info = await v1Info(plan, pieceLength, opts, hasher)
  else {
    const hashes = await hashV2(plan, pieceLength, version === 'hybrid', { onProgress: opts.onProgress, signal: opts.signal })
    ;({ info, pieceLayers } = v2InfoDictionary(plan, pieceLength, hashes, version === 'hybrid', opts.private))
    for (const tree of hashes.trees) if (tree) trees.set(toHex(tree.root), tree)
  }
  const torrentFile = encodeTorrentFile({
    info,
    announce: opts.announce ?? [],
    urlList: opts.urlList,
    createdBy: opts.createdBy,
    creationDate: opts.creationDate,
    comment: opts.comment,
    pieceLayers,
  })
  return { metainfo: await parseTorrentFile(torrentFile), torrentFile, files: plan.files.map((f) => f.input), trees }
}
