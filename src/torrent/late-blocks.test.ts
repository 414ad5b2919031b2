import { describe, expect, it } from 'vitest'
import { LATE_BLOCK_GRACE_MS, LateBlocks } from './late-blocks.ts'

describe('LateBlocks', () => {
  it('accepts one late copy per cancel, within the grace period', () => {
    const late = new LateBlocks<object>()
    const peer = {}
    late.expect(peer, 7, 0)
    late.expect(peer, 7, 10)
    expect(late.take(peer, 7, 20)).toBe(true)
    expect(late.take(peer, 7, 30)).toBe(true)
    expect(late.take(peer, 7, 40)).toBe(false)
  })

  it('forgets cancels older than the grace period', () => {
    const late = new LateBlocks<object>()
    const peer = {}
    late.expect(peer, 1, 0)
    expect(late.take(peer, 1, LATE_BLOCK_GRACE_MS + 1)).toBe(false)
    late.expect(peer, 2, 0)
    late.prune(peer, LATE_BLOCK_GRACE_MS + 1)
    expect(late.take(peer, 2, 0)).toBe(false)
  })
})
