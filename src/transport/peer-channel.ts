import type { TypedEmitter } from '../util/typed-emitter.ts'

export interface PeerChannelEvents {
  [event: string]: (...args: never[]) => void
  /** Bytes from the remote side; the receiver owns the array afterwards. */
  data(chunk: Uint8Array): void
  /** The send buffer fell below the low-water mark. */
  drain(): void
  close(reason: string): void
}

/** A reliable, ordered byte pipe to one remote peer (a WebRTC data channel in the browser). */
export interface PeerChannel extends TypedEmitter<PeerChannelEvents> {
  /** A label for logs and stats, e.g. the remote address or tracker-given peer id. */
  readonly label: string
  readonly closed: boolean
  /**
   * Whether this side opened the connection (the WebRTC offerer, the TCP dialler); undefined when unknown.
   * On a hybrid torrent the other side answers the handshake instead of speaking first (BEP 52 upgrade).
   */
  readonly initiator?: boolean
  /** Bytes queued but not yet sent. */
  readonly bufferedAmount: number
  /**
   * Queues bytes for the remote: `data`, then `tail` when given (a piece header and its block, kept in
   * one channel message when they fit). The channel copies or sends them before it returns, so the
   * caller may reuse both.
   */
  send(data: Uint8Array, tail?: Uint8Array): void
  close(reason?: string): void
  /** Where 'drain' fires from now on (LOW_WATER_MARK until set); channels without it keep their own. */
  setLowWaterMark?(bytes: number): void
}

/** Stop writing above this many queued bytes; resume on 'drain'. Measured best on loopback: 1 MiB / 256 KiB. */
export const HIGH_WATER_MARK = 1024 * 1024
export const LOW_WATER_MARK = 256 * 1024
