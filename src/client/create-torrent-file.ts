import { InvalidInputError } from '../util/errors.ts'
import type { CreateTorrentOptions, SeedFileInput } from '../metainfo/create-torrent.ts'
import { formatMagnet } from '../metainfo/magnet.ts'
import type { Metainfo } from '../metainfo/types.ts'
import { toSeedFiles, type SeedInput } from './seed-input.ts'

export interface CreatedTorrentFile {
  /** The bytes of the .torrent file. */
  torrentFile: Uint8Array
  /** The torrent as `parseTorrentFile` reads it: info hash, files, piece hashes, trackers. */
  metainfo: Metainfo
  magnetURI: string
}

function isReader(item: unknown): item is SeedFileInput {
  return typeof item === 'object' && item !== null && !(item instanceof Blob) && typeof (item as SeedFileInput).read === 'function'
}

/**
 * Hashes files into a .torrent without seeding them, in a page, a worker or Node 20. The info dictionary
 * is create-torrent's (and so WebTorrent's) for the same files and options. Files are Blobs or Files (a
 * `path` or `webkitRelativePath` puts them in folders), or `{ path, length, read(start, end) }` readers.
 * No trackers are added unless `announce` lists them (`DEFAULT_TRACKERS` are WebTorrent's).
 */
export async function createTorrent(input: SeedInput | readonly SeedFileInput[], opts: CreateTorrentOptions = {}): Promise<CreatedTorrentFile> {
  const list = input instanceof Blob ? [input] : Array.from(input as ArrayLike<Blob | SeedFileInput>)
  const readers = list.filter(isReader)
  if (readers.length > 0 && readers.length < list.length) {
    throw new InvalidInputError('INVALID_SEED_INPUT', 'Give createTorrent either Blobs and Files or { path, length, read } readers, not both.')
  }
  const files = readers.length > 0 ? readers : toSeedFiles(list as Blob[])
  const { createFromFiles } = await import('./create.ts')
  const { metainfo, torrentFile } = await createFromFiles(files, { createdBy: 'Swarmstream', ...opts })
  const magnetURI = formatMagnet({
    infoHashHex: metainfo.infoHashHex,
    infoHashV2Hex: metainfo.infoHashV2Hex,
    version: metainfo.info.version,
    name: metainfo.info.name,
    trackers: metainfo.announce,
    webSeeds: metainfo.urlList,
  })
  return { torrentFile, metainfo, magnetURI }
}
