import { Readable } from 'readable-stream'
import { isTorrentGone } from './errors.ts'

export { isTorrentGone }

/**
 * A Node-style Readable (readable-stream) over a web ReadableStream, for the CommonJS media
 * packages. It reads one chunk per `_read` (backpressure); destroying it cancels the web stream.
 * readable-stream turns our Uint8Array chunks into the Buffers those packages expect.
 *
 * Those packages pipe it without listening for `error`, and an `error` nobody listens for is thrown.
 * So when the web stream fails, the Readable is destroyed quietly; the error goes to its listeners
 * if it has any, else to `onError` — unless the torrent was removed, which only ends playback.
 */
export function toNodeReadable(source: ReadableStream<Uint8Array>, onError?: (err: Error) => void): Readable {
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
        if (readable.destroyed) return
        const error = err instanceof Error ? err : new Error(String(err))
        if (isTorrentGone(error)) readable.destroy()
        else if (readable.listenerCount('error') > 0) readable.destroy(error)
        else {
          readable.destroy()
          onError?.(error)
        }
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
