import { describe, expect, it } from 'vitest'
import { toHex } from '../util/bytes.ts'
import type { SwarmstreamError } from '../util/errors.ts'
import { Attacker } from '../test-support/attacker.ts'
import { MemoryChannel } from '../test-support/memory-channel.ts'
import { VirtualClock } from '../test-support/virtual-clock.ts'
import { decodeExtensionHandshake, encodeExtensionHandshake, type Handshake, type WireMessage } from '../wire/index.ts'
import { HANDSHAKE_TIMEOUT_MS, IDLE_TIMEOUT_MS, KEEP_ALIVE_MS, MAX_UNKNOWN_MESSAGES, PeerSession } from './peer-session.ts'

const INFO_HASH = new Uint8Array(20).fill(0x11)
const OUR_ID = new Uint8Array(20).fill(0x22)
const THEIR_ID = new Uint8Array(20).fill(0x33)

/** A session under test on one end, a scripted peer (raw wire codec) on the other, on a virtual clock. */
function setup(opts: { metadataSize?: number; superSeed?: number; playing?: () => boolean } = {}) {
  const clock = new VirtualClock()
  const events: string[] = []
  const messages: WireMessage[] = []
  const closed: { reason: string; error: SwarmstreamError | null }[] = []
  let session!: PeerSession
  let handshake: Handshake | null = null
  const remote = new Attacker(
    { infoHash: toHex(INFO_HASH), peerId: THEIR_ID, channel: { clock, latencyMs: 5 }, ...(opts.superSeed ? { superSeed: opts.superSeed } : {}) },
    {
      addPeer: (channel: MemoryChannel) => {
        session = new PeerSession(
          channel,
          { infoHash: INFO_HASH, peerId: OUR_ID, clock, metadataSize: () => opts.metadataSize, ...(opts.playing ? { playing: opts.playing } : {}) },
          {
            handshake: (h) => {
              handshake = h
              events.push('handshake')
            },
            extendedHandshake: () => events.push('extended-handshake'),
            message: (m) => messages.push(m),
            drain: () => events.push('drain'),
            closed: (reason, error) => closed.push({ reason, error }),
          },
        )
      },
    },
  )
  return { clock, remote, session, events, messages, closed, handshake: () => handshake }
}

