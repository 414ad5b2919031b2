import { AbortError, SwarmstreamError } from '../util/errors.ts'
import { mimeType } from '../util/file-types.ts'
import type { TorrentFileEntry } from '../metainfo/types.ts'

/** What a file needs from its torrent to read verified bytes. */
export interface PieceAccess {
  readonly pieceLength: number
  hasPiece(index: number): boolean
  /** We have the piece or a connected peer (web seeds included) has shown it. */
  shown?(index: number): boolean
  /** Resolves when the piece is verified and stored; rejects with AbortError on `signal`. */
  waitForPiece(index: number, signal?: AbortSignal): Promise<void>
  readPiece(index: number): Promise<Uint8Array>
  /**
   * BitTorrent v2: verified bytes of piece `index` from offset `from` on, as soon as its first block there
   * is verified, without waiting for the whole piece (at least one byte; the piece's rest once it is stored).
   */
  readVerified?(index: number, from: number, signal?: AbortSignal): Promise<Uint8Array>
  select(file: TorrentFileEntry, selected: boolean): void
  /** Streaming priority: a reader tells where it reads next; its window is fetched first. */
  openReader(): number
  moveReader(id: number, piece: number, lastPiece: number): void
  closeReader(id: number): void
  /** A player shows the file: the readers' starts end. */
  played?(): void
}

export interface FileRenderOptions {
  autoplay?: boolean
  controls?: boolean
  muted?: boolean
  /** Largest file shown whole through a Blob URL (formats that cannot stream); default 200 MB. */
  maxBlobLength?: number
  /** Errors after playback started (a MediaError: the element's `error`, or the file could not be read); also dispatched as `swarmstream-error`. */
  onError?: (error: SwarmstreamError) => void
}

/** Plays or shows a file (the media layer implements it; the client injects it). */
export interface FileRenderer {
  renderTo(file: TorrentFile, element: HTMLMediaElement | HTMLImageElement, opts?: FileRenderOptions): Promise<void>
  appendTo(file: TorrentFile, parent: HTMLElement, opts?: FileRenderOptions): Promise<HTMLElement>
}

/** One file of a torrent: reads only verified bytes, waiting for pieces that have not arrived. */
export class TorrentFile {
  readonly name: string
  readonly path: string
  readonly length: number
  readonly offset: number
  /** A BEP 47 pad file (zeros that align the next file in v2 and hybrid torrents): not a real file, never list or save it. */
  readonly padding: boolean
  #access: PieceAccess
  #entry: TorrentFileEntry
  #selected = true

  #renderer: FileRenderer | null

  constructor(entry: TorrentFileEntry, access: PieceAccess, renderer: FileRenderer | null = null) {
    this.#entry = entry
    this.#renderer = renderer
    this.name = entry.name
    this.path = entry.path
    this.length = entry.length
    this.offset = entry.offset
    this.padding = entry.padding === true
    this.#access = access
  }

  /** Whether this file's pieces are fetched (BEP 53 `so=` selects files in a magnet link). */
  get selected(): boolean {
    return this.#selected
  }

  select(): void {
    this.#selected = true
    this.#access.select(this.#entry, true)
  }

  deselect(): void {
    this.#selected = false
    this.#access.select(this.#entry, false)
  }

  get #firstPiece(): number {
    return Math.floor(this.offset / this.#access.pieceLength)
  }

