// Minimal types for the CommonJS media packages src/media loads lazily (see vite.config.ts polyfills).
declare module 'readable-stream' {
  import type { EventEmitter } from 'events'
  export class Readable extends EventEmitter {
    constructor(opts?: { highWaterMark?: number; objectMode?: boolean })
    push(chunk: Uint8Array | null): boolean
    destroy(err?: Error): this
    pipe<T>(dest: T): T
    setEncoding(encoding: string): this
    readonly destroyed: boolean
    /** Bytes buffered, and the buffer size at which it stops reading. */
    readonly readableLength: number
    readonly readableHighWaterMark: number
    _read(size: number): void
    _destroy(err: Error | null, callback: (err: Error | null) => void): void
  }
}

declare module 'render-media' {
  export interface RenderFile {
    name: string
    length: number
    createReadStream(opts?: { start?: number; end?: number }): unknown
  }
  export interface RenderOptions {
    autoplay?: boolean
    controls?: boolean
    muted?: boolean
    maxBlobLength?: number
  }
  type Callback = (err: Error | null, elem?: HTMLElement) => void
  export function render(file: RenderFile, elem: HTMLElement, opts: RenderOptions, cb: Callback): void
  export function append(file: RenderFile, root: HTMLElement, opts: RenderOptions, cb: Callback): void
  const _default: { render: typeof render; append: typeof append }
  export default _default
}

declare module 'mediasource' {
  interface WritableLike {
    on(event: 'error', fn: (err: Error) => void): void
  }
  class MediaElementWrapper {
    constructor(elem: HTMLMediaElement, opts?: { bufferDuration?: number })
    createWriteStream(type: string): WritableLike
    detailedError: Error | null
  }
  export default MediaElementWrapper
}
