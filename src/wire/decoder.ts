import { ProtocolError } from '../util/errors.ts'
import { decodeHashMessage } from './hash-messages.ts'
import {
  HANDSHAKE_LENGTH,
  MAX_MESSAGE_LENGTH,
  MessageId,
  PROTOCOL_NAME,
  type Handshake,
  type WireEvent,
  type WireMessage,
} from './messages.ts'

export interface WireDecoderOptions {
  /** Largest accepted length prefix; default MAX_MESSAGE_LENGTH. */
  maxMessageLength?: number
  /** Whether the stream starts with the 68-byte handshake; default true. */
  expectHandshake?: boolean
  /**
   * Decode BEP 52 messages 21–23 (`hash request`, `hashes`, `hash reject`); default false. Turn it on for a
   * connection whose handshakes both carry the v2 bit; otherwise these ids are `unknown`, as any message
   * this side never announced.
   */
  hashMessages?: boolean
}

const EMPTY = new Uint8Array(0)
const PSTR_LENGTH = 1 + PROTOCOL_NAME.length

/** Parses the 68-byte handshake; throws ProtocolError `BAD_HANDSHAKE` if it is not BitTorrent. */
export function decodeHandshake(bytes: Uint8Array): Handshake {
  if (bytes.length !== HANDSHAKE_LENGTH) {
    throw new ProtocolError('BAD_HANDSHAKE', `A handshake is ${HANDSHAKE_LENGTH} bytes, got ${bytes.length}.`)
  }
  checkProtocolName(bytes)
  const reserved = bytes.subarray(20, 28)
  return {
    reserved,
    infoHash: bytes.subarray(28, 48),
    peerId: bytes.subarray(48, 68),
    extended: (reserved[5]! & 0x10) !== 0,
    fast: (reserved[7]! & 0x04) !== 0,
    v2: (reserved[7]! & 0x10) !== 0,
  }
}

function checkProtocolName(bytes: Uint8Array): void {
  let ok = bytes[0] === PROTOCOL_NAME.length
  for (let i = 0; ok && i < PROTOCOL_NAME.length; i++) ok = bytes[1 + i] === PROTOCOL_NAME.charCodeAt(i)
  if (!ok) {
    throw new ProtocolError(
      'BAD_HANDSHAKE',
      'The peer did not start with "\\x13BitTorrent protocol"; it is not a BitTorrent peer (or uses encryption), drop it.',
    )
  }
}

const FIXED_LENGTHS: Record<number, [string, number]> = {
  [MessageId.CHOKE]: ['choke', 1],
  [MessageId.UNCHOKE]: ['unchoke', 1],
  [MessageId.INTERESTED]: ['interested', 1],
  [MessageId.NOT_INTERESTED]: ['not-interested', 1],
  [MessageId.HAVE_ALL]: ['have-all', 1],
  [MessageId.HAVE_NONE]: ['have-none', 1],
  [MessageId.HAVE]: ['have', 5],
  [MessageId.SUGGEST]: ['suggest', 5],
  [MessageId.ALLOWED_FAST]: ['allowed-fast', 5],
  [MessageId.REQUEST]: ['request', 13],
  [MessageId.CANCEL]: ['cancel', 13],
  [MessageId.REJECT]: ['reject', 13],
  [MessageId.PORT]: ['port', 3],
}



/**
 * Turns a byte stream cut at arbitrary points into handshake + messages.
 * Chunks passed to `push` belong to the decoder; returned payloads may be views into them.
 * After the first error the decoder is dead: every later `push` throws the same error.
 */
export class WireDecoder {
  private readonly maxMessageLength: number
  private hashMessages: boolean
  private chunks: Uint8Array[] = []
  private head = 0
  private offset = 0
  private buffered = 0
  private awaitingHandshake: boolean
  private protocolChecked = false
  /** Length prefix of the message being buffered, or -1 while waiting for a prefix. */
  private bodyLength = -1
  private failure: unknown = null

