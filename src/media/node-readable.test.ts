import { describe, expect, it } from 'vitest'
import { AbortError, SwarmstreamError } from '../util/errors.ts'
import { isTorrentGone, toNodeReadable } from './node-readable.ts'

function countingSource(chunks: number, size = 1024) {
  const state = { pulls: 0, cancelled: false as unknown }
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (state.pulls >= chunks) return controller.close()
        controller.enqueue(new Uint8Array(size).fill(state.pulls++ & 0xff))
      },
      cancel(reason) {
        state.cancelled = reason ?? true
      },
    },
    { highWaterMark: 0 },
  )
  return { stream, state }
}

/** A source whose first read fails with `error`. */
function failingSource(error: Error): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({ pull: (controller) => controller.error(error) })
}

/** One turn of the event loop: every promise job and nextTick queued before it has run. */
const turn = () => new Promise((resolve) => setImmediate(resolve))

function closed(readable: ReturnType<typeof toNodeReadable>): Promise<void> {
  return new Promise((resolve) => readable.once('close', () => resolve()))
}

describe('toNodeReadable', () => {
  it('delivers every chunk in order and ends', async () => {
    const { stream } = countingSource(5, 3)
    const got: number[] = []
    await new Promise<void>((resolve, reject) => {
      const readable = toNodeReadable(stream)
      readable.on('data', (chunk: Uint8Array) => got.push(...chunk))
      readable.on('end', () => resolve())
      readable.on('error', reject)
    })
    expect(got).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4])
  })

  it('stops pulling once its buffer is full while nobody reads (backpressure)', async () => {
    const size = 16 * 1024
    const { stream, state } = countingSource(10_000, size)
    const readable = toNodeReadable(stream)
    readable.on('readable', () => undefined) // start buffering, never read
    while (readable.readableLength < readable.readableHighWaterMark) await turn()
    const pullsWhenFull = state.pulls
    for (let i = 0; i < 20; i++) await turn()
    expect(state.pulls, 'no pull after the buffer filled up').toBe(pullsWhenFull)
    expect(pullsWhenFull).toBeLessThanOrEqual(readable.readableHighWaterMark / size + 1) // ~64 KiB, not the whole source
    readable.destroy()
  })

  it('cancels the web stream when destroyed', async () => {
    const { stream, state } = countingSource(10_000)
    const readable = toNodeReadable(stream)
    readable.on('data', () => readable.destroy())
    await closed(readable)
    expect(state.cancelled).toBeTruthy()
  })

  it('turns an error of the web stream into an error event when someone listens', async () => {
    const onError: Error[] = []
    const err = await new Promise<Error>((resolve) => {
      const readable = toNodeReadable(failingSource(new Error('piece lost')), (e) => onError.push(e))
      readable.on('error', resolve)
      readable.on('data', () => undefined)
    })
    expect(err.message).toBe('piece lost')
    expect(onError, 'a listener handled it').toEqual([])
  })

  it('with no error listener (how the media packages pipe it), hands the error to onError instead of throwing', async () => {
    const onError: Error[] = []
    const readable = toNodeReadable(failingSource(new Error('piece lost')), (e) => onError.push(e))
    readable.on('data', () => undefined)
    await closed(readable)
    await turn()
    expect(onError.map((e) => e.message)).toEqual(['piece lost'])
  })

  for (const [label, error] of [
    ['the torrent was removed', new SwarmstreamError('TORRENT_DESTROYED', 'The torrent was removed')],
    ['the read was aborted', new AbortError()],
  ] as const) {
    it(`${label}: closes quietly, with or without an error listener`, async () => {
      const onError: Error[] = []
      const errors: Error[] = []
      let ended = false
      const quiet = toNodeReadable(failingSource(error), (e) => onError.push(e))
      quiet.on('data', () => undefined)
      quiet.on('end', () => (ended = true))
      const listened = toNodeReadable(failingSource(error), (e) => onError.push(e))
      listened.on('error', (e) => errors.push(e))
      listened.on('data', () => undefined)
      await Promise.all([closed(quiet), closed(listened)])
      await turn()
      expect(errors).toEqual([])
      expect(onError).toEqual([])
      expect(quiet.destroyed).toBe(true)
      expect(ended, 'it stops rather than ends: the file was not read to its end').toBe(false)
    })
  }

  it('isTorrentGone tells the torrent being removed from real failures', () => {
    expect(isTorrentGone(new SwarmstreamError('TORRENT_DESTROYED', 'x'))).toBe(true)
    expect(isTorrentGone(new AbortError())).toBe(true)
    expect(isTorrentGone(new SwarmstreamError('PIECE_MISSING', 'x'))).toBe(false)
    expect(isTorrentGone(new Error('TORRENT_DESTROYED'))).toBe(false)
  })
})
