import { StorageError } from '../util/errors.ts'

/** A file being seeded straight from the user's disk, at its byte offset in the torrent. */
export interface BlobSpan {
  blob: Blob
  offset: number
}

/** Reads torrent byte ranges from the dropped Files, so seeding starts before anything is copied. */
export class BlobSource {
  #spans: BlobSpan[]

  constructor(spans: BlobSpan[]) {
    this.#spans = spans.filter((s) => s.blob.size > 0)
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = offset + length
    const whole = this.#spans.find((s) => s.offset <= offset && s.offset + s.blob.size >= end)
    // The common case, a range inside one file: its bytes as they come, no copy.
    if (whole) return this.#readSpan(whole, offset, end)
    const out = new Uint8Array(length)
    const reads: Promise<void>[] = []
    for (const span of this.#spans) {
      const spanEnd = span.offset + span.blob.size
      if (spanEnd <= offset || span.offset >= end) continue
      const from = Math.max(offset, span.offset)
      const to = Math.min(end, spanEnd)
      reads.push(
        span.blob
          .slice(from - span.offset, to - span.offset)
          .arrayBuffer()
          .then((buf) => out.set(new Uint8Array(buf), from - offset)),
      )
    }
    try {
      await Promise.all(reads)
    } catch (err) {
      throw unreadable(err)
    }
    return out
  }

  async #readSpan(span: BlobSpan, offset: number, end: number): Promise<Uint8Array> {
    try {
      return new Uint8Array(await span.blob.slice(offset - span.offset, end - span.offset).arrayBuffer())
    } catch (err) {
      throw unreadable(err)
    }
  }
}

function unreadable(err: unknown): StorageError {
  return new StorageError('SOURCE_UNREADABLE', `A seeded file can no longer be read (was it moved or changed?): ${(err as Error).message}`, { cause: err })
}
