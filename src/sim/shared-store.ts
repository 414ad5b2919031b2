import { ChunkGeometry, closedError, type ChunkStore, type ChunkStoreOptions } from '../storage/chunk-store.ts'
import type { SimContent } from './content.ts'
import { pieceOf } from './content.ts'

/**
 * A chunk store that keeps only which pieces it holds: reads return views of the content's shared
 * bytes, so a thousand peers of a 64 MiB torrent hold one copy. A piece only gets here after the
 * session verified it, and the simulator's digest checks every block's stamp, so the bytes it would
 * have stored are the shared ones. It keeps none of them (`releasesPuts`), so the session reuses its
 * piece buffers.
 */
export class SharedStore implements ChunkStore {
  readonly releasesPuts = true
  readonly chunkLength: number
  readonly length: number
  readonly #geometry: ChunkGeometry
  readonly #content: SimContent
  readonly #have: Uint8Array
  #closed = false

  constructor(opts: ChunkStoreOptions, content: SimContent) {
    this.#geometry = new ChunkGeometry(opts)
    this.chunkLength = opts.chunkLength
    this.length = opts.length
    this.#content = content
    this.#have = new Uint8Array(this.#geometry.chunkCount)
  }

  /** Marks every piece as held (a seeder). */
  fill(): this {
    this.#have.fill(1)
    return this
  }

  async put(index: number, data: Uint8Array): Promise<void> {
    this.#check()
    this.#geometry.checkData(index, data)
    this.#have[index] = 1
  }

  async get(index: number, offset?: number, length?: number): Promise<Uint8Array | null> {
    this.#check()
    const [start, end] = this.#geometry.range(index, offset, length)
    return this.#have[index] ? pieceOf(this.#content, index).subarray(start, end) : null
  }

  async keys(): Promise<number[]> {
    this.#check()
    const out: number[] = []
    this.#have.forEach((v, i) => v && out.push(i))
    return out
  }

  async close(): Promise<void> {
    this.#closed = true
  }

  async destroy(): Promise<void> {
    this.#have.fill(0)
    this.#closed = true
  }

  #check(): void {
    if (this.#closed) throw closedError('sim')
  }
}
