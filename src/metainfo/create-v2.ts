import { encode, type Encodable } from '../bencode/index.ts'
import { hashBlocks, MerkleTree } from '../merkle/index.ts'
import { concatBytes, toBinaryString, toHex, utf8Encode } from '../util/bytes.ts'
import { AbortError, InvalidInputError } from '../util/errors.ts'
import { sha1 } from '../util/sha1.ts'
import { readExactly, WINDOW_TARGET, type HashOptions } from './piece-hasher.ts'
import type { PlannedFile, SeedPlan } from './seed-plan.ts'

export interface V2Hashes {
  /** Per planned file: the merkle tree of its bytes (undefined for an empty file). */
  trees: (MerkleTree | undefined)[]
  /** Hybrid torrents: the SHA-1 of every v1 piece, 20 bytes each. */
  v1Pieces: Uint8Array
}

/** Zeros that a v1 piece holding a file's tail is padded with: the BEP 47 pad file after it. */
const zeros = (n: number): Uint8Array => new Uint8Array(n)

async function hashFile(
  file: PlannedFile,
  pieceLength: number,
  padTail: boolean,
  v1: boolean,
  progress: (bytes: number) => void,
  opts: HashOptions,
): Promise<{ tree: MerkleTree; pieces: Uint8Array[] }> {
  const window = Math.max(pieceLength, Math.floor(WINDOW_TARGET / pieceLength) * pieceLength)
  const leaves: Uint8Array[] = []
  const pieces: Uint8Array[] = []
  for (let start = 0; start < file.length; start += window) {
    const end = Math.min(file.length, start + window)
    const bytes = await readExactly(file.input, start, end, opts.signal)
    leaves.push(...(await hashBlocks(bytes)))
    if (v1) {
      const jobs: Promise<Uint8Array>[] = []
      for (let at = 0; at < bytes.length; at += pieceLength) {
        const piece = bytes.subarray(at, at + pieceLength)
        const padded = padTail && piece.length < pieceLength ? concatBytes([piece, zeros(pieceLength - piece.length)]) : piece
        jobs.push(sha1(padded))
      }
      pieces.push(...(await Promise.all(jobs)))
    }
    progress(end - start)
  }
  return { tree: await MerkleTree.fromBlockHashes(leaves), pieces }
}

/**
 * Hashes the planned files one by one: a merkle tree per file (BEP 52) and, for a hybrid torrent, SHA-1
 * pieces over the v1 layout where each file is followed by the pad file that aligns the next one.
 */
export async function hashV2(plan: SeedPlan, pieceLength: number, hybrid: boolean, opts: HashOptions): Promise<V2Hashes> {
  let hashed = 0
  const progress = (bytes: number): void => {
    hashed += bytes
    opts.onProgress?.(hashed)
  }
  const trees: (MerkleTree | undefined)[] = []
  const pieces: Uint8Array[] = []
  for (const file of plan.files) {
    if (opts.signal?.aborted) throw new AbortError('Creating the torrent was cancelled.')
    if (file.length === 0) {
      trees.push(undefined)
      continue
    }
    const result = await hashFile(file, pieceLength, hybrid && !plan.singleFile, hybrid, progress, opts)
    trees.push(result.tree)
    pieces.push(...result.pieces)
  }
  return { trees, v1Pieces: concatBytes(pieces) }
}

const key = (component: string): string => toBinaryString(utf8Encode(component))

function fileTree(plan: SeedPlan, trees: readonly (MerkleTree | undefined)[]): Record<string, Encodable> {
  const root = Object.create(null) as Record<string, Encodable>
  plan.files.forEach((file, i) => {
    const components = plan.singleFile ? [plan.name] : file.path
    let dir = root
    for (const component of components.slice(0, -1)) {
      const next = (dir[key(component)] ??= Object.create(null) as Record<string, Encodable>)
      if (next instanceof Uint8Array || Array.isArray(next) || typeof next !== 'object' || '' in next) clash(file)
      dir = next as Record<string, Encodable>
    }
    const leafKey = key(components[components.length - 1]!)
    if (dir[leafKey] !== undefined) clash(file)
    const tree = trees[i]
    dir[leafKey] = { '': tree ? { length: file.length, 'pieces root': tree.root } : { length: 0 } }
  })
  return root
}

function clash(file: PlannedFile): never {
  throw new InvalidInputError('INVALID_SEED_INPUT', `Cannot seed "${file.input.path}": another file or folder has the same path.`)
}

/** The v1 `files` list of a hybrid torrent: each non-empty file followed by the pad file that ends its last piece. */
function v1FileList(plan: SeedPlan, pieceLength: number): Encodable[] {
  const list: Encodable[] = []
  for (const file of plan.files) {
    list.push({ length: file.length, path: file.path })
    const gap = (pieceLength - (file.length % pieceLength)) % pieceLength
    if (file.length > 0 && gap > 0) list.push({ attr: 'p', length: gap, path: ['.pad', String(gap)] })
  }
  return list
}

/** The info dictionary libtorrent 2.0 writes for these files (byte for byte), and the piece layers. */
export function v2InfoDictionary(
  plan: SeedPlan,
  pieceLength: number,
  hashes: V2Hashes,
  hybrid: boolean,
  isPrivate: boolean | undefined,
): { info: Uint8Array; pieceLayers: Map<string, Uint8Array[]> } {
  const info: Record<string, Encodable> = {
    'file tree': fileTree(plan, hashes.trees),
    'meta version': 2,
    name: plan.name,
    'piece length': pieceLength,
  }
  if (hybrid) {
    if (plan.singleFile) info['length'] = plan.files[0]!.length
    else info['files'] = v1FileList(plan, pieceLength)
    info['pieces'] = hashes.v1Pieces
  }
  if (isPrivate !== undefined) info['private'] = isPrivate ? 1 : 0
  const pieceLayers = new Map<string, Uint8Array[]>()
  plan.files.forEach((file, i) => {
    const tree = hashes.trees[i]
    if (tree && file.length > pieceLength) pieceLayers.set(toHex(tree.root), [...tree.pieceHashes(pieceLength)])
  })
  return { info: encode(info), pieceLayers }
}
