/*
 * One connected peer. Owns the byte-stream decoder, the handshake and BEP 10 extension handshake,
 * choke/interest state, the peer's piece set (kept aside until the piece count is known) and its rates.
 * Everything it decodes is handed up as typed events; what to request or serve is decided above it.
 */
import { Bitfield } from '../util/bitfield.ts'
import { toHex } from '../util/bytes.ts'
import { ProtocolError, type SwarmstreamError } from '../util/errors.ts'
import { RateEstimator } from '../util/rate.ts'
import { TypedEmitter } from '../util/typed-emitter.ts'
import { HIGH_WATER_MARK, type PeerChannel } from '../transport/peer-channel.ts'
import {
  MAX_METADATA_SIZE,
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

export interface PeerSessionEvents {
  [event: string]: (...args: never[]) => void
  handshake(handshake: Handshake): void
  'extended-handshake'(ext: ExtensionHandshake): void
  /** Any message after the handshake (choke state and bitfield are already applied). */
  message(message: WireMessage): void
  /** The remote peer announced pieces (bitfield, have, have-all); `indexes` null means "all". */
  'pieces-changed'(): void
  /** Our send buffer drained; more uploads can go out. */
  drain(): void
  close(reason: string, error: SwarmstreamError | null): void
}

export interface PeerSessionOptions {
  infoHash: Uint8Array
  peerId: Uint8Array
  /** Size of our metadata (info dict) when we have it, for the extension handshake. */
  metadataSize?: () => number | undefined
  now?: () => number
}

/**
 * One connected peer: binds a PeerChannel to the wire codec, keeps the choke/interest state,
 * the peer's piece set and its rates. Policy (what to request, what to serve) lives in the torrent.
 */
export class PeerSession extends TypedEmitter<PeerSessionEvents> {
  readonly channel: PeerChannel
  remotePeerId = ''
  remoteExtensions: Record<string, number> = {}
  remoteMetadataSize: number | undefined
  remoteReqq: number | undefined

  amChoking = true
  amInterested = false
  peerChoking = true
  peerInterested = false
  /** The remote peer's pieces; null until we know the piece count (magnet before metadata). */
  pieces: Bitfield | null = null
  #pendingBitfield: Uint8Array | null = null
  #pendingHaveAll = false
  /** Haves before the piece count is known, as a bitmap (at most MAX_PIECES bits, not one entry per message). */
  #pendingHaves = new Uint8Array(0)
  /** Messages ignored because their id (or extended id) is unknown. */
  unknownMessages = 0

  readonly downloadRate = new RateEstimator()
  readonly uploadRate = new RateEstimator()
  downloaded = 0
  uploaded = 0

  #decoder = new WireDecoder()
  #handshaken = false
  #closed = false
  #keepAlive: ReturnType<typeof setInterval>
  #idle: ReturnType<typeof setTimeout> | null = null
  #opts: PeerSessionOptions
  #now: () => number

  constructor(channel: PeerChannel, opts: PeerSessionOptions) {
    super()
    this.channel = channel
    this.#opts = opts
    this.#now = opts.now ?? (() => performance.now())
    channel.on('data', (chunk) => this.#onData(chunk))
    channel.on('drain', () => this.emit('drain'))
    channel.on('close', (reason) => this.#onClosed(reason, null))
    this.#keepAlive = setInterval(() => this.send({ type: 'keep-alive' }), KEEP_ALIVE_MS)
    this.#resetIdle(HANDSHAKE_TIMEOUT_MS)
    channel.send(encodeHandshake({ infoHash: opts.infoHash, peerId: opts.peerId, extended: true, fast: false }))
  }

  get closed(): boolean {
    return this.#closed
  }

  /** True while the channel can take more data without growing its queue past the high-water mark. */
  get writable(): boolean {
    return !this.#closed && this.channel.bufferedAmount < HIGH_WATER_MARK
  }

  /** Gives the session the piece count once metadata is known; replays what the peer announced before. */
  /**
   * Gives the session the piece count once metadata is known; replays what the peer announced before.
   * If that turns out to be invalid, the peer is closed and keeps an empty piece set.
   */
  setPieceCount(count: number): void {
    if (this.pieces) return
    this.pieces = new Bitfield(count)
    const bitfield = this.#pendingBitfield
    const haves = this.#pendingHaves
    this.#pendingBitfield = null
    this.#pendingHaves = new Uint8Array(0)
    try {
      if (this.#pendingHaveAll) this.pieces.setAll()
      if (bitfield) this.#applyBitfield(bitfield)
      for (let i = 0; i < haves.length * 8; i++) if ((haves[i >> 3]! & (0x80 >> (i & 7))) !== 0) this.#applyHave(i)
    } catch (err) {
      this.pieces = new Bitfield(count)
      const error = err instanceof ProtocolError ? err : new ProtocolError('BAD_BITFIELD', String(err))
      this.close(`protocol error: ${error.message}`, error)
      return
    }
    this.emit('pieces-changed')
  }

  send(message: WireMessage): void {
    if (this.#closed) return
    switch (message.type) {
      case 'choke':
        this.amChoking = true
        break
      case 'unchoke':
        this.amChoking = false
        break
      case 'interested':
        this.amInterested = true
        break
      case 'not-interested':
        this.amInterested = false
        break
    }
    this.channel.send(encodeMessage(message))
  }

  sendExtended(name: string, payload: Uint8Array): boolean {
    const id = this.remoteExtensions[name]
    if (!id) return false
    this.send({ type: 'extended', id, payload })
    return true
  }

  /** Sends a block as header + payload, without concatenating them. */
  sendPiece(index: number, begin: number, block: Uint8Array): void {
    if (this.#closed) return
    this.channel.send(encodePieceHeader(index, begin, block.length))
    this.channel.send(block)
    this.uploaded += block.length
    this.uploadRate.add(block.length, this.#now())
  }

  close(reason: string, error: SwarmstreamError | null = null): void {
    if (this.#closed) return
    this.#onClosed(reason, error)
    this.channel.close(reason)
  }

  #onData(chunk: Uint8Array): void {
    if (this.#closed) return
    this.#decoder.append(chunk)
    this.#resetIdle(IDLE_TIMEOUT_MS)
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

  #onHandshake(handshake: Handshake): void {
    const ours = toHex(this.#opts.infoHash)
    if (toHex(handshake.infoHash) !== ours) throw new ProtocolError('WRONG_INFO_HASH', 'The peer is in another torrent')
    this.#handshaken = true
    this.remotePeerId = toHex(handshake.peerId)
    this.emit('handshake', handshake)
    if (handshake.extended) {
      const metadataSize = this.#opts.metadataSize?.()
      this.send({
        type: 'extended',
        id: 0,
        payload: encodeExtensionHandshake({ m: { ...LOCAL_EXTENSIONS }, ...(metadataSize ? { metadataSize } : {}) }),
      })
    }
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
        if (this.pieces) this.#applyBitfield(message.bitfield)
        else this.#keepPendingBitfield(message.bitfield)
        this.emit('pieces-changed')
        break
      case 'have':
        if (this.pieces) this.#applyHave(message.index)
        else this.#addPendingHave(message.index)
        this.emit('pieces-changed')
        break
      case 'have-all':
        if (this.pieces) this.pieces.setAll()
        else this.#pendingHaveAll = true
        this.emit('pieces-changed')
        break
      case 'piece':
        this.downloaded += message.block.length
        this.downloadRate.add(message.block.length, this.#now())
        break
      case 'extended':
        if (message.id === 0) {
          const ext = decodeExtensionHandshake(message.payload)
          this.remoteExtensions = ext.m
          this.remoteMetadataSize = ext.metadataSize
          this.remoteReqq = ext.reqq
          this.emit('extended-handshake', ext)
          return
        }
        if (!(Object.values(LOCAL_EXTENSIONS) as number[]).includes(message.id)) this.#countUnknown()
        break
      case 'unknown':
        this.#countUnknown()
        break
    }
    this.emit('message', message)
  }

  #countUnknown(): void {
    if (++this.unknownMessages > MAX_UNKNOWN_MESSAGES) {
      throw new ProtocolError('UNKNOWN_MESSAGE_FLOOD', `The peer sent more than ${MAX_UNKNOWN_MESSAGES} messages we do not know; drop it.`)
    }
  }

  #addPendingHave(index: number): void {
    if (index >= MAX_PIECES) throw new ProtocolError('BAD_HAVE', `Have for piece ${index}; no torrent we accept has that many pieces`)
    const byte = index >> 3
    if (byte >= this.#pendingHaves.length) {
      const grown = new Uint8Array(Math.min(Math.ceil(MAX_PIECES / 8), Math.max(byte + 1, this.#pendingHaves.length * 2)))
      grown.set(this.#pendingHaves)
      this.#pendingHaves = grown
    }
    this.#pendingHaves[byte] = (this.#pendingHaves[byte] ?? 0) | (0x80 >> (index & 7))
  }

  #keepPendingBitfield(bytes: Uint8Array): void {
    if (bytes.length > Math.ceil(MAX_PIECES / 8)) {
      throw new ProtocolError('BAD_BITFIELD', `Bitfield of ${bytes.length} bytes; no torrent we accept has that many pieces`)
    }
    // A copy: the message is a view into the peer's chunk, which need not stay alive until metadata arrives.
    this.#pendingBitfield = bytes.slice()
  }

  #applyBitfield(bytes: Uint8Array): void {
    const pieces = this.pieces!
    if (bytes.length !== pieces.bytes.length) {
      throw new ProtocolError('BAD_BITFIELD', `Bitfield of ${bytes.length} bytes for ${pieces.length} pieces`)
    }
    if (Bitfield.hasSpareBits(pieces.length, bytes)) throw new ProtocolError('BAD_BITFIELD', 'Bitfield has spare bits set')
    this.pieces = new Bitfield(pieces.length, bytes)
  }

  #applyHave(index: number): void {
    const pieces = this.pieces!
    if (index >= pieces.length) throw new ProtocolError('BAD_HAVE', `Have for piece ${index} of ${pieces.length}`)
    pieces.set(index)
  }

  #resetIdle(ms: number): void {
    if (this.#idle) clearTimeout(this.#idle)
    this.#idle = setTimeout(() => this.close(this.#handshaken ? 'idle timeout' : 'handshake timeout'), ms)
  }

  #onClosed(reason: string, error: SwarmstreamError | null): void {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#keepAlive)
    if (this.#idle) clearTimeout(this.#idle)
    this.emit('close', reason, error)
    this.removeAllListeners()
  }
}
