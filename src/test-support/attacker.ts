import { fromHex } from '../util/bytes.ts'
import {
  WireDecoder,
  decodeExtensionHandshake,
  encodeExtensionHandshake,
  encodeHandshake,
  encodeMessage,
  encodePieceHeader,
  type WireMessage,
} from '../wire/index.ts'
import { memoryChannelPair, type MemoryChannel, type MemoryChannelOptions } from './memory-channel.ts'

export interface AttackerOptions {
  /** Hex info hash of the torrent under attack. */
  infoHash: string
  peerId?: Uint8Array
  /** Sent in the extension handshake (BEP 9 metadata_size), e.g. a lie. */
  metadataSize?: number
  /** Our ut_metadata id in the extension handshake; default 3 (any non-zero id works). */
  utMetadataId?: number
  /** How the channel delivers (clock, latency, rate). */
  channel?: MemoryChannelOptions
  /** Our `ss_sup` in the extension handshake (see ExtensionHandshake); none by default. */
  superSeed?: number
  /** Our `ss_play` in the extension handshake: we read in playing order. */
  playing?: boolean
  /** Decode BEP 52 hash messages (a v2 connection: `infoHash` is then the truncated v2 info hash). */
  v2?: boolean
}

/** What a serving attacker sends for a request: the right bytes, or anything it likes. */
export type BlockAnswer = (index: number, begin: number, length: number) => Uint8Array | null

/** Where an attacker can be plugged in: a Torrent (`addPeer`). */
export interface PeerSink {
  addPeer(channel: MemoryChannel): void
}

/**
 * A hostile peer for tests: speaks the wire protocol with our codec over an in-memory channel, but
 * sends whatever a test asks, including raw bytes no codec would produce. It validates nothing it receives.
 */
export class Attacker {
  /** Our end of the channel. */
  readonly channel: MemoryChannel
  /** Everything the victim sent, decoded. */
  readonly received: WireMessage[] = []
  /** The victim's ut_metadata id, from its extension handshake. */
  victimUtMetadataId = 0
  closeReason: string | null = null
  readonly #decoder: WireDecoder
  readonly #handlers = new Set<(message: WireMessage) => void>()
  readonly #closed: Promise<string>

  constructor(readonly opts: AttackerOptions, sink: PeerSink) {
    this.#decoder = new WireDecoder({ hashMessages: opts.v2 ?? false })
    const [victimEnd, ours] = memoryChannelPair(opts.channel)
    this.channel = ours
    this.#closed = new Promise((resolve) => ours.on('close', (reason) => resolve((this.closeReason = reason))))
    ours.on('data', (chunk) => this.#onData(chunk))
    sink.addPeer(victimEnd)
    const infoHash = fromHex(opts.infoHash)
    if (!infoHash) throw new Error(`Attacker: bad info hash ${opts.infoHash}`)
    ours.send(encodeHandshake({ infoHash, peerId: opts.peerId ?? new Uint8Array(20).fill(0xa7), extended: true, fast: false }))
    this.send({
      type: 'extended',
      id: 0,
      payload: encodeExtensionHandshake({
        m: { ut_metadata: opts.utMetadataId ?? 3 },
        ...(opts.metadataSize !== undefined ? { metadataSize: opts.metadataSize } : {}),
        ...(opts.superSeed ? { superSeed: opts.superSeed } : {}),
        ...(opts.playing ? { playing: true } : {}),
      }),
    })
  }

  get closed(): boolean {
    return this.closeReason !== null
  }

  /** Resolves with the reason once the victim drops us. */
  whenClosed(): Promise<string> {
    return this.#closed
  }

  /** Calls `handler` for each message the victim sends from now on. */
  onMessage(handler: (message: WireMessage) => void): void {
    this.#handlers.add(handler)
  }

  /** The next message of `type` (or one already received, when `past` is true). */
  waitFor<T extends WireMessage['type']>(type: T, past = true): Promise<Extract<WireMessage, { type: T }>> {
    type M = Extract<WireMessage, { type: T }>
    const seen = past ? this.received.find((m) => m.type === type) : undefined
    if (seen) return Promise.resolve(seen as M)
    return new Promise((resolve) => {
      const handler = (m: WireMessage) => {
        if (m.type !== type) return
        this.#handlers.delete(handler)
        resolve(m as M)
      }
      this.#handlers.add(handler)
    })
  }

  send(message: WireMessage): void {
    this.channel.send(encodeMessage(message))
  }

  /** Many messages in one chunk, as a burst arrives from a fast peer. */
  sendBurst(messages: readonly WireMessage[]): void {
    const parts = messages.map((m) => encodeMessage(m))
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
    let offset = 0
    for (const p of parts) {
      out.set(p, offset)
      offset += p.length
    }
    this.channel.send(out)
  }

  sendRaw(bytes: Uint8Array): void {
    this.channel.send(bytes)
  }

  sendPiece(index: number, begin: number, block: Uint8Array): void {
    this.channel.send(encodePieceHeader(index, begin, block.length))
    this.channel.send(block)
  }

  /** A ut_metadata message to the victim (its id, from its extension handshake). */
  sendMetadataMessage(payload: Uint8Array): void {
    this.send({ type: 'extended', id: this.victimUtMetadataId || 1, payload })
  }

  /** Claims every one of `pieces` pieces and unchokes whoever is interested. */
  offerEverything(pieces: number): void {
    const bitfield = new Uint8Array(Math.ceil(pieces / 8))
    for (let i = 0; i < pieces; i++) bitfield[i >> 3] = (bitfield[i >> 3] ?? 0) | (0x80 >> (i & 7))
    this.send({ type: 'bitfield', bitfield })
    this.onMessage((m) => {
      if (m.type === 'interested') this.send({ type: 'unchoke' })
    })
  }

  /** Answers every request with `answer`'s bytes (null: no answer). */
  serve(answer: BlockAnswer): void {
    this.onMessage((m) => {
      if (m.type !== 'request') return
      const block = answer(m.index, m.begin, m.length)
      if (block) this.sendPiece(m.index, m.begin, block)
    })
  }

  /** Answers every BEP 52 `hash request` with `hash reject`. */
  rejectHashRequests(): void {
    this.onMessage((m) => {
      if (m.type === 'hash-request') this.send({ ...m, type: 'hash-reject' })
    })
  }

  disconnect(): void {
    this.channel.close('attacker left')
  }

  #onData(chunk: Uint8Array): void {
    let events
    try {
      events = this.#decoder.push(chunk)
    } catch {
      return
    }
    for (const event of events) {
      if (event.type === 'handshake') continue
      if (event.type === 'extended' && event.id === 0) {
        try {
          this.victimUtMetadataId = decodeExtensionHandshake(event.payload).m['ut_metadata'] ?? 0
        } catch {
          // The victim's handshake is not under test.
        }
      }
      this.received.push(event)
      for (const handler of [...this.#handlers]) handler(event)
    }
  }
}
