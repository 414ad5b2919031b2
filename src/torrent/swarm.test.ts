import { describe, expect, it } from 'vitest'
import { toHex } from '../util/bytes.ts'
import { ProtocolError, type SwarmstreamError } from '../util/errors.ts'
import { PeerStats } from '../peer/peer-stats.ts'
import { Attacker } from '../test-support/attacker.ts'
import type { MemoryChannel } from '../test-support/memory-channel.ts'
import { VirtualClock } from '../test-support/virtual-clock.ts'
import type { WireMessage } from '../wire/index.ts'
import type { PeerRecord } from './peer-record.ts'
import { PROTOCOL_ERROR_BACKOFF_MS, SILENT_PEER_BACKOFF_MS } from './refusals.ts'
import { MAX_PEERS_PER_TORRENT, Swarm, peerInfo } from './swarm.ts'

const INFO_HASH = new Uint8Array(20).fill(0x11)
const OUR_ID = new Uint8Array(20).fill(0x22)
const peerId = (n: number) => new Uint8Array(20).fill(n)

function setup() {
  const clock = new VirtualClock()
  const stats = new PeerStats()
  const joined: string[] = []
  const left: { id: string; error: SwarmstreamError | null }[] = []
  const dispatched: [string, WireMessage['type']][] = []
  const swarm = new Swarm({
    infoHash: INFO_HASH,
    peerId: OUR_ID,
    clock,
    stats,
    metadataSize: () => undefined,
    dispatch: (peer, m) => dispatched.push([peer.id, m.type]),
    joined: (peer) => joined.push(peer.id),
    left: (peer, _reason, error) => left.push({ id: peer.id, error }),
    extendedHandshake: () => undefined,
    drain: () => undefined,
  })
  const connect = (n: number, opts: { playing?: boolean } = {}) =>
    new Attacker({ infoHash: toHex(INFO_HASH), peerId: peerId(n), channel: { clock, latencyMs: 5 }, ...opts }, { addPeer: (ch: MemoryChannel) => void swarm.add(ch) })
  return { clock, stats, swarm, joined, left, dispatched, connect }
}

const id = (n: number) => toHex(peerId(n))

describe('Swarm', () => {
  it('admits a peer after its handshake and hands it its messages', async () => {
    const t = setup()
    const a = t.connect(1)
    a.send({ type: 'interested' })
    await t.clock.advance(20)
    expect(t.joined).toEqual([id(1)])
    expect(t.swarm.peers.map((p) => p.id)).toEqual([id(1)])
    expect(t.dispatched).toEqual([[id(1), 'interested']])
  })

  it('refuses ourselves and a second connection from the same peer id', async () => {
    const t = setup()
    const self = new Attacker({ infoHash: toHex(INFO_HASH), peerId: OUR_ID, channel: { clock: t.clock } }, { addPeer: (ch: MemoryChannel) => void t.swarm.add(ch) })
    t.connect(1)
    const twin = t.connect(1)
    await t.clock.advance(20)
    expect(self.closed && twin.closed).toBe(true)
    expect(t.joined).toEqual([id(1)])
  })

  it(`holds at most ${MAX_PEERS_PER_TORRENT} peers`, async () => {
    const t = setup()
    const peers = Array.from({ length: MAX_PEERS_PER_TORRENT + 1 }, (_, i) => t.connect(100 + i))
    await t.clock.advance(20)
    expect(t.swarm.peers).toHaveLength(MAX_PEERS_PER_TORRENT)
    expect(peers.at(-1)!.closed).toBe(true)
  })

  it("bans a peer id for the torrent's lifetime, closing its session", async () => {
    const t = setup()
    const liar = t.connect(7)
    await t.clock.advance(20)
    t.swarm.ban(id(7), new ProtocolError('BAD_PIECE_DATA', 'lied'))
    await t.clock.advance(20)
    expect(liar.closed).toBe(true)
    expect(t.left).toEqual([{ id: id(7), error: expect.objectContaining({ code: 'BAD_PIECE_DATA' }) }])
    expect(t.stats.snapshot()).toMatchObject({ banned: 1, bannedPeers: [id(7)], dropped: 1, protocolErrors: { BAD_PIECE_DATA: 1 } })
    await t.clock.advance(10 * PROTOCOL_ERROR_BACKOFF_MS)
    expect(t.swarm.isRefused(id(7))).toBe(true)
    const again = t.connect(7)
    await t.clock.advance(20)
    expect(again.closed).toBe(true)
    expect(t.joined).toEqual([id(7)])
  })

  it('refuses a peer dropped for a protocol error until the back-off ends', async () => {
    const t = setup()
    const rude = t.connect(3)
    await t.clock.advance(20)
    t.swarm.drop(t.swarm.peers[0]!, new ProtocolError('REQUEST_FLOOD', 'flood'))
    await t.clock.advance(20)
    expect(rude.closed).toBe(true)
    expect(t.swarm.isRefused(id(3))).toBe(true)
    expect(t.swarm.isBanned(id(3))).toBe(false)
    await t.clock.advance(PROTOCOL_ERROR_BACKOFF_MS)
    expect(t.swarm.isRefused(id(3))).toBe(false)
    t.connect(3)
    await t.clock.advance(20)
    expect(t.joined).toEqual([id(3), id(3)])
  })

  it('refuses a silent peer only briefly, and a peer that left on its own not at all', async () => {
    const t = setup()
    t.connect(4)
    const polite = t.connect(5)
    await t.clock.advance(20)
    const [silent] = t.swarm.peers
    silent!.session.close('silent peer', new ProtocolError('PEER_SILENT', 'stalled'))
    polite.disconnect()
    await t.clock.advance(20)
    expect(t.swarm.isRefused(id(4))).toBe(true)
    expect(t.swarm.isRefused(id(5))).toBe(false)
    await t.clock.advance(SILENT_PEER_BACKOFF_MS)
    expect(t.swarm.isRefused(id(4))).toBe(false)
    expect(t.left.map((l) => [l.id, l.error?.code ?? null])).toEqual([
      [id(4), 'PEER_SILENT'],
      [id(5), null],
    ])
  })

  it('closes every session when destroyed', async () => {
    const t = setup()
    const peers = [t.connect(1), t.connect(2)]
    await t.clock.advance(20)
    t.swarm.destroy()
    await t.clock.advance(20)
    expect(peers.every((p) => p.closed)).toBe(true)
    expect(t.swarm.peers).toEqual([])
    expect(t.swarm.add(t.connect(9).channel.remote!)).toBeNull()
  })

  it('gives each admitted peer one record with a slot per concern', async () => {
    const t = setup()
    t.connect(1)
    await t.clock.advance(20)
    const [peer] = t.swarm.peers as PeerRecord[]
    expect(peer!.kind).toBe('peer')
    expect(peer!.download.requests.size).toBe(0)
    expect(peer!.upload.queue).toEqual([])
  })

  it("shows in each peer's snapshot whether it says it plays (ss_play)", async () => {
    const t = setup()
    t.connect(1, { playing: true })
    t.connect(2)
    await t.clock.advance(20)
    const snapshots = t.swarm.peers.map((p) => peerInfo(p as PeerRecord, t.clock.now()))
    expect(snapshots.map((s) => [s.id, s.playing])).toEqual([
      [id(1), true],
      [id(2), false],
    ])
  })
})
