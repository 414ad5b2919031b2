import { describe, expect, it } from 'vitest'
import { LATE_BLOCK_GRACE_MS, LateBlocks } from './late-blocks.ts'

describe('LateBlocks', () => {
  it('accepts one late copy per cancel, within the grace period', () => {
    const late = new LateBlocks()
    late.expect(7, 0)
    late.expect(7, 10)
    expect(late.take(7, 20)).toBe(true)
    expect(late.take(7, 30)).toBe(true)
    expect(late.take(7, 40)).toBe(false)
  })

  it('forgets cancels older than the grace period', () => {
    const late = new LateBlocks()
    late.expect(1, 0)
    expect(late.take(1, LATE_BLOCK_GRACE_MS + 1)).toBe(false)
    late.expect(2, 0)
    late.prune(LATE_BLOCK_GRACE_MS + 1)
    expect(late.size).toBe(0)
    expect(late.take(2, 0)).toBe(false)
  })
})
