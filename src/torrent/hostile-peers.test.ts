/**
 * Hostile peers against a real torrent session in virtual time: real wire codec over in-memory
 * channels, scripted peers (test-support/attacker.ts), multi-block pieces so that pieces mix sources.
 */
import { describe, expect, it } from 'vitest'
import { bytesEqual, toHex } from '../util/bytes.ts'
import { BLOCK_LENGTH } from '../picker/index.ts'
import { withoutRefusedPeer } from '../tracker/tracker-client.ts'
import type { Attacker } from '../test-support/attacker.ts'
import { testLabs } from '../test-support/labs.ts'
import { SwarmLab, labPeerId, makeMeta, patternBytes, seededRandom, type LabMeta } from '../test-support/swarm-lab.ts'
import { PROTOCOL_ERROR_BACKOFF_MS } from './refusals.ts'
import type { Torrent } from './torrent.ts'
import type { TrackerFactoryOptions, TrackerLike } from './torrent-tracker.ts'

const newLab = testLabs()

const id = (n: number) => toHex(labPeerId(n))
const LATENCY = { latencyMs: 10 }

/** A scripted peer that has every piece and answers each request with the right bytes, or (`lie`) 0xee bytes. */
function servingPeer(lab: SwarmLab, target: Torrent, meta: LabMeta, n: number, lie?: (index: number, begin: number) => boolean): Attacker {
  const peer = lab.attacker(target, { peerId: labPeerId(n), channel: LATENCY })
  peer.offerEverything(meta.info.pieceHashes.length)
  peer.serve((index, begin, length) => {
    if (lie?.(index, begin)) return new Uint8Array(length).fill(0xee)
    const at = index * meta.info.pieceLength + begin
    return meta.data.subarray(at, at + length)
  })
  return peer
}

async function expectIntact(t: Torrent, meta: LabMeta): Promise<void> {
  const got = new Uint8Array(await t.files[0]!.arrayBuffer())
  expect(bytesEqual(got, meta.data)).toBe(true)
}

function warningsOf(t: Torrent): string[] {
  const codes: string[] = []
  t.on('warning', (w) => codes.push(w.code))
  return codes
}