  constructor(opts: WireDecoderOptions = {}) {
    this.maxMessageLength = opts.maxMessageLength ?? MAX_MESSAGE_LENGTH
    this.awaitingHandshake = opts.expectHandshake ?? true
    this.hashMessages = opts.hashMessages ?? false
  }

  /**
   * Turns decoding of BEP 52 messages 21–23 on (or off) from the next message: a session does it once the
   * handshakes agree on BitTorrent v2, which is known only after the peer's handshake was decoded.
   */
  setHashMessages(on: boolean): void {
    this.hashMessages = on
  }

  /** Bytes received but not yet returned as events. */
  get bufferedBytes(): number {
    return this.buffered + (this.bodyLength >= 0 ? 4 : 0)
  }

  /** Decodes everything `chunk` completes. A peer's burst becomes one array: prefer `append` + `next`. */
  push(chunk: Uint8Array): WireEvent[] {
    this.append(chunk)
    const events: WireEvent[] = []
    for (let event = this.next(); event !== null; event = this.next()) events.push(event)
    return events
  }

  /** Queues bytes without decoding them; `next` decodes one event at a time. */
  append(chunk: Uint8Array): void {
    if (this.failure !== null) throw this.failure
    if (chunk.length > 0) {
      this.chunks.push(chunk)
      this.buffered += chunk.length
    }
  }

  /**
   * The next complete event, or null when more bytes are needed. Decoding one event at a time
   * lets the caller stop (drop the peer) without parsing the rest of a hostile burst.
   */
  next(): WireEvent | null {
    if (this.failure !== null) throw this.failure
    try {
      const event = this.step()
      if (event === null) this.compact()
      return event
    } catch (err) {
      this.failure = err
      this.chunks = []
      this.head = this.offset = this.buffered = 0
      throw err
    }
  }

  private step(): WireEvent | null {
    if (this.awaitingHandshake) {
      if (!this.protocolChecked && this.buffered >= PSTR_LENGTH) {
        checkProtocolName(this.peek(PSTR_LENGTH))
        this.protocolChecked = true
      }
      if (this.buffered < HANDSHAKE_LENGTH) return null
      this.awaitingHandshake = false
      return { type: 'handshake', handshake: decodeHandshake(this.take(HANDSHAKE_LENGTH)) }
    }
    if (this.bodyLength < 0) {
      if (this.buffered < 4) return null
      const length = this.readUint32()
      if (length > this.maxMessageLength) {
        throw new ProtocolError(
          'MESSAGE_TOO_LARGE',
          `The peer announced a ${length}-byte message; the limit is ${this.maxMessageLength}. Drop the peer.`,
        )
      }
      this.bodyLength = length
    }
    if (this.buffered < this.bodyLength) return null
    const message = this.readMessage(this.bodyLength)
    this.bodyLength = -1
    return message
  }

