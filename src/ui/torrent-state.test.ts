import { describe, expect, it } from 'vitest'
import type { UiTorrent } from './ports.ts'
import { SwarmstreamError } from '../util/errors.ts'
import { displayName, STORAGE_FULL_STATUS, statusText, torrentState } from './torrent-state.ts'

function fake(overrides: Partial<UiTorrent>): UiTorrent {
  const base = {
    infoHash: '',
    magnetURI: '',
    torrentFile: null,
    name: '',
    length: 0,
    files: [],
    progress: 0,
    downloadSpeed: 0,
    uploadSpeed: 0,
    numPeers: 0,
    ready: false,
    done: false,
    hashingProgress: 0,
    error: null,
    on: () => undefined,
    off: () => undefined,
  }
  return { ...base, ...overrides } as UiTorrent
}
const HASH = 'ab'.repeat(20)
const file = { name: 'a', path: 'a', length: 1, progress: 0, done: false, selected: true, select() {}, deselect() {}, blob: () => Promise.resolve(new Blob()) }

describe('torrentState', () => {
  it('shows a seed as hashing until its magnet link appears', () => {
    const t = fake({ hashingProgress: 0.42 })
    expect(torrentState(t, true)).toBe('hashing')
    expect(statusText(t, 'hashing')).toBe('Hashing… 42%')
    expect(torrentState(fake({ infoHash: HASH, magnetURI: 'magnet:?xt=urn:btih:' + HASH, ready: true, done: true, files: [file] }), true)).toBe('seeding')
  })

  it('waits for metadata, then downloads, then seeds', () => {
    expect(torrentState(fake({ infoHash: HASH, magnetURI: 'm' }), false)).toBe('metadata')
    expect(torrentState(fake({ infoHash: HASH, ready: true, files: [file], progress: 0.5 }), false)).toBe('downloading')
    expect(torrentState(fake({ infoHash: HASH, ready: true, files: [file], done: true, progress: 1 }), false)).toBe('seeding')
  })

  it('reports an error above everything else', () => {
    const t = fake({ ready: true, done: true, files: [file], error: new SwarmstreamError('X', 'disk full.') })
    expect(torrentState(t, false)).toBe('error')
    expect(statusText(t, 'error')).toBe('Failed: disk full.')
  })
})

describe('displayName', () => {
  it('prefers the name, then a short info hash, then a placeholder', () => {
    expect(displayName(fake({ name: 'x.iso', infoHash: HASH }), false)).toBe('x.iso')
    expect(displayName(fake({ infoHash: HASH }), false)).toBe(`${HASH.slice(0, 16)}…`)
    expect(displayName(fake({}), true)).toBe('New torrent')
    expect(displayName(fake({}), false)).toBe('Looking up torrent…')
  })
})

describe('statusText when paused', () => {
  it('says paused, with the progress while downloading', () => {
    const t = fake({ infoHash: HASH, ready: true, files: [file], progress: 0.425, paused: true })
    expect(statusText(t, 'downloading')).toBe('Paused at 42%')
    expect(statusText(fake({ paused: true, ready: true, done: true, files: [file] }), 'seeding')).toBe('Paused')
    expect(statusText(fake({ paused: false, ready: true, files: [file], progress: 0.5 }), 'downloading')).toBe('Downloading 50%')
  })
})

describe('statusText when storage is full', () => {
  it('says why it is paused and what to do, until it is resumed', () => {
    const t = fake({ infoHash: HASH, ready: true, files: [file], progress: 0.3, paused: true, storageFull: true })
    expect(statusText(t, 'downloading')).toBe(STORAGE_FULL_STATUS)
    expect(STORAGE_FULL_STATUS).toMatch(/storage is full.*free space.*Resume/)
    expect(statusText(fake({ ...t, paused: false, storageFull: false }), 'downloading')).toBe('Downloading 30%')
    const failed = fake({ paused: true, storageFull: true, error: new SwarmstreamError('X', 'broken.') })
    expect(statusText(failed, 'error')).toBe('Failed: broken.')
  })
})
