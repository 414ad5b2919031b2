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

  it('counts as owed the copies of cancelled requests sent after the last answered one; a settled copy that still comes is late, not unasked', () => {
    const late = new LateBlocks()
    late.expect(1, 100, 10)
    late.expect(2, 100, 20)
    late.expect(3, 100, 30)
    expect(late.owed).toBe(3)
    late.answeredUpTo(25)
    expect(late.owed).toBe(1)
    expect(late.take(1, 200)).toBe(true)
    // Cancelled again: both its copies count (the two cannot be told apart).
    late.expect(2, 300, 40)
    expect(late.owed).toBe(3)
    expect(late.take(2, 300) && late.take(2, 300)).toBe(true)
    expect(late.owed).toBe(1)
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
