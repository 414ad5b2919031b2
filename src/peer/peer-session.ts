/*
 * One connected peer. Owns the byte-stream decoder, the handshake and BEP 10 extension handshake,
 * choke/interest state, the peer's piece set (kept aside until the piece count is known), its rates
 * and its timers (keep-alive, idle and handshake timeouts, on the injected clock).
 * Flow: channel bytes → decoder → protocol state applied here → one call on the sink per event.
 * What to request or serve is decided by whoever implements the sink (the torrent's dispatch table).
 */
import { Bitfield } from '../util/bitfield.ts'
import { toHex } from '../util/bytes.ts'
import type { Clock, TimerId } from '../util/clock.ts'
import { ProtocolError, type SwarmstreamError } from '../util/errors.ts'
import { RateEstimator } from '../util/rate.ts'
import { HIGH_WATER_MARK, type PeerChannel } from '../transport/peer-channel.ts'
import {
  MAX_METADATA_SIZE,
  SS_MASKING,
  WireDecoder,
  decodeExtensionHandshake,
  encodeExtensionHandshake,
  encodeHandshake,
  encodeMessage,
  encodePieceHeader,
  type ExtensionHandshake,
  type Handshake,
  type WireMessage,
} from '../wire/index.ts'
import { PendingPieces } from './pending-pieces.ts'
import { namesTorrent, ourHandshake, isHybrid, speaksV2 } from './v2-handshake.ts'

/** Our extension ids, in WebTorrent's order (ut_metadata first). */
export const LOCAL_EXTENSIONS = { ut_metadata: 1 } as const

/** BitTorrent keep-alive interval used by WebTorrent. */
export const KEEP_ALIVE_MS = 55_000
/** A peer that sends nothing (not even keep-alives) for this long is gone. */
export const IDLE_TIMEOUT_MS = 120_000
/** Handshake must arrive within this time after the channel opens (WebTorrent: 25 s). */
export const HANDSHAKE_TIMEOUT_MS = 25_000
/**
 * Most pieces any torrent we accept can have: the info dict holds 20 bytes of SHA-1 per piece and
 * is at most MAX_METADATA_SIZE. A `have` or bitfield beyond it is a lie even before we know the metadata.
 */
export const MAX_PIECES = Math.floor(MAX_METADATA_SIZE / 20)
/**
 * Messages with an id we do not know (or an extended id we never offered) are ignored, as BEP 3 and
 * BEP 10 ask; no extension sends more than a handful, so past this many the peer is only wasting our CPU.
 */
export const MAX_UNKNOWN_MESSAGES = 100

/** Where a session reports what the peer did. Each call happens after the session applied it to its own state. */
export interface PeerSessionSink {
  /** The remote handshake arrived (`remotePeerId` is set); the sink may close the session. */
  handshake(handshake: Handshake): void
  extendedHandshake(ext: ExtensionHandshake): void
  /** Any other message after the handshake. */
  message(message: WireMessage): void
  /** Our send buffer drained; more uploads can go out. */
  drain(): void
  /** Called once, whoever closed; `error` says why when the peer misbehaved. */
  closed(reason: string, error: SwarmstreamError | null): void
}

export interface PeerSessionOptions {
  infoHash: Uint8Array
  /** BEP 52: the truncated v2 info hash of a torrent with a v2 half (see v2-handshake.ts). */
  v2InfoHash?: Uint8Array
  peerId: Uint8Array
  clock: Clock
  /** Size of our metadata (info dict) when we have it, for the extension handshake. */
  metadataSize?: () => number | undefined
  /** Whether we read a file in playing order now (`ss_play`, see ExtensionHandshake). */
  playing?: () => boolean
}

/** One connected peer: binds a PeerChannel to the wire codec and keeps the peer's protocol state. */
export class PeerSession {
  readonly channel: PeerChannel
  remotePeerId = ''
  remoteExtensions: Record<string, number> = {}
  remoteMetadataSize: number | undefined
  remoteReqq: number | undefined
  /** The peer's `ss_sup` (see ExtensionHandshake); 0: none sent. */
  remoteSuperSeed = 0
  /** The peer's `ss_play`: it reads a file in playing order now (see ExtensionHandshake). */
  remotePlaying = false
  /** We mask our pieces from this peer (super-seeding); set before our extension handshake goes out. */
  masking = false

  amChoking = true
  amInterested = false
  peerChoking = true
  peerInterested = false
  /** Messages ignored because their id (or extended id) is unknown. */
  unknownMessages = 0
  /** BEP 52: the handshakes agreed on BitTorrent v2 (hash messages, per-block verification). */
  v2 = false

