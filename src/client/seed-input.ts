import { InvalidInputError } from '../util/errors.ts'
import type { SeedFileInput } from '../metainfo/create-torrent.ts'

/** What `client.seed()` accepts. A File may carry a `path` (drag-and-drop folders) or `webkitRelativePath`. */
export type SeedInput = Blob | File | readonly (Blob | File)[] | FileList

export interface SeedFile extends SeedFileInput {
  blob: Blob
}

function pathOf(file: Blob, index: number): string {
  const withPath = file as Blob & { path?: unknown; webkitRelativePath?: string; name?: string }
  if (typeof withPath.path === 'string' && withPath.path) return withPath.path.replace(/^\/+/, '')
  if (withPath.webkitRelativePath) return withPath.webkitRelativePath
  return withPath.name || `file-${index}`
}

/** Turns the seed input into files with torrent paths, read lazily from the Blobs. */
export function toSeedFiles(input: SeedInput): SeedFile[] {
  const list: Blob[] = input instanceof Blob ? [input] : Array.from(input as ArrayLike<Blob>)
  if (list.length === 0) throw new InvalidInputError('NOTHING_TO_SEED', 'Choose at least one file to seed.')
  return list.map((blob, index) => ({
    blob,
    path: pathOf(blob, index),
    length: blob.size,
    read: async (start: number, end: number) => new Uint8Array(await blob.slice(start, end).arrayBuffer()),
  }))
}