describe('PeerSession', () => {
  it('handshakes both ways and sends our extension handshake with the metadata size', async () => {
    const t = setup({ metadataSize: 1234 })
    await t.clock.advance(20)
    expect(t.handshake()).not.toBeNull()
    expect(t.session.remotePeerId).toBe(toHex(THEIR_ID))
    expect(t.session.handshaken).toBe(true)
    expect(t.events.filter((e) => e !== 'drain')).toEqual(['handshake', 'extended-handshake'])
    expect(t.session.remoteExtensions).toEqual({ ut_metadata: 3 })
    const ext = t.remote.received.find((m) => m.type === 'extended' && m.id === 0)
    expect(ext && ext.type === 'extended' && decodeExtensionHandshake(ext.payload).metadataSize).toBe(1234)
  })

  it('tells a Swarmstream peer (ss_sup) whether we play, again each time that changes; others hear it once', async () => {
    let playing = false
    const handshakes = (t: ReturnType<typeof setup>) =>
      t.remote.received.flatMap((m) => (m.type === 'extended' && m.id === 0 ? [decodeExtensionHandshake(m.payload).playing ?? false] : []))
    const ours = setup({ superSeed: 1, playing: () => playing })
    const other = setup({ playing: () => playing })
    await ours.clock.advance(20)
    await other.clock.advance(20)
    ours.session.playingChanged()
    playing = true
    for (const t of [ours, other]) t.session.playingChanged()
    ours.session.playingChanged()
    await ours.clock.advance(20)
    await other.clock.advance(20)
    expect(handshakes(ours)).toEqual([false, true])
    expect(handshakes(other)).toEqual([false])
    playing = false
    ours.session.playingChanged()
    await ours.clock.advance(20)
    expect(handshakes(ours)).toEqual([false, true, false])
  })

  it('reads the peer\'s ss_play from each of its extension handshakes', async () => {
    const t = setup()
    await t.clock.advance(20)
    expect(t.session.remotePlaying).toBe(false)
    t.remote.send({ type: 'extended', id: 0, payload: encodeExtensionHandshake({ m: { ut_metadata: 3 }, superSeed: 1, playing: true }) })
    await t.clock.advance(20)
    expect(t.session.remotePlaying).toBe(true)
    t.remote.send({ type: 'extended', id: 0, payload: encodeExtensionHandshake({ m: { ut_metadata: 3 }, superSeed: 1 }) })
    await t.clock.advance(20)
    expect(t.session.remotePlaying).toBe(false)
  })

  it('applies choke and interest state before handing the message on', async () => {
    const t = setup()
    t.remote.send({ type: 'unchoke' })
    t.remote.send({ type: 'interested' })
    await t.clock.advance(20)
    expect(t.session.peerChoking).toBe(false)
    expect(t.session.peerInterested).toBe(true)
    expect(t.messages.map((m) => m.type)).toEqual(['unchoke', 'interested'])
    t.session.send({ type: 'unchoke' })
    t.session.send({ type: 'interested' })
    expect(t.session.amChoking).toBe(false)
    expect(t.session.amInterested).toBe(true)
  })

  it('keeps haves and a bitfield from before the piece count and replays them', async () => {
    const t = setup()
    t.remote.send({ type: 'have', index: 9 })
    t.remote.send({ type: 'bitfield', bitfield: new Uint8Array([0x80, 0]) })
    await t.clock.advance(20)
    expect(t.session.pieces).toBeNull()
    t.session.setPieceCount(12)
    expect(t.session.closed).toBe(false)
    expect([...Array(12).keys()].filter((i) => t.session.pieces!.get(i))).toEqual([0, 9])
  })

  it('closes with BAD_HAVE when a have kept from before the metadata is out of range', async () => {
    const t = setup()
    t.remote.send({ type: 'have', index: 50 })
    await t.clock.advance(20)
    t.session.setPieceCount(10)
    expect(t.session.closed).toBe(true)
    expect(t.closed.map((c) => c.error?.code)).toEqual(['BAD_HAVE'])
  })

  it('closes with the protocol error of a broken message, and reports it once', async () => {
    const t = setup()
    await t.clock.advance(20)
    t.session.setPieceCount(8)
    t.remote.send({ type: 'bitfield', bitfield: new Uint8Array([0xff, 0xff]) })
    t.remote.send({ type: 'unchoke' })
    await t.clock.advance(20)
    expect(t.closed).toHaveLength(1)
    expect(t.closed[0]!.error?.code).toBe('BAD_BITFIELD')
    // The rest of the burst is never parsed.
    expect(t.messages).toEqual([])
    expect(t.remote.closed).toBe(true)
  })

  it('drops a peer in another torrent', async () => {
    const clock = new VirtualClock()
    const closed: string[] = []
    new Attacker(
      { infoHash: 'ff'.repeat(20), channel: { clock } },
      {
        addPeer: (channel: MemoryChannel) =>
          void new PeerSession(channel, { infoHash: INFO_HASH, peerId: OUR_ID, clock }, {
            handshake: () => closed.push('admitted?'),
            extendedHandshake: () => undefined,
            message: () => undefined,
            drain: () => undefined,
            closed: (_r, e) => closed.push(e?.code ?? 'none'),
          }),
      },
    )
    await clock.advance(10)
    expect(closed).toEqual(['WRONG_INFO_HASH'])
  })

  it('tolerates a few unknown messages and drops a flood of them', async () => {
    const t = setup()
    t.remote.sendBurst(Array.from({ length: MAX_UNKNOWN_MESSAGES }, () => ({ type: 'unknown' as const, id: 99, payload: new Uint8Array(1) })))
    await t.clock.advance(20)
    expect(t.session.closed).toBe(false)
    t.remote.send({ type: 'unknown', id: 99, payload: new Uint8Array(1) })
    await t.clock.advance(20)
    expect(t.closed[0]?.error?.code).toBe('UNKNOWN_MESSAGE_FLOOD')
  })

  it('sends keep-alives and closes an idle peer on the injected clock', async () => {
    const t = setup()
    await t.clock.advance(KEEP_ALIVE_MS + 10)
    expect(t.remote.received.filter((m) => m.type === 'keep-alive')).toHaveLength(1)
    await t.clock.advance(IDLE_TIMEOUT_MS - KEEP_ALIVE_MS - 100)
    expect(t.session.closed).toBe(false)
    await t.clock.advance(200)
    expect(t.closed).toEqual([{ reason: 'idle timeout', error: null }])
  })

  it('gives up on a peer that never handshakes', async () => {
    const clock = new VirtualClock()
    const closed: string[] = []
    new PeerSession(new MemoryChannel('silent', { clock }), { infoHash: INFO_HASH, peerId: OUR_ID, clock }, {
      handshake: () => undefined,
      extendedHandshake: () => undefined,
      message: () => undefined,
      drain: () => undefined,
      closed: (reason) => closed.push(reason),
    })
    await clock.advance(HANDSHAKE_TIMEOUT_MS - 1)
    expect(closed).toEqual([])
    await clock.advance(2)
    expect(closed).toEqual(['handshake timeout'])
    expect(clock.pending).toBe(0)
  })

  it('counts block bytes and rates on the injected clock', async () => {
    const t = setup()
    await t.clock.advance(20)
    t.remote.sendPiece(0, 0, new Uint8Array(1000))
    await t.clock.advance(20)
    expect(t.session.downloaded).toBe(1000)
    expect(t.session.downloadRate.rate(t.clock.now())).toBeGreaterThan(0)
    t.session.sendPiece(1, 0, new Uint8Array(500))
    expect(t.session.uploaded).toBe(500)
  })
})