  readonly downloadRate = new RateEstimator()
  readonly uploadRate = new RateEstimator()
  downloaded = 0
  uploaded = 0

  #pieces: Bitfield | null = null
  #pending = new PendingPieces(MAX_PIECES)
  #decoder = new WireDecoder()
  #handshaken = false
  /** The info hash our handshake carried; null while we wait to answer the peer's. */
  #sentHash: Uint8Array | null = null
  /** The `ss_play` of our last extension handshake; null: none sent. */
  #sentPlaying: boolean | null = null
  #closed = false
  #keepAlive: TimerId
  #idle: TimerId | null = null
  /** When the peer counts as gone unless more bytes arrive (the idle timer re-arms itself until then). */
  #idleDeadline = 0
  /** When the chunk being decoded arrived: every block in it counts at that time. */
  #receivedAt = 0
  #opts: PeerSessionOptions
  #clock: Clock
  #sink: PeerSessionSink

  constructor(channel: PeerChannel, opts: PeerSessionOptions, sink: PeerSessionSink) {
    this.channel = channel
    this.#opts = opts
    this.#clock = opts.clock
    this.#sink = sink
    channel.on('data', (chunk) => this.#onData(chunk))
    channel.on('drain', () => {
      if (!this.#closed) this.#sink.drain()
    })
    channel.on('close', (reason) => this.#onClosed(reason, null))
    this.#keepAlive = this.#clock.setInterval(() => this.send({ type: 'keep-alive' }), KEEP_ALIVE_MS)
    this.#idleDeadline = this.#clock.now() + HANDSHAKE_TIMEOUT_MS
    this.#armIdle(HANDSHAKE_TIMEOUT_MS)
    // On a hybrid torrent the accepting side answers the peer's handshake, so it can upgrade to v2.
    if (!(isHybrid(opts) && channel.initiator === false)) this.#sendHandshake(null)
  }

  get closed(): boolean {
    return this.#closed
  }

  get handshaken(): boolean {
    return this.#handshaken
  }

  /** The remote peer's pieces; null until we know the piece count (magnet before metadata). */
  get pieces(): Bitfield | null {
    return this.#pieces
  }

  /** True while the channel can take more data without growing its queue past the high-water mark. */
  get writable(): boolean {
    return !this.#closed && this.channel.bufferedAmount < HIGH_WATER_MARK
  }

  /**
   * Gives the session the piece count once metadata is known; replays what the peer announced before.
   * If that turns out to be invalid, the peer is closed and keeps an empty piece set.
   */
  setPieceCount(count: number): void {
    if (this.#pieces) return
    const pieces = new Bitfield(count)
    this.#pieces = pieces
    try {
      this.#pending.replay(pieces)
    } catch (err) {
      this.#pieces = new Bitfield(count)
      const error = err instanceof ProtocolError ? err : new ProtocolError('BAD_BITFIELD', String(err))
      this.close(`protocol error: ${error.message}`, error)
    }
  }

  send(message: WireMessage): void {
    if (this.#closed) return
    if (message.type === 'choke') this.amChoking = true
    else if (message.type === 'unchoke') this.amChoking = false
    else if (message.type === 'interested') this.amInterested = true
    else if (message.type === 'not-interested') this.amInterested = false
    this.channel.send(encodeMessage(message))
  }

  sendExtended(name: string, payload: Uint8Array): boolean {
    const id = this.remoteExtensions[name]
    if (!id) return false
    this.send({ type: 'extended', id, payload })
    return true
  }

  /** Sends a block as header + payload, without concatenating them here (the channel packs them into one message). */
  sendPiece(index: number, begin: number, block: Uint8Array): void {
    if (this.#closed) return
    this.channel.send(encodePieceHeader(index, begin, block.length), block)
    this.uploaded += block.length
    this.uploadRate.add(block.length, this.#clock.now())
  }

  close(reason: string, error: SwarmstreamError | null = null): void {
    if (this.#closed) return
    this.#onClosed(reason, error)
    this.channel.close(reason)
  }

  #onData(chunk: Uint8Array): void {
    if (this.#closed) return
    this.#decoder.append(chunk)
    // Only the deadline moves: re-arming a timer per message costs more than the rest of a small message.
    this.#receivedAt = this.#clock.now()
    this.#idleDeadline = this.#receivedAt + IDLE_TIMEOUT_MS
    // One event at a time: once a message gets the peer dropped, the rest of its burst is never parsed.
    while (!this.#closed) {
      try {
        const event = this.#decoder.next()
        if (event === null) return
        if (event.type === 'handshake') this.#onHandshake(event.handshake)
        else this.#onMessage(event)
      } catch (err) {
        const error = err instanceof ProtocolError ? err : new ProtocolError('PEER_MESSAGE', String((err as Error).message))
        this.close(`protocol error: ${error.message}`, error)
        return
      }
    }
  }

  #sendHandshake(answering: Handshake | null): void {
    const { infoHash, v2 } = ourHandshake(this.#opts, answering)
    this.#sentHash = infoHash
    this.channel.send(encodeHandshake({ infoHash, peerId: this.#opts.peerId, extended: true, fast: false, v2 }))
  }

  #onHandshake(handshake: Handshake): void {
    if (!namesTorrent(this.#opts, handshake.infoHash)) throw new ProtocolError('WRONG_INFO_HASH', 'The peer is in another torrent')
    if (!this.#sentHash) this.#sendHandshake(handshake)
    this.v2 = speaksV2(this.#opts, this.#sentHash!, handshake.infoHash)
    if (this.v2) this.#decoder.setHashMessages(true)
    this.#handshaken = true
    this.remotePeerId = toHex(handshake.peerId)
    this.#sink.handshake(handshake)
    if (this.#closed || !handshake.extended) return
    this.#sendExtensionHandshake()
  }

  /** Whether we play may have changed: a Swarmstream peer (it sent `ss_sup`) hears our extension handshake again (BEP 10 allows it). */
  playingChanged(): void {
    if (this.#sentPlaying === null || this.#closed || !this.remoteSuperSeed) return
    if ((this.#opts.playing?.() ?? false) !== this.#sentPlaying) this.#sendExtensionHandshake()
  }

  #sendExtensionHandshake(): void {
    const metadataSize = this.#opts.metadataSize?.()
    const playing = this.#opts.playing?.() ?? false
    this.#sentPlaying = playing
    this.send({
      type: 'extended',
      id: 0,
      payload: encodeExtensionHandshake({ m: { ...LOCAL_EXTENSIONS }, ...(metadataSize ? { metadataSize } : {}), superSeed: this.masking ? SS_MASKING : 1, playing }),
    })
  }

  #onMessage(message: WireMessage): void {
    if (!this.#handshaken) throw new ProtocolError('NO_HANDSHAKE', 'Message before handshake')
    switch (message.type) {
      case 'choke':
        this.peerChoking = true
        break
      case 'unchoke':
        this.peerChoking = false
        break
      case 'interested':
        this.peerInterested = true
        break
      case 'not-interested':
        this.peerInterested = false
        break
      case 'bitfield':
        if (this.#pieces) this.#pieces = PendingPieces.checkedBitfield(this.#pieces.length, message.bitfield)
        else this.#pending.bitfield(message.bitfield)
        break
      case 'have':
        if (this.#pieces) PendingPieces.checkedHave(this.#pieces, message.index)
        else this.#pending.have(message.index)
        break
      case 'have-all':
        if (this.#pieces) this.#pieces.setAll()
        else this.#pending.haveAll()
        break
      case 'piece':
        this.downloaded += message.block.length
        this.downloadRate.add(message.block.length, this.#receivedAt)
        break
      case 'extended':
        if (message.id === 0) return this.#onExtendedHandshake(decodeExtensionHandshake(message.payload))
        if (!(Object.values(LOCAL_EXTENSIONS) as number[]).includes(message.id)) this.#countUnknown()
        break
      case 'unknown':
        this.#countUnknown()
        break
    }
    this.#sink.message(message)
  }

  #onExtendedHandshake(ext: ExtensionHandshake): void {
    this.remoteExtensions = ext.m
    this.remoteMetadataSize = ext.metadataSize
    this.remoteReqq = ext.reqq
    this.remoteSuperSeed = ext.superSeed ?? 0
    this.remotePlaying = ext.playing ?? false
    this.#sink.extendedHandshake(ext)
    this.playingChanged()
  }

  #countUnknown(): void {
    if (++this.unknownMessages > MAX_UNKNOWN_MESSAGES) {
      throw new ProtocolError('UNKNOWN_MESSAGE_FLOOD', `The peer sent more than ${MAX_UNKNOWN_MESSAGES} messages we do not know; drop it.`)
    }
  }

  #armIdle(ms: number): void {
    this.#idle = this.#clock.setTimeout(() => {
      const left = this.#idleDeadline - this.#clock.now()
      if (left > 0) return this.#armIdle(left)
      this.close(this.#handshaken ? 'idle timeout' : 'handshake timeout')
    }, ms)
  }

  #onClosed(reason: string, error: SwarmstreamError | null): void {
    if (this.#closed) return
    this.#closed = true
    this.#clock.clearInterval(this.#keepAlive)
    this.#clock.clearTimeout(this.#idle)
    this.#sink.closed(reason, error)
  }
}
