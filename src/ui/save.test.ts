import { describe, expect, it } from 'vitest'
import { safeFileName, torrentBlob, torrentFileName } from './save.ts'

describe('safeFileName', () => {
  it('removes folder separators and control characters', () => {
    expect(safeFileName('../etc/passwd')).toBe('.._etc_passwd')
    expect(safeFileName('a\\b\u0000c')).toBe('a_b_c')
    expect(safeFileName('<img src=x onerror=alert(1)>.txt')).toBe('<img src=x onerror=alert(1)>.txt')
  })

  it('falls back when nothing usable is left', () => {
    expect(safeFileName('   ')).toBe('download')
    expect(safeFileName('..', 'x')).toBe('x')
  })
})

describe('torrentFileName', () => {
  it('appends .torrent', () => {
    expect(torrentFileName('My Movie')).toBe('My Movie.torrent')
    expect(torrentFileName('')).toBe('download.torrent')
  })
})

describe('torrentBlob', () => {
  it('copies the bytes into a typed Blob', async () => {
    const bytes = new Uint8Array([100, 101, 101])
    const blob = torrentBlob(bytes)
    bytes[0] = 0
    expect(blob.type).toBe('application/x-bittorrent')
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(new Uint8Array([100, 101, 101]))
  })
})
