import { describe, expect, it } from 'vitest'
import { StorageError, type SwarmstreamError } from '../util/errors.ts'
import type { ChunkStore } from '../storage/index.ts'
import { MAX_PENDING_WRITE_BYTES, StoreWriter } from './store-writer.ts'

/** A store whose puts wait until the test settles them. */
function heldStore() {
  const pending: { index: number; resolve: () => void; reject: (e: unknown) => void }[] = []
  const store = {
    put: (index: number) => new Promise<void>((resolve, reject) => pending.push({ index, resolve, reject })),
  } as unknown as ChunkStore
  return { store, pending }
}

function setup() {
  const { store, pending } = heldStore()
  const log: string[] = []
  const errors: SwarmstreamError[] = []
  const writer = new StoreWriter({
    store,
    stored: (index) => log.push(`stored ${index}`),
    writeFailed: (index) => log.push(`failed ${index}`),
    quotaFull: (e) => errors.push(e),
    fatal: (e) => errors.push(e),
  })
  return { writer, pending, log, errors }
}

describe('StoreWriter', () => {
  it('counts a piece as stored only once its write committed, and holds its bytes as backpressure until then', async () => {
    const t = setup()
    const write = t.writer.write(4, new Uint8Array(1000))
    expect(t.writer.pendingBytes).toBe(1000)
    expect(t.log).toEqual([])
    t.pending[0]!.resolve()
    await write
    expect(t.log).toEqual(['stored 4'])
    expect(t.writer.pendingBytes).toBe(0)
  })

  it('is congested above MAX_PENDING_WRITE_BYTES of uncommitted writes', () => {
    const t = setup()
    void t.writer.write(0, new Uint8Array(MAX_PENDING_WRITE_BYTES))
    expect(t.writer.congested).toBe(false)
    void t.writer.write(1, new Uint8Array(1))
    expect(t.writer.congested).toBe(true)
  })

  it('on a full disk, gives the piece back and reports it, and keeps writing later pieces', async () => {
    const t = setup()
    const first = t.writer.write(1, new Uint8Array(10))
    t.pending[0]!.reject(new StorageError('QUOTA_EXCEEDED', 'Storage is full.'))
    await first
    expect(t.log).toEqual(['failed 1'])
    expect(t.errors.map((e) => e.code)).toEqual(['QUOTA_EXCEEDED'])
    expect(t.writer.stopped).toBe(false)
    const next = t.writer.write(2, new Uint8Array(10))
    t.pending[1]!.resolve()
    await next
    expect(t.log).toEqual(['failed 1', 'stored 2'])
  })

  it('stops for good on any other storage failure', async () => {
    const t = setup()
    const write = t.writer.write(1, new Uint8Array(10))
    t.pending[0]!.reject(new Error('database closed'))
    await write
    expect(t.errors.map((e) => e.code)).toEqual(['STORE_FAILED'])
    expect(t.writer.stopped).toBe(true)
    await t.writer.write(2, new Uint8Array(10))
    expect(t.pending).toHaveLength(1)
  })

  it('reports nothing for a write that lands after it was stopped', async () => {
    const t = setup()
    const write = t.writer.write(1, new Uint8Array(10))
    t.writer.stop()
    t.pending[0]!.resolve()
    await write
    expect(t.log).toEqual([])
  })
})
