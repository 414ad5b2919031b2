import { utf8Encode } from '../util/bytes.ts'
import { InvalidInputError } from '../util/errors.ts'

/** A file to seed. `read` returns exactly `end - start` bytes. */
export interface SeedFileInput {
  /** Relative and '/'-separated, e.g. "folder/sub/a.txt" or "a.txt". */
  path: string
  length: number
  read(start: number, end: number): Promise<Uint8Array>
}

export interface PlannedFile<T extends SeedFileInput = SeedFileInput> {
  input: T
  /** Path inside the torrent, without the torrent name. */
  path: string[]
  length: number
}

export interface SeedPlan<T extends SeedFileInput = SeedFileInput> {
  name: string
  singleFile: boolean
  files: PlannedFile<T>[]
}

// Hidden files that create-torrent leaves out (its `junk` rules that can match a name starting with '.').
const HIDDEN_JUNK = [
  /^\.DS_Store$/,
  /^\.AppleDouble$/,
  /^\.LSOverride$/,
  /^\._/,
  /^\..*\.swp$/,
  /^\.Spotlight-V100$/,
  /\.Trashes/,
  /~$/,
  /@eaDir$/,
]

/** True for hidden OS clutter (`.DS_Store`, `._x`, vim swap files…) that is not seeded. */
export function isJunkFileName(name: string): boolean {
  return name.startsWith('.') && HIDDEN_JUNK.some((re) => re.test(name))
}

function badInput(message: string): never {
  throw new InvalidInputError('INVALID_SEED_INPUT', message)
}

function splitPath(path: string): string[] {
  const parts = path.split('/')
  if (parts[0] === '') parts.shift()
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..' || /[\\\0]/.test(part)) {
      badInput(`Cannot seed "${path}": each part of a path must be a plain file or folder name.`)
    }
  }
  if (parts.length === 0) badInput('Cannot seed a file with an empty path: give every file a name.')
  return parts
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}

/** BEP 52 file tree order: folder by folder, names compared as UTF-8 bytes (what libtorrent writes). */
export function compareTreePaths(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const order = compareBytes(utf8Encode(a[i]!), utf8Encode(b[i]!))
    if (order !== 0) return order
  }
  return a.length - b.length
}

/**
 * Lays out files exactly as the npm `create-torrent` package does: input order is kept, a folder
 * shared by every file becomes the torrent name, hidden junk is dropped, and one remaining file
 * makes a single-file torrent. With `treeOrder` (v2 and hybrid torrents) the files are then sorted as
 * a BEP 52 file tree lists them, as libtorrent does.
 */
export function planSeed<T extends SeedFileInput>(inputs: readonly T[], name?: string, treeOrder = false): SeedPlan<T> {
  if (inputs.length === 0) badInput('Nothing to seed: choose at least one file.')
  const paths = inputs.map((input) => {
    if (!Number.isSafeInteger(input.length) || input.length < 0) {
      badInput(`Cannot seed "${input.path}": its length ${input.length} is not a byte count.`)
    }
    return splitPath(input.path)
  })

  // Computed before junk is dropped, as create-torrent does.
  const first = paths[0]!
  const prefix =
    inputs.length > 1 && paths.every((p) => p.length >= 2 && p[0] === first[0]) ? first[0] : undefined

  const files: PlannedFile<T>[] = []
  inputs.forEach((input, i) => {
    const path = paths[i]!
    if (isJunkFileName(path[path.length - 1]!)) return
    files.push({ input, path: prefix === undefined ? path : path.slice(1), length: input.length })
  })
  if (files.length === 0) badInput('Nothing to seed: every chosen file is hidden system clutter (like .DS_Store).')

  const firstPath = files[0]!.path
  const torrentName = name || prefix || firstPath[firstPath.length - 1]!
  if (/[/\\\0]/.test(torrentName) || torrentName === '.' || torrentName === '..') {
    badInput(`Cannot use "${torrentName}" as the torrent name: it must be a plain file or folder name.`)
  }
  if (treeOrder) files.sort((a, b) => compareTreePaths(a.path, b.path))
  return { name: torrentName, singleFile: files.length === 1, files }
}
