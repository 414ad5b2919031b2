/*
 * BitTorrent v2 for one torrent, composed: the hash store, the hash exchange and, once the piece engine
 * exists, the merkle assembler. The torrent runtime owns one for every torrent with a v2 half (v2-only
 * or hybrid) and hands the engine its hooks; nothing here runs for a v1 torrent.
 * Flow: prepare(info) → piece layers from the .torrent, or fetched from v2 peers → the engine is built
 * with hooks() → a piece's leaves are asked for as its blocks are first requested → every block is
 * verified on arrival → stored.
 */
import type { Clock } from '../../util/clock.ts'
import { InvalidInputError, type ProtocolError, type SwarmstreamError } from '../../util/errors.ts'
import type { Hasher } from '../../util/sha1.ts'
import type { MerkleTree } from '../../merkle/index.ts'
import type { InfoDictionary } from '../../metainfo/types.ts'
import type { BlockRequest } from '../../picker/index.ts'
import type { PeerStats } from '../../peer/peer-stats.ts'
import type { WireMessage } from '../../wire/index.ts'
import type { PeerRecord } from '../peer-record.ts'
import type { AssemblerDeps, BlockAssembler } from '../piece-assembler.ts'
import { HashExchange } from './hash-exchange.ts'
import { V2HashStore } from './hash-store.ts'
import { MerkleAssembler } from './merkle-assembler.ts'

export interface V2SessionDeps {
  clock: Clock
  stats: PeerStats
  peers: () => readonly PeerRecord[]
  /** SHA-256 of single blocks (WebCrypto by default). */
  sha256: Hasher
  /** Pieces we hold and their data (from the engine, once it exists). */
  hasPiece: (index: number) => boolean
  readPiece: (index: number) => Promise<Uint8Array | null>
  /** A peer sent hashes that fail their proof. */
  liar: (peer: PeerRecord, error: ProtocolError) => void
  /** The torrent cannot go on (a hybrid torrent whose halves disagree). */
  fail: (error: SwarmstreamError) => void
}

/** What the piece engine uses of v2 (see PieceEngineDeps.v2). */
export interface V2EngineHooks {
  /** Whole-piece check: resume after a reload, and pieces whose leaves nobody gave. */
  checkPiece(index: number, data: Uint8Array): Promise<boolean>
  /**
   * The block assembler. `v1` are the deps the v1 assembler gets; `whole` makes that assembler with another
   * piece check, for pieces verified whole.
   */
  assembler(v1: AssemblerDeps, whole: (checkPiece: (index: number, data: Uint8Array) => Promise<boolean>) => BlockAssembler, blockVerified: (index: number) => void): MerkleAssembler
  /** Blocks of these pieces are about to be requested from `peer`: ask it for their leaves first. */
  requesting(peer: PeerRecord, requests: readonly BlockRequest[]): void
  /** A piece is verified and stored. */
  stored(index: number): void
}

export class V2Session {
  store: V2HashStore | null = null
  readonly #deps: V2SessionDeps
  readonly #exchange: HashExchange
  #assembler: MerkleAssembler | null = null
  #layersKnown: (() => void) | null = null

  constructor(deps: V2SessionDeps) {
    this.#deps = deps
    this.#exchange = new HashExchange({
      clock: deps.clock,
      stats: deps.stats,
      peers: deps.peers,
      store: () => this.store,
      hasPiece: deps.hasPiece,
      readPiece: deps.readPiece,
      liar: deps.liar,
      leavesReady: (piece) => this.#assembler?.leavesReady(piece),
      leavesUnavailable: (piece) => this.#assembler?.leavesUnavailable(piece),
      layerAdded: () => {
        if (this.store?.complete) this.#layersKnown?.()
      },
    })
  }

  /**
   * Builds the hash store. A v2-only torrent needs every file's piece layer to verify anything: this resolves
   * once they are known (fetched from peers if need be). A hybrid torrent can verify by SHA-1 meanwhile: its
   * missing layers are fetched in the background, and pieces are verified whole until they are here.
   */
  async prepare(info: InfoDictionary, layers: ReadonlyMap<string, Uint8Array[]>, trees?: ReadonlyMap<string, MerkleTree>): Promise<V2HashStore> {
    const store = (this.store = await V2HashStore.create(info, layers, trees))
    if (store.complete) return store
    const known = new Promise<void>((resolve) => (this.#layersKnown = resolve))
    this.#exchange.requestLayers()
    if (info.version === 'v2') await known
    return store
  }

  /** The hash messages of the dispatch table. */
  onMessage(peer: PeerRecord, m: Extract<WireMessage, { type: 'hash-request' | 'hashes' | 'hash-reject' }>): void {
    if (m.type === 'hash-request') this.#exchange.onRequest(peer, m)
    else if (m.type === 'hashes') this.#exchange.onHashes(peer, m)
    else this.#exchange.onReject(peer, m)
  }

  peerJoined(peer: PeerRecord): void {
    if (!peer.session.v2) return
    this.#deps.stats.v2.peers++
    this.#exchange.requestLayers()
  }

  peerLeft(peer: PeerRecord): void {
    this.#exchange.peerLeft(peer)
  }

  tick(): void {
    this.#exchange.tick()
  }

  hooks(v1Check: ((index: number, data: Uint8Array) => Promise<boolean>) | null): V2EngineHooks {
    const store = this.store!
    // A hybrid piece whose piece layer is not known yet is checked by its SHA-1 alone.
    const checkPiece = async (index: number, data: Uint8Array) =>
      (!v1Check || (await v1Check(index, data))) && ((v1Check !== null && !store.pieceHash(index)) || (await store.checkPiece(index, data)))
    return {
      checkPiece,
      assembler: (v1, whole, blockVerified) =>
        (this.#assembler = new MerkleAssembler({
          picker: v1.picker,
          stats: v1.stats,
          store,
          sha256: this.#deps.sha256,
          v1Check,
          whole: whole(checkPiece),
          // Block sources of kind 'peer' are the swarm's peer records.
          wantLeaves: (index, from) => this.#exchange.requestLeaves(index, from.kind === 'peer' ? (from as PeerRecord) : null),
          passed: v1.passed,
          offence: v1.offence,
          inconsistent: (index) =>
            this.#deps.fail(new InvalidInputError('HYBRID_MISMATCH', `Piece ${index} matches the torrent's v2 hashes but not its v1 hashes: the torrent contradicts itself and cannot be downloaded.`)),
          blockVerified,
        })),
      requesting: (peer, requests) => {
        let last = -1
        for (const r of requests) {
          if (r.index === last) continue
          last = r.index
          this.#exchange.requestLeaves(r.index, peer)
        }
      },
      stored: (index) => {
        this.#exchange.forget(index)
        store.forgetLeaves(index)
      },
    }
  }
}
