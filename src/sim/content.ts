/**
 * The simulated torrent's bytes and hashes. Piece bytes are made once, deterministically, and shared
 * read-only by every peer (the stand-in store hands out views of them). Each 16 KiB block starts with
 * a stamp (piece index, block number), so a block in the wrong place changes the piece's digest.
 */
import { encode } from '../bencode/index.ts'
import { toHex } from '../util/bytes.ts'
import type { Hasher } from '../util/sha1.ts'
import { parseInfoDictionary } from '../metainfo/info-dictionary.ts'
import type { InfoDictionary } from '../metainfo/types.ts'
import { BLOCK_LENGTH } from '../picker/index.ts'

/** Inputs up to this size are digested whole (info dictionaries, small pieces); larger ones are sampled. */
export const FULL_DIGEST_BYTES = 32 * 1024

export interface SimContent {
  data: Uint8Array
  info: InfoDictionary
  infoHash: Uint8Array
  infoHashHex: string
  /** The same digest function the torrent's piece hashes and info hash were made with. */
  hashSync: (data: Uint8Array) => Uint8Array
  /** `hashSync` as the session's Hasher (results in call order, already resolved). */
  hasher: Hasher
}

/** Deterministic torrent bytes: a stamp at the start of each block, a xorshift pattern elsewhere. */
export function makeData(length: number, pieceLength: number, seed = 1): Uint8Array {
  const data = new Uint8Array(length)
  const words = new Uint32Array(data.buffer, 0, length >> 2)
  let x = (seed * 2654435761) >>> 0 || 1
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    words[i] = x >>> 0
  }
  for (let i = words.length * 4; i < length; i++) data[i] = i & 0xff
  const view = new DataView(data.buffer)
  for (let piece = 0; piece * pieceLength < length; piece++) {
    for (let begin = 0; begin < pieceLength; begin += BLOCK_LENGTH) {
      const at = piece * pieceLength + begin
      if (at + 8 > length) break
      view.setUint32(at, piece)
      view.setUint32(at + 4, begin / BLOCK_LENGTH)
    }
  }
  return data
}

/**
 * A cheap 20-byte digest, deterministic: the length, every byte of a small input, and for a large one
 * each 16 KiB block's stamp, its last bytes and two positions that depend on its place. It tells a wrong,
 * misplaced or truncated block apart from the right one; it is not a defence against forgery.
 */
export function cheapDigest(data: Uint8Array): Uint8Array {
  // Int32 lanes and a plain function keep this monomorphic: it runs once per verified piece per peer.
  const h = Int32Array.of(0x811c9dc5, 0x01000193 ^ data.length, 0x9e3779b9, 0x85ebca6b, 0xc2b2ae35)
  if (data.length <= FULL_DIGEST_BYTES) {
    for (let i = 0; i < data.length; i++) mix(h, i % 5, data[i]! + (i << 8))
  } else {
    for (let at = 0, b = 0; at < data.length; at += BLOCK_LENGTH, b++) {
      const end = Math.min(data.length, at + BLOCK_LENGTH)
      const len = end - at
      for (let i = 0; i < 8 && at + i < end; i++) mix(h, i % 5, data[at + i]!)
      for (let i = Math.max(at, end - 4); i < end; i++) mix(h, (i + 2) % 5, data[i]!)
      mix(h, b % 5, data[at + ((b * 2654435761) >>> 0) % len]!)
      mix(h, (b + 3) % 5, data[at + ((b * 40503 + 7919) % len)]!)
    }
  }
  for (let r = 0; r < 3; r++) for (let lane = 0; lane < 5; lane++) mix(h, lane, h[(lane + 2) % 5]!)
  // Big-endian words written byte by byte: a DataView would move this small array's bytes off the heap.
  const out = new Uint8Array(20)
  for (let i = 0; i < 20; i++) out[i] = h[i >> 2]! >>> (24 - 8 * (i & 3))
  return out
}

function mix(h: Int32Array, lane: number, v: number): void {
  h[lane] = Math.imul(h[lane]! ^ v, 0x01000193) ^ (h[(lane + 1) % 5]! >>> 7)
}

/** A single-file v1 torrent of `data` whose piece hashes and info hash are `hashSync` digests. */
export function makeContent(data: Uint8Array, pieceLength: number, hashSync: (data: Uint8Array) => Uint8Array, name = 'sim.bin'): SimContent {
  const count = Math.ceil(data.length / pieceLength)
  const pieces = new Uint8Array(count * 20)
  for (let i = 0; i < count; i++) pieces.set(hashSync(data.subarray(i * pieceLength, (i + 1) * pieceLength)), i * 20)
  const raw = encode({ length: data.length, name, 'piece length': pieceLength, pieces })
  const info = parseInfoDictionary(raw)
  const infoHash = hashSync(raw)
  return { data, info, infoHash, infoHashHex: toHex(infoHash), hashSync, hasher: (bytes) => Promise.resolve(hashSync(bytes)) }
}

/** A piece of the content (a view; never written to). */
export function pieceOf(content: SimContent, index: number): Uint8Array {
  const pl = content.info.pieceLength
  return content.data.subarray(index * pl, Math.min(content.data.length, (index + 1) * pl))
}