describe('smart ban: per-block provenance', () => {
  it('a piece built from three peers with one liar: only the liar is banned, the piece completes', async () => {
    const lab = newLab()
    // One piece of 48 blocks: each peer's first 16 requests (the minimum pipeline) are a third of it.
    const meta = makeMeta(patternBytes(48 * BLOCK_LENGTH), 48 * BLOCK_LENGTH)
    const { torrent } = await lab.leecher(meta)
    const a = servingPeer(lab, torrent, meta, 1)
    const liar = servingPeer(lab, torrent, meta, 2, () => true)
    const c = servingPeer(lab, torrent, meta, 3)
    await lab.runUntil(() => torrent.done && liar.closed, 120_000)
    await expectIntact(torrent, meta)
    const stats = torrent.stats!
    // The first attempt mixed all three and failed: nobody was struck for it.
    expect(stats.hashFailures).toBe(1)
    for (const n of [1, 2, 3]) expect(stats.byPeer[id(n)]!.hashFailures).toBe(1)
    // The second attempt came from one honest peer and passed; comparing named the liar alone.
    expect(stats.bannedPeers).toEqual([id(2)])
    expect(stats.byPeer[id(1)]!.banned).toBe(false)
    expect(stats.byPeer[id(3)]!.banned).toBe(false)
    expect(a.closed || c.closed).toBe(false)
    expect(stats.byPeer[id(2)]!.discardedBytes).toBe(stats.byPeer[id(2)]!.receivedBytes)
  })

  it('a liar that is first in line gets the re-fetch to itself and is banned when it fails alone', async () => {
    const lab = newLab()
    const meta = makeMeta(patternBytes(48 * BLOCK_LENGTH), 48 * BLOCK_LENGTH)
    const { torrent } = await lab.leecher(meta)
    const liar = servingPeer(lab, torrent, meta, 1, () => true)
    servingPeer(lab, torrent, meta, 2)
    servingPeer(lab, torrent, meta, 3)
    await lab.runUntil(() => torrent.done && liar.closed, 120_000)
    await expectIntact(torrent, meta)
    const stats = torrent.stats!
    expect(stats.bannedPeers).toEqual([id(1)])
    expect(stats.byPeer[id(2)]!.banned || stats.byPeer[id(3)]!.banned).toBe(false)
  })

  it("discards a dropped liar's unverified blocks at once and counts them; nobody completes a piece on top of them", async () => {
    const lab = newLab()
    const meta = makeMeta(patternBytes(48 * BLOCK_LENGTH), 48 * BLOCK_LENGTH)
    const { torrent } = await lab.leecher(meta)
    const warnings = warningsOf(torrent)
    servingPeer(lab, torrent, meta, 1)
    const liar = servingPeer(lab, torrent, meta, 2, () => true)
    let answered = 0
    liar.onMessage((m) => {
      // After its 16 garbage blocks, a protocol error gets it dropped (not banned: nothing was verified yet).
      if (m.type === 'request' && ++answered === 16) liar.send({ type: 'have', index: 9999 })
    })
    await lab.runUntil(() => liar.closed, 10_000)
    const atDrop = torrent.stats!
    expect(atDrop.protocolErrors['BAD_HAVE']).toBe(1)
    expect(atDrop.byPeer[id(2)]!.discardedBytes).toBe(16 * BLOCK_LENGTH)
    expect(atDrop.discardedBytes).toBeGreaterThanOrEqual(16 * BLOCK_LENGTH)
    await lab.runUntil(() => torrent.done, 120_000)
    await expectIntact(torrent, meta)
    // The liar's blocks never reached a hash check.
    expect(torrent.stats!.hashFailures).toBe(0)
    expect(warnings).not.toContain('HASH_FAILED')
    expect(torrent.stats!.bannedPeers).toEqual([])
  })

  it('never bans an honest peer that contributed to several failed pieces', async () => {
    const lab = newLab()
    // Pieces of 24 blocks against pipelines of 16: consecutive requests of the two peers share pieces.
    const meta = makeMeta(patternBytes(8 * 24 * BLOCK_LENGTH), 24 * BLOCK_LENGTH)
    const { torrent } = await lab.leecher(meta)
    const honest = servingPeer(lab, torrent, meta, 1)
    const liar = servingPeer(lab, torrent, meta, 2, () => true)
    await lab.runUntil(() => torrent.done && liar.closed, 120_000)
    await expectIntact(torrent, meta)
    const stats = torrent.stats!
    expect(stats.byPeer[id(1)]!.hashFailures).toBeGreaterThanOrEqual(2)
    expect(stats.byPeer[id(1)]!.banned).toBe(false)
    expect(honest.closed).toBe(false)
    expect(stats.bannedPeers).toEqual([id(2)])
  })

  it('bans at once a peer that sent a whole bad piece alone', async () => {
    const lab = newLab()
    const meta = makeMeta(patternBytes(4 * 16 * BLOCK_LENGTH), 16 * BLOCK_LENGTH)
    const { torrent } = await lab.leecher(meta)
    const warnings = warningsOf(torrent)
    const liar = servingPeer(lab, torrent, meta, 2, () => true)
    await lab.runUntil(() => liar.closed, 10_000)
    const stats = torrent.stats!
    expect(stats.hashFailures).toBe(1)
    expect(warnings.filter((c) => c === 'HASH_FAILED')).toHaveLength(1)
    expect(stats.bannedPeers).toEqual([id(2)])
    expect(stats.protocolErrors['BAD_PIECE_DATA']).toBe(1)
    expect(torrent.downloaded).toBe(0)
    // Whatever else it had delivered is thrown away with it.
    expect(stats.byPeer[id(2)]!.discardedBytes).toBe(stats.byPeer[id(2)]!.receivedBytes)
    const seeder = await lab.seeder(meta)
    lab.connect(seeder.torrent, torrent, LATENCY)
    await lab.runUntil(() => torrent.done, 60_000)
    await expectIntact(torrent, meta)
  })
})

