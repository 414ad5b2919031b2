/** BEP 3 / BEP 6 / BEP 10 / BEP 52 message ids (the byte after the length prefix). */
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
  HASH_REQUEST: 21,
  HASHES: 22,
  HASH_REJECT: 23,
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

/** BEP 52: the 32-byte pieces root of a file, and the part of its merkle tree a hash message is about. */
export interface HashRangeFields {
  piecesRoot: Uint8Array
  /** 0 = block hashes; log2(piece length / 16 KiB) = piece hashes. */
  baseLayer: number
  /** First hash, counted in the base layer. */
  index: number
  /** Number of base-layer hashes. */
  length: number
  /** Layers of uncle hashes asked for, to prove the base hashes (see merkle/hash-request.ts). */
  proofLayers: number
}

/** Bytes of a hash request or hash reject payload: pieces root plus four 32-bit fields. */
export const HASH_RANGE_LENGTH = 48

/**
 * Most hashes one `hashes` message may carry: libtorrent asks for at most 8192 base hashes, and a proof
 * adds one uncle per tree layer (a file of 2^46 blocks has 46 layers).
 */
export const MAX_HASHES_PER_MESSAGE = 8192 + 64

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
  | ({ type: 'hash-request' } & HashRangeFields)
  /** `hashes`: the base hashes, then the uncle hashes that prove them, 32 bytes each (views into the message). */
  | ({ type: 'hashes'; hashes: Uint8Array[] } & HashRangeFields)
  | ({ type: 'hash-reject' } & HashRangeFields)
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
  /** BEP 52: reserved[7] & 0x10, the peer speaks BitTorrent v2. */
  v2: boolean
}

export type WireEvent = { type: 'handshake'; handshake: Handshake } | WireMessage
