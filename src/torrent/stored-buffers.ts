import { PieceBufferPool, type PieceBuffers } from '../util/piece-buffers.ts'

/**
 * Idle piece buffers a torrent keeps for its next pieces. It reuses them when its store keeps no
 * reference to what it was given (a fresh buffer costs the page a page fault per 4 KiB on first write:
 * ~3 ms per MB here, against ~0.05 ms reused); whether it does is known once a put settled (the store
 * may still be opening before). Not for v2: its readers see the blocks of pieces still being assembled.
 */
const POOL_BYTES = 8 * 1024 * 1024

/** Where a torrent's piece buffers come from, and when a stored piece's buffer may be lent again. */
export class StoredBuffers {
  /** What the assembler borrows from (null: a fresh buffer per piece). */
  readonly lent: PieceBuffers | null
  /** The torrent's own pool (not one it was given), emptied once every piece is had. */
  readonly #own: PieceBufferPool | null

  /** `given`: TorrentDeps.pieceBuffers (undefined: a pool of the torrent's own, for v1). */
  constructor(given: PieceBuffers | null | undefined, pieceLength: number, v2: boolean) {
    this.#own = given === undefined && !v2 ? new PieceBufferPool(pieceLength, Math.ceil(POOL_BYTES / pieceLength)) : null
    this.lent = given !== undefined ? given : this.#own
  }

  /** A reader's bytes of a piece not yet stored: a lent buffer goes back to the pool once stored, so a copy. */
  forReader(data: Uint8Array): Uint8Array {
    return this.lent ? data.slice() : data
  }

  /**
   * The piece is stored. Returns whether the read cache may keep `data`: a lent buffer it keeps never goes
   * back (the uploader and readers may hold it), and one it does not keep is lent again if the store
   * `released` it.
   */
  stored(data: Uint8Array, released: boolean, wanted: () => boolean, complete: boolean): boolean {
    const keep = !this.lent || !released || wanted()
    if (!keep) this.lent!.give(data)
    if (complete) this.#own?.drain()
    return keep
  }
}
