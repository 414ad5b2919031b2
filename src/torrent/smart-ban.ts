import { toHex } from '../util/bytes.ts'
import type { Hasher } from '../util/sha1.ts'
import type { BlockSource } from './peer-record.ts'

/**
 * Block hashes kept for failed pieces (20 bytes each plus bookkeeping); past this the oldest failed
 * pieces are forgotten, so a swarm of liars cannot grow our memory without bound.
 */
export const MAX_REMEMBERED_BLOCK_HASHES = 65_536

interface Entry {
  source: BlockSource
  hash: string
}

/** One failed piece: per block, per source id, the hash of what that source sent. */
type PieceRecord = Map<number, Map<string, Entry>>

export interface FailedBlock {
  block: number
  source: BlockSource
  data: Uint8Array
}

export interface Verdict {
  /** Sources whose recorded blocks differ from the verified bytes. */
  liars: BlockSource[]
  /** Sources whose recorded blocks all matched. */
  cleared: BlockSource[]
}

/**
 * libtorrent's smart ban. A piece that fails with several contributors proves nothing about any one
 * of them, so the hash of each block is kept per source. Once the piece passes, each recorded block is
 * compared with the verified bytes: a source that sent different bytes lied, one whose blocks matched
 * is cleared. A source that sends the same block twice with different bytes has lied too.
 */
export class SmartBan {
  readonly #hasher: Hasher
  readonly #pieces = new Map<number, PieceRecord>()
  /** Hashing of a failure still running, per piece: a pass waits for it. */
  readonly #pending = new Map<number, Promise<unknown>>()
  readonly #maxHashes: number
  #size = 0

  constructor(hasher: Hasher, maxHashes = MAX_REMEMBERED_BLOCK_HASHES) {
    this.#hasher = hasher
    this.#maxHashes = maxHashes
  }

  /** Block hashes remembered. */
  get size(): number {
    return this.#size
  }

  has(index: number): boolean {
    return this.#pieces.has(index)
  }

  /** Remembers the blocks of a failed piece; resolves with sources that changed a block they sent before. */
  recordFailure(index: number, blocks: readonly FailedBlock[]): Promise<BlockSource[]> {
    return this.#chain(index, () => this.#record(index, blocks))
  }

  /** The piece verified: judges every source recorded for it and forgets the record. */
  piecePassed(index: number, data: Uint8Array, blockLength: number): Promise<Verdict> {
    return this.#chain(index, () => this.#judge(index, data, blockLength))
  }

  /** Runs `next` after whatever is still running for the same piece. */
  #chain<T>(index: number, next: () => Promise<T>): Promise<T> {
    const previous = this.#pending.get(index) ?? Promise.resolve()
    const run = previous.catch(() => undefined).then(next)
    this.#pending.set(index, run)
    const forget = () => {
      if (this.#pending.get(index) === run) this.#pending.delete(index)
    }
    run.then(forget, forget)
    return run
  }

  async #record(index: number, blocks: readonly FailedBlock[]): Promise<BlockSource[]> {
    const hashes = await Promise.all(blocks.map(async (b) => toHex(await this.#hasher(b.data))))
    let piece = this.#pieces.get(index)
    if (!piece) this.#pieces.set(index, (piece = new Map()))
    const changed = new Map<string, BlockSource>()
    blocks.forEach(({ block, source }, i) => {
      let bySource = piece.get(block)
      if (!bySource) piece.set(block, (bySource = new Map()))
      const before = bySource.get(source.id)
      if (before && before.hash !== hashes[i]) changed.set(source.id, source)
      if (before) return
      bySource.set(source.id, { source, hash: hashes[i]! })
      this.#size++
    })
    this.#evict(index)
    return [...changed.values()]
  }

  async #judge(index: number, data: Uint8Array, blockLength: number): Promise<Verdict> {
    const piece = this.#pieces.get(index)
    if (!piece) return { liars: [], cleared: [] }
    this.#forget(index)
    const liars = new Map<string, BlockSource>()
    const seen = new Map<string, BlockSource>()
    for (const [block, bySource] of piece) {
      const good = toHex(await this.#hasher(data.subarray(block * blockLength, (block + 1) * blockLength)))
      for (const { source, hash } of bySource.values()) {
        seen.set(source.id, source)
        if (hash !== good) liars.set(source.id, source)
      }
    }
    return { liars: [...liars.values()], cleared: [...seen.values()].filter((s) => !liars.has(s.id)) }
  }

  #forget(index: number): void {
    const piece = this.#pieces.get(index)
    if (!piece) return
    for (const bySource of piece.values()) this.#size -= bySource.size
    this.#pieces.delete(index)
  }

  #evict(keep: number): void {
    for (const index of this.#pieces.keys()) {
      if (this.#size <= this.#maxHashes) return
      if (index !== keep) this.#forget(index)
    }
  }
}
