export {
  BLOCK_LENGTH,
  EXTENDED_HANDSHAKE_ID,
  HANDSHAKE_LENGTH,
  HASH_RANGE_LENGTH,
  MAX_HASHES_PER_MESSAGE,
  MAX_MESSAGE_LENGTH,
  MAX_REQUEST_LENGTH,
  MessageId,
  PROTOCOL_NAME,
  type Handshake,
  type HashRangeFields,
  type WireEvent,
  type WireMessage,
  type WireMessageType,
} from './messages.ts'
export { encodeHandshake, encodeMessage, encodePieceHeader, type HandshakeOptions } from './encode.ts'
export { decodeHandshake, WireDecoder, type WireDecoderOptions } from './decoder.ts'
export { SS_MASKING, decodeExtensionHandshake, encodeExtensionHandshake, type ExtensionHandshake } from './extension-handshake.ts'
export {
  decodeUtMetadata,
  encodeUtMetadata,
  MAX_METADATA_SIZE,
  METADATA_PIECE_LENGTH,
  MetadataAssembler,
  metadataPieceCount,
  type UtMetadataMessage,
} from './ut-metadata.ts'
