import { describe, expect, it } from 'vitest'
import { formatBytes, parseAnnounce, progressChanged, rtcConfigFor } from './options.ts'

describe('parseAnnounce', () => {
  it('splits on spaces, commas and newlines, dropping duplicates', () => {
    expect(parseAnnounce('ws://a:1 wss://b.example,ws://a:1\n  wss://c')).toEqual({
      trackers: ['ws://a:1', 'wss://b.example', 'wss://c'],
      invalid: [],
    })
  })
  it('reports what is not a WebSocket tracker', () => {
    expect(parseAnnounce('http://x/announce, udp://y:80 ws://ok')).toEqual({ trackers: ['ws://ok'], invalid: ['http://x/announce', 'udp://y:80'] })
  })
  it('treats a missing attribute as no trackers', () => {
    expect(parseAnnounce(null)).toEqual({ trackers: [], invalid: [] })
    expect(parseAnnounce('  ')).toEqual({ trackers: [], invalid: [] })
  })
})

describe('rtcConfigFor', () => {
  it('maps ice="none" to no ICE servers', () => {
    expect(rtcConfigFor('none')).toEqual({ iceServers: [] })
    expect(rtcConfigFor(' NONE ')).toEqual({ iceServers: [] })
  })
  it('keeps the default for anything else', () => {
    expect(rtcConfigFor(null)).toBeUndefined()
    expect(rtcConfigFor('stun')).toBeUndefined()
  })
})

describe('progressChanged', () => {
  const base = { progress: 0.5, downloadSpeed: 100_000, numPeers: 1 }
  it('always sends the first one', () => {
    expect(progressChanged(null, base)).toBe(true)
  })
  it('ignores changes nobody can see', () => {
    expect(progressChanged(base, { ...base, progress: 0.50001, downloadSpeed: 100_200 })).toBe(false)
  })
  it('sends peer, progress and speed changes', () => {
    expect(progressChanged(base, { ...base, numPeers: 0 })).toBe(true)
    expect(progressChanged(base, { ...base, progress: 0.502 })).toBe(true)
    expect(progressChanged(base, { ...base, downloadSpeed: 0 })).toBe(true)
  })
})

describe('formatBytes', () => {
  it('uses decimal units', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(999)).toBe('999 B')
    expect(formatBytes(1234)).toBe('1.2 kB')
    expect(formatBytes(45_600_000)).toBe('46 MB')
  })
})
