import { describe, expect, it } from 'vitest'
import { guardAnnounceReplies, withoutRefusedPeer } from './tracker-client.ts'

/** A peer id as bittorrent-tracker carries it: a binary string, one char per byte. */
const binaryId = (byte: number) => String.fromCharCode(...new Uint8Array(20).fill(byte))
const hexId = (byte: number) => byte.toString(16).padStart(2, '0').repeat(20)

function fakeTracker() {
  const seen: unknown[] = []
  const tracker: { announceUrl: string; _onAnnounceResponse?: (data: unknown) => void } = {
    announceUrl: 'ws://127.0.0.1:1',
    _onAnnounceResponse: (data) => {
      if ((data as { boom?: boolean }).boom) throw new TypeError('cannot read properties of undefined')
      seen.push(data)
    },
  }
  return { tracker, seen }
}

describe('tracker reply guard', () => {
  it('hands bittorrent-tracker no offer or answer from a refused peer id, and everything else', () => {
    const { tracker, seen } = fakeTracker()
    const warnings: Error[] = []
    guardAnnounceReplies({ _trackers: [tracker] }, { warn: (e) => warnings.push(e), refuse: (hex) => hex === hexId(0xb7) })
    tracker._onAnnounceResponse!({ info_hash: 'h', peer_id: binaryId(0xb7), answer: { type: 'answer' }, offer_id: 'o' })
    tracker._onAnnounceResponse!({ info_hash: 'h', peer_id: binaryId(0xb7), offer: { type: 'offer' }, offer_id: 'p' })
    tracker._onAnnounceResponse!({ info_hash: 'h', peer_id: binaryId(0x08), offer: { type: 'offer' }, offer_id: 'q' })
    tracker._onAnnounceResponse!({ info_hash: 'h', complete: 1, incomplete: 2 })
    expect(seen.map((d) => Object.keys(d as object).filter((k) => k === 'offer' || k === 'answer'))).toEqual([[], [], ['offer'], []])
    expect(warnings).toEqual([])
  })

  it('drops a reply without an info hash, or one bittorrent-tracker throws on, with a warning', () => {
    const { tracker, seen } = fakeTracker()
    const warnings: Error[] = []
    guardAnnounceReplies({ _trackers: [tracker] }, { warn: (e) => warnings.push(e) })
    tracker._onAnnounceResponse!({ complete: 1 })
    tracker._onAnnounceResponse!('nonsense')
    tracker._onAnnounceResponse!({ info_hash: 'h', boom: true })
    expect(seen).toEqual([])
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('without an info hash'),
      expect.stringContaining('without an info hash'),
      expect.stringContaining('malformed message'),
    ])
  })

  it('reads peer ids with any byte value', () => {
    const data = { info_hash: 'h', peer_id: '\u0000\u00ff\u007f' + 'x'.repeat(17), offer: {} }
    const refused = (hex: string) => hex === '00ff7f' + '78'.repeat(17)
    expect(withoutRefusedPeer(data, refused)).not.toHaveProperty('offer')
    expect(withoutRefusedPeer({ ...data, peer_id: 'y'.repeat(20) }, refused)).toHaveProperty('offer')
  })
})
