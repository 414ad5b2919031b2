import { describe, expect, it } from 'vitest'
import { START_BUFFER_SECONDS, StartGate } from './start-gate.ts'

const state = (ahead: number, more: { toEnd?: boolean; available?: boolean } = {}) => ({ ahead, toEnd: false, available: false, ...more })

describe('StartGate', () => {
  it('at the front of a swarm (some piece at no connected peer) waits for START_BUFFER_SECONDS', () => {
    const gate = new StartGate()
    expect(gate.update(state(0.1))).toBe(false)
    expect(gate.update(state(START_BUFFER_SECONDS - 0.01))).toBe(false)
    expect(gate.update(state(START_BUFFER_SECONDS))).toBe(true)
  })

  it('starts at once while the whole file is within reach of connected peers', () => {
    expect(new StartGate().update(state(0, { available: true }))).toBe(true)
  })

  it('starts on a short buffer that reaches the end of the media', () => {
    expect(new StartGate().update(state(0.5, { toEnd: true }))).toBe(true)
  })

  it('stays open once open (a buffer that drains later is a stall, not a new start)', () => {
    const gate = new StartGate()
    gate.update(state(3))
    expect(gate.update(state(0))).toBe(true)
    expect(gate.open).toBe(true)
  })
})
