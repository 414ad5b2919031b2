/** BEP 3 / BEP 6 / BEP 10 message ids (the byte after the length prefix). */
export const MessageId = {
  CHOKE: 0,
  UNCHOKE: 1,
  INTERESTED: 2,
  NOT_INTERESTED: 3,
  HAVE: 4,
  BITFIELD: 5,
  REQUEST: 6,
  PIECE: 7,
  CANCEL: 8,
  PORT: 9,
  SUGGEST: 13,
  HAVE_ALL: 14,
  HAVE_NONE: 15,
  REJECT: 16,
  ALLOWED_FAST: 17,
  EXTENDED: 20,
} as const

/** Extended message id 0 is the BEP 10 extension handshake. */
export const EXTENDED_HANDSHAKE_ID = 0

export const PROTOCOL_NAME = 'BitTorrent protocol'
export const HANDSHAKE_LENGTH = 68

/** Block size every client (WebTorrent included) requests. */
export const BLOCK_LENGTH = 1 << 14

/** WebTorrent destroys the wire when asked for a block larger than this. */
export const MAX_REQUEST_LENGTH = 128 * 1024

/**
 * Largest accepted length prefix (id + payload). 1 MiB covers a bitfield for 8M pieces
 * (far past any torrent a browser can hold) and a piece message with a 128 KiB block,
 * plus 13 bytes for the piece header; anything bigger is a broken or hostile peer.
 */
export const MAX_MESSAGE_LENGTH = (1 << 20) + 13

export type WireMessage =
  | { type: 'keep-alive' }
  | { type: 'choke' }
  | { type: 'unchoke' }
  | { type: 'interested' }
  | { type: 'not-interested' }
  | { type: 'have'; index: number }
  | { type: 'bitfield'; bitfield: Uint8Array }
  | { type: 'request'; index: number; begin: number; length: number }
  | { type: 'piece'; index: number; begin: number; block: Uint8Array }
  | { type: 'cancel'; index: number; begin: number; length: number }
  | { type: 'port'; port: number }
  | { type: 'suggest'; index: number }
  | { type: 'have-all' }
  | { type: 'have-none' }
  | { type: 'reject'; index: number; begin: number; length: number }
  | { type: 'allowed-fast'; index: number }
  | { type: 'extended'; id: number; payload: Uint8Array }
  | { type: 'unknown'; id: number; payload: Uint8Array }

export type WireMessageType = WireMessage['type']

export interface Handshake {
  infoHash: Uint8Array
  peerId: Uint8Array
  reserved: Uint8Array
  /** BEP 10: reserved[5] & 0x10 */
  extended: boolean
  /** BEP 6: reserved[7] & 0x04 */
  fast: boolean
}

export type WireEvent = { type: 'handshake'; handshake: Handshake } | WireMessage