  get #lastPiece(): number {
    return this.length === 0 ? this.#firstPiece - 1 : Math.floor((this.offset + this.length - 1) / this.#access.pieceLength)
  }

  /** Verified bytes of this file. */
  get downloaded(): number {
    const pl = this.#access.pieceLength
    let bytes = 0
    for (let i = this.#firstPiece; i <= this.#lastPiece; i++) {
      if (!this.#access.hasPiece(i)) continue
      const start = Math.max(this.offset, i * pl)
      const end = Math.min(this.offset + this.length, (i + 1) * pl)
      bytes += end - start
    }
    return bytes
  }

  get progress(): number {
    return this.length === 0 ? 1 : this.downloaded / this.length
  }

  get done(): boolean {
    for (let i = this.#firstPiece; i <= this.#lastPiece; i++) if (!this.#access.hasPiece(i)) return false
    return true
  }

  /**
   * Every piece of the file is here or at a connected peer: the whole file can come from the peers we
   * have now (a player may then start on a short buffer; at the front of a swarm it waits for more).
   */
  get available(): boolean {
    const shown = this.#access.shown?.bind(this.#access)
    if (!shown) return this.done
    for (let i = this.#firstPiece; i <= this.#lastPiece; i++) if (!shown(i)) return false
    return true
  }

  /** Plays the file into a `<video>`/`<audio>` (MediaSource, while it downloads) or shows an image. */
  renderTo(element: HTMLMediaElement | HTMLImageElement, opts?: FileRenderOptions): Promise<void> {
    if (!this.#renderer) return Promise.reject(new SwarmstreamError('NO_RENDERER', 'This client was built without media playback.'))
    return this.#renderer.renderTo(this, element, opts)
  }

  /** Creates the right element (video, audio, img…) in `parent` and plays the file into it. */
  appendTo(parent: HTMLElement, opts?: FileRenderOptions): Promise<HTMLElement> {
    if (!this.#renderer) return Promise.reject(new SwarmstreamError('NO_RENDERER', 'This client was built without media playback.'))
    return this.#renderer.appendTo(this, parent, opts)
  }

  /**
   * Tells the torrent a player shows this file (its first frame, or again after a seek): the streams' start
   * ends, and their read-ahead and the rest of the torrent are fetched again. renderTo, appendTo,
   * `<torrent-video>` and the app call it on the element's `playing`; a player of your own may too.
   */
  playing(): void {
    this.#access.played?.()
  }

  /** Streams bytes [start, end] (inclusive, like WebTorrent) of the file as their pieces are verified. */
  stream(opts: { start?: number; end?: number } = {}): ReadableStream<Uint8Array> {
    const start = Math.max(0, opts.start ?? 0)
    const end = Math.min(this.length - 1, opts.end ?? this.length - 1)
    let position = this.offset + start
    const stop = this.offset + end + 1
    const access = this.#access
    const controller = new AbortController()
    const lastPiece = Math.floor((stop - 1) / access.pieceLength)
    let reader = 0
    // A range with pieces still missing gets its reader at once, so the pieces after those already
    // here are fetched in order ahead of it (a player's first read often starts on pieces already here).
    let missing: boolean | null = null
    const finish = () => {
      if (reader) access.closeReader(reader)
      reader = 0
    }
    return new ReadableStream<Uint8Array>(
      {
        async pull(stream) {
          if (position >= stop) {
            finish()
            return stream.close()
          }
          const index = Math.floor(position / access.pieceLength)
          try {
            missing ??= !allHad(access, index, lastPiece)
            if (!access.hasPiece(index) || reader || missing) {
              reader ||= access.openReader()
              access.moveReader(reader, index, lastPiece)
            }
            const pieceStart = index * access.pieceLength
            let chunk: Uint8Array
            if (access.readVerified && !access.hasPiece(index)) {
              const bytes = await access.readVerified(index, position - pieceStart, controller.signal)
              chunk = bytes.subarray(0, Math.min(bytes.length, stop - position))
            } else {
              await access.waitForPiece(index, controller.signal)
              const piece = await access.readPiece(index)
              chunk = piece.subarray(position - pieceStart, Math.min(stop, pieceStart + piece.length) - pieceStart)
            }
            position += chunk.length
            stream.enqueue(chunk)
            if (position >= stop) {
              finish()
              stream.close()
            }
          } catch (err) {
            finish()
            if (!(err instanceof AbortError)) stream.error(err)
          }
        },
        cancel() {
          finish()
          controller.abort()
        },
      },
      { highWaterMark: 2 },
    )
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const out = new Uint8Array(this.length)
    let offset = 0
    const reader = this.stream().getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      out.set(value, offset)
      offset += value.length
    }
    return out.buffer
  }

  async blob(): Promise<Blob> {
    const parts: Uint8Array<ArrayBuffer>[] = []
    const reader = this.stream().getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parts.push(value.slice())
    }
    return new Blob(parts, { type: mimeType(this.name) })
  }
}

function allHad(access: PieceAccess, from: number, to: number): boolean {
  for (let i = from; i <= to; i++) if (!access.hasPiece(i)) return false
  return true
}
