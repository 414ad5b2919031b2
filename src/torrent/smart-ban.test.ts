import { describe, expect, it } from 'vitest'
import { syncSha1 } from '../test-support/node-hasher.ts'
import type { BlockSource } from './peer-record.ts'
import { SmartBan, type FailedBlock } from './smart-ban.ts'

const B = 4 // bytes per block in these tests
const peer = (id: string): BlockSource => ({ kind: 'peer', id })
const honest = peer('honest')
const liar = peer('liar')
const other = peer('other')

function block(n: number, source: BlockSource, fill: number): FailedBlock {
  return { block: n, source, data: new Uint8Array(B).fill(fill) }
}

/** The verified piece: block n is all n+1. */
const good = new Uint8Array(4 * B).map((_, i) => Math.floor(i / B) + 1)

describe('SmartBan', () => {
  it('names the sources whose recorded blocks differ from the verified piece, and clears the others', async () => {
    const ban = new SmartBan(syncSha1)
    expect(await ban.recordFailure(3, [block(0, honest, 1), block(1, liar, 0xee), block(2, other, 3), block(3, honest, 4)])).toEqual([])
    expect(ban.has(3)).toBe(true)
    expect(ban.size).toBe(4)
    const verdict = await ban.piecePassed(3, good, B)
    expect(verdict.liars).toEqual([liar])
    expect(verdict.cleared.map((s) => s.id).sort()).toEqual(['honest', 'other'])
    expect(ban.has(3)).toBe(false)
    expect(ban.size).toBe(0)
  })

  it('keeps every failed attempt: a liar caught in any of them is named', async () => {
    const ban = new SmartBan(syncSha1)
    await ban.recordFailure(0, [block(0, honest, 1), block(1, liar, 0xee)])
    // Second attempt: the liar sent block 0 this time, honestly.
    await ban.recordFailure(0, [block(0, liar, 1), block(1, honest, 2)])
    const verdict = await ban.piecePassed(0, good.subarray(0, 2 * B), B)
    expect(verdict.liars).toEqual([liar])
    expect(verdict.cleared).toEqual([honest])
  })

  it('names a source that sends the same block twice with different bytes at once', async () => {
    const ban = new SmartBan(syncSha1)
    expect(await ban.recordFailure(0, [block(0, liar, 1), block(1, honest, 0xee)])).toEqual([])
    expect(await ban.recordFailure(0, [block(0, liar, 7), block(1, honest, 0xee)])).toEqual([liar])
  })

  it('passes no verdict on a piece it has no record of', async () => {
    const ban = new SmartBan(syncSha1)
    expect(await ban.piecePassed(9, good, B)).toEqual({ liars: [], cleared: [] })
  })

  it('judges only after the hashes of a failure are recorded, however slowly they come', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const slowHasher = async (data: Uint8Array) => {
      await gate
      return syncSha1(data)
    }
    const ban = new SmartBan(slowHasher)
    void ban.recordFailure(0, [block(0, liar, 0xee), block(1, honest, 2)])
    const verdict = ban.piecePassed(0, good.subarray(0, 2 * B), B)
    release()
    expect((await verdict).liars).toEqual([liar])
  })

  it('forgets the oldest failed pieces past its bound', async () => {
    const ban = new SmartBan(syncSha1, 4)
    await ban.recordFailure(1, [block(0, honest, 1), block(1, liar, 0xee)])
    await ban.recordFailure(2, [block(0, honest, 1), block(1, liar, 0xee)])
    await ban.recordFailure(3, [block(0, honest, 1), block(1, liar, 0xee)])
    expect(ban.has(1)).toBe(false)
    expect(ban.has(2) && ban.has(3)).toBe(true)
    expect(ban.size).toBe(4)
  })
})
