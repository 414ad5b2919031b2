/*
 * BEP 52 hash messages both ways, on connections whose handshakes agreed on v2:
 * - answers `hash request`s from the hashes we hold (piece layers, whole trees, leaves of pieces we have),
 *   with `hash reject` when we cannot;
 * - fetches what we lack: piece layers (a torrent started from a magnet link), and the leaves (block
 *   hashes) of each piece we download, so every block is verified the moment it arrives.
 * Every `hashes` answer is proven against a hash we already trust before it is kept; one that fails its
 * proof is its sender's offence.
 */
import type { Clock } from '../../util/clock.ts'
import { bytesEqual } from '../../util/bytes.ts'
import { ProtocolError } from '../../util/errors.ts'
import type { PeerStats } from '../../peer/peer-stats.ts'
import type { HashRangeFields, WireMessage } from '../../wire/index.ts'
import type { PeerRecord } from '../peer-record.ts'
import { leafRequest } from './geometry.ts'
import type { V2HashStore } from './hash-store.ts'
import { PeerHashes, sameRange, type PendingHashes } from './peer-hashes.ts'

/** An unanswered hash request is given up after this long and asked of another peer. */
export const HASH_REQUEST_TIMEOUT_MS = 10_000
/** A peer that refused a piece layer is asked again after this long (it may have fetched it meanwhile). */
export const LAYER_RETRY_MS = 5_000
/** Answers computed at once for one peer; past this its requests get `hash reject`. */
export const MAX_ANSWERS_PER_PEER = 32
/** Hash requests in flight to one peer. */
export const MAX_PENDING_PER_PEER = 64

export interface HashExchangeDeps {
  clock: Clock
  stats: PeerStats
  peers: () => readonly PeerRecord[]
  /** Null until the torrent's info dictionary (and so its files' roots) is known. */
  store: () => V2HashStore | null
  /** Pieces we hold, and their data, to answer requests for their leaves. */
  hasPiece: (index: number) => boolean
  readPiece: (index: number) => Promise<Uint8Array | null>
  /** A peer sent hashes that fail their proof: it lied. */
  liar: (peer: PeerRecord, error: ProtocolError) => void
  /** Proven leaves of a piece are in the store. */
  leavesReady: (piece: number) => void
  /** No connected peer gave a piece's leaves: it is verified whole. */
  leavesUnavailable: (piece: number) => void
  /** A piece layer chunk was kept (the store may now be complete). */
  layerAdded: () => void
}

interface LeafWant {
  tried: Set<PeerRecord>
  asked: PeerRecord | null
}

type HashMessage<T extends 'hash-request' | 'hashes' | 'hash-reject'> = Extract<WireMessage, { type: T }>

export class HashExchange {
  readonly #deps: HashExchangeDeps
  readonly #wanted = new Map<number, LeafWant>()
  /** Pieces of a hybrid torrent whose leaves wait for their piece layer, being fetched. */
  readonly #awaitingLayer = new Set<number>()
  /** Layer answers being checked (no longer pending at any peer, not yet kept). */
  #checkingLayers = 0

  constructor(deps: HashExchangeDeps) {
    this.#deps = deps
  }

  onRequest(peer: PeerRecord, m: HashMessage<'hash-request'>): void {
    const { stats } = this.#deps
    const store = this.#deps.store()
    const request = copyRange(m)
    if (!store || hashesOf(peer).answering >= MAX_ANSWERS_PER_PEER) return this.#reject(peer, request)
    hashesOf(peer).answering++
    store.answer(request.piecesRoot, request, this.#deps.hasPiece, this.#deps.readPiece).then(
      (hashes) => {
        hashesOf(peer).answering--
        if (!hashes) return this.#reject(peer, request)
        stats.v2.requestsAnswered++
        peer.session.send({ type: 'hashes', ...request, hashes })
      },
      () => {
        hashesOf(peer).answering--
        this.#reject(peer, request)
      },
    )
  }

  onHashes(peer: PeerRecord, m: HashMessage<'hashes'>): void {
    const pending = this.#take(peer, m)
    // Hashes nobody asked for (or asked for too long ago) are not looked at.
    if (!pending) return
    const hashes = m.hashes.map((h) => h.slice())
    // Checking failed on our side (not a lie): ask another peer.
    this.#accept(peer, pending, hashes).catch(() => this.#failed(peer, pending))
  }

  onReject(peer: PeerRecord, m: HashMessage<'hash-reject'>): void {
    const pending = this.#take(peer, m)
    if (pending) this.#failed(peer, pending)
  }

