import { bytesEqual } from '../util/bytes.ts'
import { ProtocolError } from '../util/errors.ts'
import type { PieceBuffers } from '../util/piece-buffers.ts'
import type { Hasher } from '../util/sha1.ts'
import { BLOCK_LENGTH, type PiecePicker } from '../picker/index.ts'
import type { PeerStats } from '../peer/peer-stats.ts'
import type { BlockSource } from './peer-record.ts'
import type { FailedBlock, SmartBan } from './smart-ban.ts'

/** Where the request scheduler hands new blocks: this assembler, or the v2 one (v2/merkle-assembler.ts). */
export interface BlockAssembler {
  /** Pieces held in memory. */
  readonly buffered: number
  add(source: BlockSource, index: number, begin: number, block: Uint8Array): void
  /** Throws away the unverified blocks `source` delivered; returns the bytes. */
  discard(source: BlockSource): number
  stop(): void
}

export interface AssemblerDeps {
  picker: PiecePicker
  hasher: Hasher
  pieceHashes: readonly Uint8Array[]
  /** Checks a whole piece instead of SHA-1 against `pieceHashes` (v2 pieces verified whole). */
  checkPiece?: (index: number, data: Uint8Array) => Promise<boolean>
  stats: PeerStats
  smartBan: SmartBan
  /**
   * Lends piece buffers (TorrentDeps.pieceBuffers); absent, each piece is a fresh allocation. The
   * assembler holds a buffer from a piece's first block until the piece is thrown away, fails (smart ban
   * done hashing its blocks) or passes (smart ban done judging it); a passing piece's buffer gets one more
   * hold first, for `passed`'s receiver, which gives it back once stored (or keeps it for good).
   */
  pieceBuffers?: PieceBuffers | undefined
  /** The piece verified: hand it to storage (with a hold on a lent buffer: see `pieceBuffers`). */
  passed(index: number, data: Uint8Array): void
  /** The piece failed its hash (its blocks are already free to request again). */
  failed(index: number): void
  /** A source sent data that failed verification: ban the peer, demote the web seed. */
  offence(source: BlockSource, error: ProtocolError): void
}

/** A piece being assembled: its bytes and, per block, which source delivered it (provenance). */
interface Assembly {
  data: Uint8Array
  sources: (BlockSource | undefined)[]
  filled: number
}

function peerIdOf(source: BlockSource): string | null {
  return source.kind === 'peer' ? source.id : null
}

/**
 * Assembles pieces from blocks, remembering each block's source, and verifies them with the injected
 * hasher. A failed piece with one contributor is that source's offence; with several, nobody is struck:
 * the block hashes go to smart ban and the piece is fetched again from one peer, and once it passes
 * smart ban names the liars. A dropped source's blocks of unverified pieces are thrown away at once.
 */
export class PieceAssembler implements BlockAssembler {
  readonly #deps: AssemblerDeps
  readonly #pieces = new Map<number, Assembly>()
  #verifying = 0
  #stopped = false

  constructor(deps: AssemblerDeps) {
    this.#deps = deps
  }

  /** Pieces held in memory: being assembled or being hashed. */
  get buffered(): number {
    return this.#pieces.size + this.#verifying
  }

  /** A new block (the picker already counted it as received). */
  add(source: BlockSource, index: number, begin: number, block: Uint8Array): void {
    if (this.#stopped) return
    let piece = this.#pieces.get(index)
    if (!piece) {
      const size = this.#deps.picker.pieceSize(index)
      piece = { data: this.#deps.pieceBuffers?.take(size) ?? new Uint8Array(size), sources: new Array<BlockSource | undefined>(Math.ceil(size / BLOCK_LENGTH)).fill(undefined), filled: 0 }
      this.#pieces.set(index, piece)
    }
    const b = begin / BLOCK_LENGTH
    if (!piece.sources[b]) piece.filled++
    piece.sources[b] = source
    piece.data.set(block, begin)
    if (piece.filled < piece.sources.length) return
    this.#pieces.delete(index)
    void this.#verify(index, piece)
  }

  /** Throws away every block `source` delivered to pieces not yet complete; returns the bytes. */
  discard(source: BlockSource): number {
    let bytes = 0
    for (const [index, piece] of this.#pieces) {
      piece.sources.forEach((s, b) => {
        if (s?.id !== source.id) return
        piece.sources[b] = undefined
        piece.filled--
        bytes += Math.min(BLOCK_LENGTH, piece.data.length - b * BLOCK_LENGTH)
        this.#deps.picker.unreceive(index, b * BLOCK_LENGTH)
      })
      if (piece.filled === 0) {
        this.#pieces.delete(index)
        this.#give(piece)
      }
    }
    if (bytes > 0) this.#deps.stats.recordDiscarded(peerIdOf(source), bytes)
    return bytes
  }

  stop(): void {
    this.#stopped = true
    this.#pieces.forEach(this.#give)
    this.#pieces.clear()
  }

  async #verify(index: number, piece: Assembly): Promise<void> {
    this.#verifying++
    let ok: boolean
    try {
      const { checkPiece } = this.#deps
      ok = checkPiece ? await checkPiece(index, piece.data) : bytesEqual(await this.#deps.hasher(piece.data), this.#deps.pieceHashes[index]!)
    } finally {
      this.#verifying--
    }
    if (this.#stopped) return this.#give(piece)
    if (ok) {
      this.#deps.pieceBuffers?.hold(piece.data)
      this.#deps.passed(index, piece.data)
      // Judge whoever sent blocks to an earlier, failed attempt of this piece.
      const { liars } = await this.#deps.smartBan.piecePassed(index, piece.data, BLOCK_LENGTH)
      for (const liar of liars) this.#deps.offence(liar, lie(index, 'sent blocks that differ from the verified piece'))
    } else await this.#onFailed(index, piece)
    this.#give(piece)
  }

  /** The assembler is done with the piece's buffer (smart ban keeps hashes, not bytes). */
  readonly #give = (piece: Assembly): void => this.#deps.pieceBuffers?.give(piece.data)

  async #onFailed(index: number, piece: Assembly): Promise<void> {
    const { picker, stats } = this.#deps
    const contributors = new Map<string, BlockSource>()
    for (const s of piece.sources) if (s) contributors.set(s.id, s)
    stats.recordHashFailure([...contributors.values()].map(peerIdOf).filter((id): id is string => id !== null))
    piece.sources.forEach((s, b) => {
      if (s) stats.recordDiscarded(peerIdOf(s), Math.min(BLOCK_LENGTH, piece.data.length - b * BLOCK_LENGTH))
    })
    picker.failed(index, { singleSource: contributors.size > 1 })
    this.#deps.failed(index)
    if (contributors.size === 1) {
      const [only] = contributors.values()
      return this.#deps.offence(only!, lie(index, 'sent a whole piece that failed verification'))
    }
    const blocks: FailedBlock[] = []
    piece.sources.forEach((source, block) => {
      if (source) blocks.push({ block, source, data: piece.data.subarray(block * BLOCK_LENGTH, (block + 1) * BLOCK_LENGTH) })
    })
    const changed = await this.#deps.smartBan.recordFailure(index, blocks)
    for (const source of changed) this.#deps.offence(source, lie(index, 'sent the same block twice with different bytes'))
  }
}

function lie(index: number, what: string): ProtocolError {
  return new ProtocolError('BAD_PIECE_DATA', `The peer ${what} (piece ${index}); it is banned from this torrent.`)
}