describe('bans that hold', () => {
  it("refuses a banned peer id's next connection and its tracker offers, for the torrent's lifetime", async () => {
    const lab = newLab()
    const meta = makeMeta(patternBytes(4 * 16 * BLOCK_LENGTH), 16 * BLOCK_LENGTH)
    let refuse: TrackerFactoryOptions['refuse'] = () => false
    const createTracker = (opts: TrackerFactoryOptions): TrackerLike => {
      refuse = opts.refuse
      return { on: () => undefined, start: () => undefined, complete: () => undefined, destroy: () => undefined }
    }
    const { torrent } = await lab.leecher(meta, { createTracker })
    const liar = servingPeer(lab, torrent, meta, 2, () => true)
    await lab.runUntil(() => liar.closed, 10_000)
    expect(torrent.stats!.bannedPeers).toEqual([id(2)])

    await lab.advance(2 * PROTOCOL_ERROR_BACKOFF_MS)
    const again = lab.attacker(torrent, { peerId: labPeerId(2), channel: LATENCY })
    await lab.runUntil(() => again.closed, 1000)
    // Closed right after its handshake: no extension handshake, no bitfield, no interest.
    expect(again.received).toEqual([])
    expect(torrent.numPeers).toBe(0)

    expect(refuse(id(2))).toBe(true)
    expect(refuse(id(3))).toBe(false)
    const offer = { info_hash: 'x', peer_id: String.fromCharCode(...labPeerId(2)), offer: { type: 'offer', sdp: 'v=0' }, offer_id: 'o' }
    expect(withoutRefusedPeer(offer, refuse)).not.toHaveProperty('offer')
    const fromOther = { ...offer, peer_id: String.fromCharCode(...labPeerId(3)) }
    expect(withoutRefusedPeer(fromOther, refuse)).toHaveProperty('offer')
  })

  it('refuses a peer dropped for a protocol error for the back-off period, then accepts it again', async () => {
    const lab = newLab()
    const meta = makeMeta(patternBytes(4 * 16 * BLOCK_LENGTH), 16 * BLOCK_LENGTH)
    const { torrent } = await lab.leecher(meta)
    const rude = lab.attacker(torrent, { peerId: labPeerId(5), channel: LATENCY })
    rude.send({ type: 'bitfield', bitfield: new Uint8Array([0xff]) })
    await lab.runUntil(() => rude.closed, 1000)
    expect(torrent.stats!.protocolErrors['BAD_BITFIELD']).toBe(1)
    expect(torrent.stats!.bannedPeers).toEqual([])

    const tooSoon = lab.attacker(torrent, { peerId: labPeerId(5), channel: LATENCY })
    await lab.runUntil(() => tooSoon.closed, 1000)
    expect(tooSoon.received).toEqual([])

    await lab.advance(PROTOCOL_ERROR_BACKOFF_MS - 5000)
    const stillTooSoon = lab.attacker(torrent, { peerId: labPeerId(5), channel: LATENCY })
    await lab.runUntil(() => stillTooSoon.closed, 1000)

    await lab.advance(5000)
    const later = lab.attacker(torrent, { peerId: labPeerId(5), channel: LATENCY })
    await lab.advance(1000)
    expect(later.closed).toBe(false)
    expect(later.received.some((m) => m.type === 'extended' && m.id === 0)).toBe(true)
    expect(torrent.numPeers).toBe(1)
  })
})

describe("the issue's hostile swarms, in virtual time", () => {
  /** 16 MiB in 256 KiB pieces, an honest seeder capped at 3 MB/s, attackers that answer at channel speed. */
  async function hostileSwarm(attackers: number, lies: (index: number) => boolean) {
    const lab = newLab()
    const meta = makeMeta(patternBytes(16 * 1024 * 1024, 3), 256 * 1024)
    const seeder = await lab.seeder(meta, { uploadLimit: 3_000_000 })
    const { torrent } = await lab.leecher(meta)
    const channel = { latencyMs: 5, bytesPerSecond: 20_000_000 }
    lab.connect(seeder.torrent, torrent, channel)
    const random = seededRandom(99)
    const ids = Array.from({ length: attackers }, (_, n) => {
      const attacker = lab.attacker(torrent, { peerId: labPeerId(0x90 + n), channel })
      attacker.offerEverything(meta.info.pieceHashes.length)
      // Fresh garbage for every answer, as a store whose get() returns random bytes gives.
      attacker.serve((index, begin, length) => {
        if (lies(index)) return new Uint8Array(length).map(() => Math.floor(random() * 256))
        const at = index * meta.info.pieceLength + begin
        return meta.data.subarray(at, at + length)
      })
      return id(0x90 + n)
    })
    await lab.runUntil(() => torrent.done, 600_000)
    await expectIntact(torrent, meta)
    const stats = torrent.stats!
    expect(stats.byPeer[seeder.peerIdHex]!.banned).toBe(false)
    expect([...stats.bannedPeers].sort()).toEqual(ids)
    for (const a of ids) expect(stats.byPeer[a]!.discardedBytes).toBeGreaterThan(0)
    return stats
  }

  it('(a) garbage for every piece beside an honest seeder: the attacker is banned after its first piece', async () => {
    const stats = await hostileSwarm(1, () => true)
    expect(stats.hashFailures).toBe(1)
  })

  it('(b) three such attackers: each is banned, the seeder never', async () => {
    await hostileSwarm(3, () => true)
  })

  it('(c) one piece in eight corrupted: the attacker is banned, the seeder never', async () => {
    await hostileSwarm(1, (index) => index % 8 === 3)
  })
})
