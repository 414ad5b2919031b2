import { describe, expect, it } from 'vitest'
import { toNodeReadable } from './node-readable.ts'

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

const tick = () => new Promise((r) => setTimeout(r, 10))

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

  it('stops pulling while nobody reads (backpressure)', async () => {
    const { stream, state } = countingSource(10_000, 16 * 1024)
    const readable = toNodeReadable(stream)
    readable.on('readable', () => undefined) // start buffering, never read
    for (let i = 0; i < 20; i++) await tick()
    expect(state.pulls).toBeGreaterThan(0)
    expect(state.pulls).toBeLessThan(12) // ~64 KiB high-water mark, not the whole source
    readable.destroy()
  })

  it('cancels the web stream when destroyed', async () => {
    const { stream, state } = countingSource(10_000)
    const readable = toNodeReadable(stream)
    readable.on('data', () => readable.destroy())
    await new Promise<void>((resolve) => readable.on('close', () => resolve()))
    await tick()
    expect(state.cancelled).toBeTruthy()
  })

  it('turns an error of the web stream into an error event', async () => {
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('piece lost'))
      },
    })
    const err = await new Promise<Error>((resolve) => {
      const readable = toNodeReadable(stream)
      readable.on('error', resolve)
      readable.on('data', () => undefined)
    })
    expect(err.message).toBe('piece lost')
  })
})