  /** Asks a v2 peer for a piece's leaves (`preferred` first: the peer its blocks are requested from). */
  requestLeaves(piece: number, preferred: PeerRecord | null = null): void {
    const store = this.#deps.store()
    if (!store || store.leaves(piece)) return
    const g = store.geometry(piece)
    const range = g && leafRequest(g)
    if (!g || !range) return
    // A hybrid torrent before its piece layers arrive: nothing to prove leaves against yet. Wait while a peer
    // is asked for the layer; with nobody to ask, the piece is verified whole (SHA-1).
    if (!store.pieceHash(piece)) {
      if (this.#layerAsked()) this.#awaitingLayer.add(piece)
      else this.#deps.leavesUnavailable(piece)
      return
    }
    let want = this.#wanted.get(piece)
    if (want?.asked) return
    if (!want) this.#wanted.set(piece, (want = { tried: new Set(), asked: null }))
    const able = (p: PeerRecord) => p.session.v2 && !p.session.closed && !want.tried.has(p) && p.session.pieces?.get(piece) === true && hashesOf(p).pending.length < MAX_PENDING_PER_PEER
    const peer = preferred && able(preferred) ? preferred : this.#deps.peers().find(able)
    if (!peer) {
      this.#wanted.delete(piece)
      return this.#deps.leavesUnavailable(piece)
    }
    want.asked = peer
    this.#send(peer, { kind: 'leaves', root: g.file.piecesRoot!, range, piece, sentAt: this.#deps.clock.now() })
  }

  /** The piece is stored (or given up): no more interest in its leaves. */
  forget(piece: number): void {
    this.#wanted.delete(piece)
    this.#awaitingLayer.delete(piece)
  }

  /** Asks v2 peers for the piece layer chunks the store lacks (a torrent started from a magnet link). */
  requestLayers(): void {
    const store = this.#deps.store()
    if (!store || store.complete) return
    const now = this.#deps.clock.now()
    const asked = new Set<string>()
    for (const peer of this.#deps.peers()) for (const p of hashesOf(peer).pending) if (p.kind === 'layer') asked.add(layerKey(p.root, p.range.index))
    for (const need of store.missingLayers()) {
      if (asked.has(layerKey(need.root, need.range.index))) continue
      const peer = this.#deps
        .peers()
        .filter((p) => p.session.v2 && !p.session.closed && hashesOf(p).layersRefusedUntil <= now && hashesOf(p).pending.length < MAX_PENDING_PER_PEER)
        .sort((a, b) => hashesOf(a).pending.length - hashesOf(b).pending.length)[0]
      if (!peer) return
      this.#send(peer, { kind: 'layer', root: need.root, range: need.range, piece: -1, sentAt: now })
    }
  }

  /** Housekeeping: unanswered requests time out and go elsewhere; missing layers are asked for. */
  tick(): void {
    const now = this.#deps.clock.now()
    for (const peer of this.#deps.peers()) {
      const expired = hashesOf(peer).pending.filter((p) => now - p.sentAt >= HASH_REQUEST_TIMEOUT_MS)
      for (const p of expired) {
        hashesOf(peer).pending.splice(hashesOf(peer).pending.indexOf(p), 1)
        this.#failed(peer, p)
      }
    }
    this.requestLayers()
  }

  /** A peer left: what it was asked goes to others. */
  peerLeft(peer: PeerRecord): void {
    for (const p of hashesOf(peer).pending.splice(0)) this.#failed(peer, p)
  }

  #send(peer: PeerRecord, pending: PendingHashes): void {
    hashesOf(peer).pending.push(pending)
    this.#deps.stats.v2.requestsSent++
    peer.session.send({ type: 'hash-request', piecesRoot: pending.root, ...pending.range })
  }

  #layerAsked(): boolean {
    return this.#checkingLayers > 0 || this.#deps.peers().some((p) => p.hashes?.pending.some((x) => x.kind === 'layer'))
  }

  /** Pieces that waited for a layer chunk ask again: for their leaves, or (no layer coming) to be verified whole. */
  #retryAwaiting(): void {
    const pieces = [...this.#awaitingLayer]
    this.#awaitingLayer.clear()
    for (const piece of pieces) this.requestLeaves(piece)
  }

  #reject(peer: PeerRecord, request: HashRangeFields): void {
    this.#deps.stats.v2.requestsRejected++
    peer.session.send({ type: 'hash-reject', ...request })
  }

  #take(peer: PeerRecord, m: HashRangeFields): PendingHashes | null {
    const list = hashesOf(peer).pending
    const i = list.findIndex((p) => bytesEqual(p.root, m.piecesRoot) && sameRange(p.range, m))
    return i < 0 ? null : list.splice(i, 1)[0]!
  }

  async #accept(peer: PeerRecord, pending: PendingHashes, hashes: Uint8Array[]): Promise<void> {
    const store = this.#deps.store()
    if (!store) return
    let ok: boolean
    if (pending.kind === 'layer') {
      this.#checkingLayers++
      ok = await store.acceptLayer(pending.root, pending.range, hashes).finally(() => this.#checkingLayers--)
    } else ok = (await store.acceptLeaves(pending.piece, pending.range, hashes)) !== null
    if (!ok) {
      this.#failed(peer, pending)
      return this.#deps.liar(peer, new ProtocolError('BAD_HASHES', 'The peer sent merkle hashes that do not prove out against the torrent; it is banned from this torrent.'))
    }
    this.#deps.stats.v2.hashesAccepted++
    if (pending.kind === 'layer') {
      this.#deps.layerAdded()
      return this.#retryAwaiting()
    }
    this.#wanted.delete(pending.piece)
    this.#deps.leavesReady(pending.piece)
  }

  #failed(peer: PeerRecord, pending: PendingHashes): void {
    if (pending.kind === 'layer') {
      hashesOf(peer).layersRefusedUntil = this.#deps.clock.now() + LAYER_RETRY_MS
      return
    }
    const want = this.#wanted.get(pending.piece)
    if (!want || want.asked !== peer) return
    want.asked = null
    want.tried.add(peer)
    this.requestLeaves(pending.piece)
  }
}

function hashesOf(peer: PeerRecord): PeerHashes {
  return (peer.hashes ??= new PeerHashes())
}

function copyRange(m: HashRangeFields): HashRangeFields {
  return { piecesRoot: m.piecesRoot.slice(), baseLayer: m.baseLayer, index: m.index, length: m.length, proofLayers: m.proofLayers }
}

function layerKey(root: Uint8Array, index: number): string {
  return `${root.join(',')}:${index}`
}
