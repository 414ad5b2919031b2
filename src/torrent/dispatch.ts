import type { PeerStats } from '../peer/peer-stats.ts'
import { LOCAL_EXTENSIONS } from '../peer/peer-session.ts'
import type { WireMessage, WireMessageType } from '../wire/index.ts'
import type { MetadataExchange } from './metadata-exchange.ts'
import type { PeerRecord } from './peer-record.ts'
import type { RequestScheduler } from './request-scheduler.ts'
import type { Uploader } from './uploader.ts'
import type { V2Session } from './v2/v2-session.ts'

export interface PieceHandlers {
  scheduler: RequestScheduler
  uploader: Uploader
}

/** The concerns wire messages go to. `pieces()` is null until the torrent knows its metadata. */
export interface DispatchTargets {
  pieces: () => PieceHandlers | null
  metadata: MetadataExchange
  /** BEP 52 hash messages; null for a v1 torrent (the decoder then never produces them). */
  hashes?: () => V2Session | null
  stats: PeerStats
  /** Block bytes arrived from a peer (the torrent's 'download' event). */
  downloaded: (bytes: number) => void
}

type Handler<T extends WireMessageType> = (to: DispatchTargets, peer: PeerRecord, message: Extract<WireMessage, { type: T }>) => void

const ignore = () => undefined

/**
 * The peer's pieces changed. Before the metadata a peer that shows a piece is one we will want: saying so
 * at once lets its unchoke travel while the metadata does, so the first requests leave with the metadata.
 * Once the metadata is in, the scheduler sets interest from what we really want.
 */
function onPieces(to: DispatchTargets, peer: PeerRecord, shows: boolean): void {
  const pieces = to.pieces()
  if (pieces) return pieces.scheduler.onPieces(peer)
  if (shows && !peer.session.amInterested) peer.session.send({ type: 'interested' })
}

/**
 * Every wire message, by type, to the one concern that handles it. The peer session has applied the
 * protocol state (choke, interest, the peer's pieces) before; this is the only place messages go from.
 */
const HANDLERS: { [T in WireMessageType]: Handler<T> } = {
  'keep-alive': ignore,
  choke: (to, peer) => to.pieces()?.scheduler.onChoke(peer),
  unchoke: (to, peer) => to.pieces()?.scheduler.fill(peer),
  interested: (to, peer) => to.pieces()?.uploader.onInterested(peer),
  'not-interested': (to, peer) => to.pieces()?.uploader.onNotInterested(peer),
  have: (to, peer, m) => {
    const pieces = to.pieces()
    if (!pieces) return onPieces(to, peer, true)
    pieces.scheduler.onHave(peer, m.index)
    pieces.uploader.onHave(peer, m.index)
  },
  bitfield: (to, peer, m) => onPieces(to, peer, m.bitfield.some((byte) => byte !== 0)),
  'have-all': (to, peer) => onPieces(to, peer, true),
  // We never negotiate the fast extension (BEP 6): a peer without pieces is what we assume anyway.
  'have-none': ignore,
  request: (to, peer, m) => to.pieces()?.uploader.onRequest(peer, m.index, m.begin, m.length),
  cancel: (to, peer, m) => to.pieces()?.uploader.onCancel(peer, m.index, m.begin, m.length),
  piece: (to, peer, m) => {
    to.downloaded(m.block.length)
    to.stats.recordReceived(peer.id, m.block.length)
    const pieces = to.pieces()
    if (pieces) pieces.scheduler.onBlock(peer, m.index, m.begin, m.block)
    else to.stats.recordDiscarded(peer.id, m.block.length)
  },
  reject: (to, peer, m) => to.pieces()?.scheduler.onReject(peer, m.index, m.begin),
  port: ignore,
  suggest: ignore,
  'allowed-fast': ignore,
  // BEP 52: the decoder reads these only on a connection whose handshakes agreed on v2.
  // Until the v2 module is loaded, nothing is known to answer with.
  'hash-request': (to, peer, m) => {
    const v2 = to.hashes?.()
    if (v2) v2.onMessage(peer, m)
    else peer.session.send({ ...m, type: 'hash-reject' })
  },
  hashes: (to, peer, m) => to.hashes?.()?.onMessage(peer, m),
  'hash-reject': (to, peer, m) => to.hashes?.()?.onMessage(peer, m),
  extended: (to, peer, m) => {
    if (m.id === LOCAL_EXTENSIONS.ut_metadata) to.metadata.onMessage(peer, m.payload)
    else to.stats.unknownMessages++
  },
  unknown: (to) => {
    to.stats.unknownMessages++
  },
}

export function dispatch(to: DispatchTargets, peer: PeerRecord, message: WireMessage): void {
  ;(HANDLERS[message.type] as Handler<WireMessageType>)(to, peer, message as never)
}
