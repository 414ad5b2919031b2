// The seeding side of the library, a sibling module loaded with the first torrent made from files:
// a Client that only downloads never loads it.
import { createTorrent, type CreateTorrentOptions, type SeedFileInput } from '../metainfo/create-torrent.ts'
import { hashPiecesParallel } from './hash-workers.ts'

export { warmHashWorkers } from './hash-workers.ts'

/** `createTorrent` with v1 pieces hashed on workers where that pays (see hash-workers.ts). */
export function createFromFiles<T extends SeedFileInput>(files: readonly T[], opts: CreateTorrentOptions) {
  return createTorrent(files, opts, hashPiecesParallel)
}
