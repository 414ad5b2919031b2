import { describe, expect, it } from 'vitest'
import { AbortError, SwarmstreamError } from '../util/errors.ts'
import { isTorrentGone } from './errors.ts'

describe('isTorrentGone', () => {
  it('tells the torrent being removed (or a read aborted) from real read failures', () => {
    expect(isTorrentGone(new SwarmstreamError('TORRENT_DESTROYED', 'x'))).toBe(true)
    expect(isTorrentGone(new AbortError())).toBe(true)
    expect(isTorrentGone(new SwarmstreamError('PIECE_MISSING', 'x'))).toBe(false)
    expect(isTorrentGone(new Error('TORRENT_DESTROYED'))).toBe(false)
  })
})
