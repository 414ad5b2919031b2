import { iceServerKinds } from '../util/ice-servers.ts'

/** An ICE candidate's kind, as `RTCIceCandidate.type` names it. */
export type CandidateKind = 'host' | 'srflx' | 'relay'

interface CandidateEvent {
  candidate: { type?: string | null; protocol?: string | null } | null
}

/** What this needs of a simple-peer Peer (@thaunknown/simple-peer 10 internals). */
export interface GatheringPeer {
  initiator?: boolean
  config?: RTCConfiguration
  _pc?: { addEventListener(type: 'icecandidate', listener: (event: CandidateEvent) => void): void } | null
  _iceComplete?: boolean
  _createOffer?: () => void
  emit(event: '_iceComplete'): unknown
}

/** What bittorrent-tracker's WebSocketTracker makes its peers with (an own property once wrapped). */
export interface PeerMakingTracker {
  _createPeer?: (opts?: object) => unknown
}

/** One UDP candidate of each of these kinds is all a browser peer can use from us under `config`. */
export function udpKindsToWaitFor(config: RTCConfiguration = {}): Set<CandidateKind> {
  const servers = iceServerKinds(config)
  const kinds = new Set<CandidateKind>()
  if (servers.turn) kinds.add('relay')
  if (config.iceTransportPolicy === 'relay') return kinds
  kinds.add('host')
  if (servers.stun) kinds.add('srflx')
  return kinds
}

/** Candidates of one gathering step arrive within a few ms; the TCP step comes ~0.1 s later. */
export const UDP_SETTLE_MS = 20

/**
 * bittorrent-tracker's peers do not trickle: an offer or answer leaves only once ICE gathering completes,
 * and Chromium completes it only after its TCP host candidates, ~0.11 s after the UDP ones. WebRTC peers in
 * browsers connect over UDP (TCP candidates matter only where UDP is blocked, and TURN serves there), so the
 * description is sent once one UDP candidate of every kind the configuration can yield is in and no other
 * UDP candidate (another network's) came for UDP_SETTLE_MS. If a kind never comes (an unreachable STUN
 * server), gathering completes as before.
 */
export function sendOnUdpCandidates(peer: GatheringPeer, settleMs = UDP_SETTLE_MS): void {
  const pc = peer._pc
  if (!pc) return
  const waiting = udpKindsToWaitFor(peer.config)
  let timer: ReturnType<typeof setTimeout> | undefined
  const send = () => {
    if (peer._iceComplete) return
    peer._iceComplete = true
    peer.emit('_iceComplete')
  }
  pc.addEventListener('icecandidate', ({ candidate }) => {
    if (candidate?.protocol !== 'udp') return
    waiting.delete(candidate.type as CandidateKind)
    if (waiting.size > 0) return
    clearTimeout(timer)
    timer = setTimeout(send, settleMs)
  })
}

/**
 * simple-peer makes its first offer in a `setTimeout(0)` after construction, which on a page that just
 * changed its DOM waits for the next frame to render (20–40 ms measured). This makes it in a microtask
 * instead, and swallows the deferred call once; later (re)negotiations go through simple-peer as before.
 */
export function offerAtOnce(peer: GatheringPeer): void {
  const create = peer._createOffer
  if (!peer.initiator || typeof create !== 'function') return
  peer._createOffer = () => {
    delete peer._createOffer
  }
  // simple-peer queued its negotiation microtask in the constructor; this runs after it.
  queueMicrotask(() => create.call(peer))
}

/** Every peer the trackers make from now on (offers and answers) leaves as early as it can. */
export function promptPeers(trackers: readonly PeerMakingTracker[]): void {
  for (const tracker of trackers) {
    const create = tracker._createPeer
    if (typeof create !== 'function') continue
    tracker._createPeer = function (this: PeerMakingTracker, opts?: object) {
      const peer = create.call(this, opts) as GatheringPeer
      offerAtOnce(peer)
      sendOnUdpCandidates(peer)
      return peer
    }
  }
}
