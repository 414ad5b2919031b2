import { ChunkGeometry, closedError, type ChunkStore, type ChunkStoreOptions } from './chunk-store.ts'

/** Map-backed chunk store: for tests and the `storage: 'memory'` option. Holds its own copies. */
export class MemoryChunkStore implements ChunkStore {
  readonly releasesPuts = true
  readonly chunkLength: number
  readonly length: number
  readonly name: string
  private readonly geometry: ChunkGeometry
  private chunks = new Map<number, Uint8Array>()
  private closed = false

  constructor(opts: ChunkStoreOptions) {
    this.geometry = new ChunkGeometry(opts)
    this.chunkLength = opts.chunkLength
    this.length = opts.length
    this.name = opts.name
  }

  get lastChunkLength(): number {
    return this.geometry.lastChunkLength
  }

  async put(index: number, data: Uint8Array): Promise<void> {
    this.assertOpen()
    this.geometry.checkData(index, data)
    this.chunks.set(index, data.slice())
  }

  async get(index: number, offset?: number, length?: number): Promise<Uint8Array | null> {
    this.assertOpen()
    const [start, end] = this.geometry.range(index, offset, length)
    const chunk = this.chunks.get(index)
    return chunk ? chunk.slice(start, end) : null
  }

  async keys(): Promise<number[]> {
    this.assertOpen()
    return [...this.chunks.keys()].sort((a, b) => a - b)
  }

  async close(): Promise<void> {
    this.closed = true
  }

  async destroy(): Promise<void> {
    this.chunks.clear()
    this.closed = true
  }

  private assertOpen(): void {
    if (this.closed) throw closedError(this.name)
  }
}
