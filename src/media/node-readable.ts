import { Readable } from 'readable-stream'

/**
 * A Node-style Readable (readable-stream) over a web ReadableStream, for the CommonJS media
 * packages. It reads one chunk per `_read` (backpressure); destroying it cancels the web stream.
 * readable-stream turns our Uint8Array chunks into the Buffers those packages expect.
 */
export function toNodeReadable(source: ReadableStream<Uint8Array>): Readable {
  const reader = source.getReader()
  let reading = false
  const readable = new Readable({ highWaterMark: 64 * 1024 })
  readable._read = () => {
    if (reading) return
    reading = true
    reader.read().then(
      ({ done, value }) => {
        reading = false
        if (readable.destroyed) return
        if (done) readable.push(null)
        else if (value.length === 0) readable._read(0)
        else readable.push(value)
      },
      (err: unknown) => {
        reading = false
        if (!readable.destroyed) readable.destroy(err instanceof Error ? err : new Error(String(err)))
      },
    )
  }
  readable._destroy = (err, callback) => {
    reader.cancel(err ?? undefined).then(
      () => callback(err),
      () => callback(err),
    )
  }
  return readable
}