  private readMessage(length: number): WireMessage {
    if (length === 0) return { type: 'keep-alive' }
    const id = this.readByte()
    const fixed = FIXED_LENGTHS[id]
    if (fixed !== undefined && fixed[1] !== length) {
      throw new ProtocolError(
        'BAD_MESSAGE_LENGTH',
        `A ${fixed[0]} message has length ${fixed[1]}, the peer sent ${length}; the peer is broken, drop it.`,
      )
    }
    switch (id) {
      case MessageId.CHOKE:
        return { type: 'choke' }
      case MessageId.UNCHOKE:
        return { type: 'unchoke' }
      case MessageId.INTERESTED:
        return { type: 'interested' }
      case MessageId.NOT_INTERESTED:
        return { type: 'not-interested' }
      case MessageId.HAVE_ALL:
        return { type: 'have-all' }
      case MessageId.HAVE_NONE:
        return { type: 'have-none' }
      case MessageId.HAVE:
        return { type: 'have', index: this.readUint32() }
      case MessageId.SUGGEST:
        return { type: 'suggest', index: this.readUint32() }
      case MessageId.ALLOWED_FAST:
        return { type: 'allowed-fast', index: this.readUint32() }
      case MessageId.REQUEST:
      case MessageId.CANCEL:
      case MessageId.REJECT: {
        const type = id === MessageId.REQUEST ? 'request' : id === MessageId.CANCEL ? 'cancel' : 'reject'
        const index = this.readUint32()
        const begin = this.readUint32()
        return { type, index, begin, length: this.readUint32() }
      }
      case MessageId.PORT: {
        const hi = this.readByte()
        return { type: 'port', port: (hi << 8) | this.readByte() }
      }
      case MessageId.BITFIELD:
        return { type: 'bitfield', bitfield: this.take(length - 1) }
      case MessageId.PIECE: {
        if (length < 9) {
          throw new ProtocolError(
            'BAD_MESSAGE_LENGTH',
            `A piece message is at least 9 bytes long, the peer sent ${length}; drop the peer.`,
          )
        }
        const index = this.readUint32()
        const begin = this.readUint32()
        return { type: 'piece', index, begin, block: this.take(length - 9) }
      }
      case MessageId.EXTENDED: {
        if (length < 2) {
          throw new ProtocolError(
            'BAD_MESSAGE_LENGTH',
            'An extended message needs at least an extension id byte; the peer sent none, drop it.',
          )
        }
        const extId = this.readByte()
        return { type: 'extended', id: extId, payload: this.take(length - 2) }
      }
      case MessageId.HASH_REQUEST:
      case MessageId.HASHES:
      case MessageId.HASH_REJECT:
        if (this.hashMessages) return decodeHashMessage(id, this.take(length - 1))
        return { type: 'unknown', id, payload: this.take(length - 1) }
      default:
        return { type: 'unknown', id, payload: this.take(length - 1) }
    }
  }

  // --- chunk queue; callers check `buffered` first ---

  private advance(current: Uint8Array, n: number): void {
    this.offset += n
    this.buffered -= n
    if (this.offset === current.length) {
      this.chunks[this.head++] = EMPTY
      this.offset = 0
    }
  }

  private readByte(): number {
    const current = this.chunks[this.head]!
    const value = current[this.offset]!
    this.advance(current, 1)
    return value
  }

  private readUint32(): number {
    const current = this.chunks[this.head]!
    const o = this.offset
    if (current.length - o >= 4) {
      const value = ((current[o]! << 24) | (current[o + 1]! << 16) | (current[o + 2]! << 8) | current[o + 3]!) >>> 0
      this.advance(current, 4)
      return value
    }
    return ((this.readByte() << 24) | (this.readByte() << 16) | (this.readByte() << 8) | this.readByte()) >>> 0
  }

  /** Next `n` bytes: a view when they lie in one chunk, else one copy. */
  private take(n: number): Uint8Array {
    if (n === 0) return EMPTY
    const current = this.chunks[this.head]!
    if (current.length - this.offset >= n) {
      const view = current.subarray(this.offset, this.offset + n)
      this.advance(current, n)
      return view
    }
    const out = new Uint8Array(n)
    let filled = 0
    while (filled < n) {
      const c = this.chunks[this.head]!
      const count = Math.min(c.length - this.offset, n - filled)
      out.set(c.subarray(this.offset, this.offset + count), filled)
      filled += count
      this.advance(c, count)
    }
    return out
  }

  /** Copy of the next `n` bytes without consuming them. */
  private peek(n: number): Uint8Array {
    const out = new Uint8Array(n)
    let filled = 0
    let i = this.head
    let o = this.offset
    while (filled < n) {
      const c = this.chunks[i]!
      const count = Math.min(c.length - o, n - filled)
      out.set(c.subarray(o, o + count), filled)
      filled += count
      i++
      o = 0
    }
    return out
  }

  private compact(): void {
    if (this.head === 0) return
    if (this.head === this.chunks.length) {
      this.chunks = []
      this.head = 0
    } else if (this.head >= 64 && this.head * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.head)
      this.head = 0
    }
  }
}
