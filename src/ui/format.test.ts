import { describe, expect, it } from 'vitest'
import { clampFraction, formatBytes, formatPeers, formatPercent, formatSpeed } from './format.ts'

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [1234, '1.2 kB'],
    [12_345, '12 kB'],
    [999_499, '999 kB'],
    [999_600, '1.0 MB'],
    [123_456_789, '123 MB'],
    [5 * 1e12, '5.0 TB'],
  ])('%d bytes → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })

  it('treats negative and non-finite numbers as zero', () => {
    expect(formatBytes(-5)).toBe('0 B')
    expect(formatBytes(Number.NaN)).toBe('0 B')
    expect(formatBytes(Number.POSITIVE_INFINITY)).toBe('0 B')
  })
})

describe('formatSpeed', () => {
  it('appends /s', () => {
    expect(formatSpeed(2_500_000)).toBe('2.5 MB/s')
    expect(formatSpeed(0)).toBe('0 B/s')
  })
})

describe('formatPercent', () => {
  it('rounds down so an unfinished torrent never shows 100%', () => {
    expect(formatPercent(0)).toBe('0%')
    expect(formatPercent(0.426)).toBe('42%')
    expect(formatPercent(0.9999)).toBe('99%')
    expect(formatPercent(1)).toBe('100%')
  })

  it('clamps out-of-range values', () => {
    expect(formatPercent(1.7)).toBe('100%')
    expect(formatPercent(-1)).toBe('0%')
    expect(formatPercent(Number.NaN)).toBe('0%')
  })
})

describe('formatPeers', () => {
  it('uses singular for one peer', () => {
    expect(formatPeers(0)).toBe('0 peers')
    expect(formatPeers(1)).toBe('1 peer')
    expect(formatPeers(7)).toBe('7 peers')
  })
})

describe('clampFraction', () => {
  it('keeps values inside 0..1', () => {
    expect(clampFraction(0.5)).toBe(0.5)
    expect(clampFraction(2)).toBe(1)
    expect(clampFraction(-0.1)).toBe(0)
  })
})

describe('formatDuration', () => {
  it('reads like a clock without jumping width', async () => {
    const { formatDuration } = await import('./format.ts')
    expect(formatDuration(42_000)).toBe('42 s')
    expect(formatDuration(185_000)).toBe('3 min 05 s')
    expect(formatDuration(3_720_000)).toBe('1 h 02 min')
    expect(formatDuration(Infinity)).toBe('—')
  })
})
