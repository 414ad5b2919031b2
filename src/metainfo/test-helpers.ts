// Shared by the metainfo tests only (Node side: Buffer/Blob are fine here).
import { createHash } from 'node:crypto'
import bencode from 'bencode'
import createTorrentNpm from 'create-torrent'
import type { SeedFileInput } from './seed-plan.ts'

export interface TestFile {
  path: string
  data: Uint8Array
}

/** Deterministic non-trivial bytes. */
export function pattern(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed * 2654435761
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

/** A .torrent made by the npm create-torrent package from Blobs (the browser path WebTorrent uses). */
export function referenceTorrent(
  files: TestFile[],
  opts: { name?: string; pieceLength?: number; private?: boolean } = {},
): Promise<Uint8Array> {
  const blobs = files.map((f) => Object.assign(new Blob([f.data as Uint8Array<ArrayBuffer>]), { name: f.path }))
  return new Promise((resolve, reject) => {
    createTorrentNpm(blobs, { ...opts, announceList: [], creationDate: 1_700_000_000_000 }, (err, torrent) =>
      err ? reject(err) : resolve(new Uint8Array(torrent)),
    )
  })
}

/** Info hash computed independently of our code: npm bencode re-encoding + Node's SHA-1. */
export function referenceInfoHash(torrent: Uint8Array): string {
  const info = bencode.decode(torrent)['info']
  return createHash('sha1').update(bencode.encode(info)).digest('hex')
}

export function seedInputs(files: TestFile[]): SeedFileInput[] {
  return files.map((f) => ({
    path: f.path,
    length: f.data.length,
    read: async (start, end) => f.data.subarray(start, end),
  }))
}
