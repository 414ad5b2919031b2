import { describe, expect, it } from 'vitest'
import { isTrackerUrl, parseTrackerList, PUBLIC_TRACKERS, resolveConfig } from './config.ts'

const META = 'ws://127.0.0.1:8123'

describe('resolveConfig', () => {
  it('defaults to the meta tracker plus the public trackers, with default ICE', () => {
    const config = resolveConfig({ search: '', metaTracker: META, saved: null })
    expect(config.announce).toEqual([META, ...PUBLIC_TRACKERS])
    expect(config.defaults).toEqual(config.announce)
    expect(config.trackerSource).toBe('default')
    expect(config.rtcConfig).toBeUndefined()
    expect(config.problems).toEqual([])
  })

  it('skips a missing or malformed meta tracker', () => {
    expect(resolveConfig({ search: '', metaTracker: null, saved: null }).announce).toEqual([...PUBLIC_TRACKERS])
    expect(resolveConfig({ search: '', metaTracker: 'not a url', saved: null }).announce).toEqual([...PUBLIC_TRACKERS])
  })

  it('lets repeated ?announce= replace the list for this load', () => {
    const search = `?announce=${encodeURIComponent('ws://127.0.0.1:9000')}&announce=${encodeURIComponent('wss://t.example/a')}`
    const config = resolveConfig({ search, metaTracker: META, saved: JSON.stringify(['wss://saved.example']) })
    expect(config.announce).toEqual(['ws://127.0.0.1:9000', 'wss://t.example/a'])
    expect(config.trackerSource).toBe('url')
  })

  it('reports ?announce= values that are not WebSocket URLs', () => {
    const config = resolveConfig({ search: '?announce=http://x.example/announce&announce=ws://ok.example', metaTracker: null, saved: null })
    expect(config.announce).toEqual(['ws://ok.example'])
    expect(config.problems).toHaveLength(1)
    expect(config.problems[0]).toContain('http://x.example/announce')
  })

  it('uses a saved list when there are no URL trackers', () => {
    const config = resolveConfig({ search: '', metaTracker: META, saved: JSON.stringify(['wss://saved.example']) })
    expect(config.announce).toEqual(['wss://saved.example'])
    expect(config.trackerSource).toBe('saved')
  })

  it('keeps an empty saved list (the user removed every tracker)', () => {
    const config = resolveConfig({ search: '', metaTracker: META, saved: '[]' })
    expect(config.announce).toEqual([])
    expect(config.trackerSource).toBe('saved')
  })

  it('falls back to the defaults and says so when the saved list is corrupt', () => {
    for (const saved of ['{oops', '"wss://a"', JSON.stringify(['ftp://x'])]) {
      const config = resolveConfig({ search: '', metaTracker: null, saved })
      expect(config.announce).toEqual([...PUBLIC_TRACKERS])
      expect(config.problems[0]).toMatch(/could not be read/)
    }
  })

  it('turns ?ice=none into an empty ICE server list', () => {
    expect(resolveConfig({ search: '?ice=none', metaTracker: null, saved: null }).rtcConfig).toEqual({ iceServers: [] })
    const other = resolveConfig({ search: '?ice=all', metaTracker: null, saved: null })
    expect(other.rtcConfig).toBeUndefined()
    expect(other.problems[0]).toContain('?ice=all')
  })
})

describe('resolveConfig ?storage=', () => {
  it('picks the piece store for this load, and reports an unknown one', () => {
    expect(resolveConfig({ search: '?storage=indexeddb', metaTracker: null, saved: null }).storage).toBe('indexeddb')
    expect(resolveConfig({ search: '?storage=opfs', metaTracker: null, saved: null }).storage).toBe('opfs')
    expect(resolveConfig({ search: '', metaTracker: null, saved: null }).storage).toBeUndefined()
    const bad = resolveConfig({ search: '?storage=disk', metaTracker: null, saved: null })
    expect(bad.storage).toBeUndefined()
    expect(bad.problems).toEqual([expect.stringMatching(/Unknown \?storage=disk/)])
  })
})

describe('parseTrackerList', () => {
  it('reads one URL per line, trims, drops blanks and duplicates, and collects bad lines', () => {
    const text = ' wss://a.example \n\nws://b.example:8000/announce\r\nwss://a.example\nhttp://c.example\nnonsense\n'
    expect(parseTrackerList(text)).toEqual({
      trackers: ['wss://a.example', 'ws://b.example:8000/announce'],
      invalid: ['http://c.example', 'nonsense'],
    })
  })
})

describe('isTrackerUrl', () => {
  it('accepts only ws:// and wss:// URLs with a host', () => {
    expect(isTrackerUrl('wss://tracker.webtorrent.dev')).toBe(true)
    expect(isTrackerUrl('ws://127.0.0.1:1234')).toBe(true)
    expect(isTrackerUrl('udp://tracker.example:80')).toBe(false)
    expect(isTrackerUrl('ws://')).toBe(false)
    expect(isTrackerUrl('')).toBe(false)
  })
})
