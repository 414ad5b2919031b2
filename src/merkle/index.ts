export {
  blockCount,
  climb,
  HASH_LENGTH,
  hashBlocks,
  hashPair,
  leafCount,
  log2,
  MERKLE_BLOCK_LENGTH,
  padHash,
  parentLayer,
  pieceLayerIndex,
  subtreeRoot,
  treeHeight,
} from './tree-math.ts'
export { hashRequestProblem, MAX_HASHES_PER_REQUEST, uncleCount, type HashRange } from './hash-request.ts'
export { MerkleTree } from './merkle-tree.ts'
export { pieceHash, verifyBlock, verifyHashes, verifyPieceLayer, verifyProof } from './verify.ts'
