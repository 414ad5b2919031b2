import type { BencodeDict, BencodeValue } from '../bencode/index.ts'
import { utf8Decode } from '../util/bytes.ts'
import { brokenTorrent } from './errors.ts'
import { cleanPath } from './paths.ts'
import type { TorrentFileEntry } from './types.ts'

/** The BEP 47 `attr` flags of a file entry, as optional fields of TorrentFileEntry. */
export type FileAttributes = Pick<TorrentFileEntry, 'padding' | 'executable' | 'hidden'> & { symlinkFlag?: true }

export function fileAttributes(dict: BencodeDict): FileAttributes {
  const attr = dict['attr']
  const flags = attr instanceof Uint8Array ? utf8Decode(attr) : ''
  const out: FileAttributes = {}
  if (flags.includes('p')) out.padding = true
  if (flags.includes('l')) out.symlinkFlag = true
  if (flags.includes('x')) out.executable = true
  if (flags.includes('h')) out.hidden = true
  return out
}

/** Prefers the `<key>.utf-8` variant some clients add next to a legacy-encoded value. */
export function textField(dict: BencodeDict, key: string): string | undefined {
  const preferred = dict[`${key}.utf-8`]
  const value = preferred instanceof Uint8Array ? preferred : dict[key]
  return value instanceof Uint8Array ? utf8Decode(value) : undefined
}

const isPath = (v: BencodeValue | undefined): v is Uint8Array[] => Array.isArray(v) && v.every((c) => c instanceof Uint8Array)

/** A list of path components (`path`, `path.utf-8`, `symlink path`); undefined when absent or not all strings. */
export function pathField(dict: BencodeDict, key: string): string[] | undefined {
  const preferred = dict[`${key}.utf-8`]
  const value = isPath(preferred) ? preferred : dict[key]
  return isPath(value) ? value.map(utf8Decode) : undefined
}

/** A file's length: a non-negative integer; symlinks have none (they hold no data). */
export function lengthField(dict: BencodeDict, what: string, symlink: boolean): number {
  if (symlink) return 0
  const length = dict['length']
  if (typeof length !== 'number') brokenTorrent(`${what} has no length`)
  if (length < 0) brokenTorrent(`${what} has a negative length (${length})`)
  return length
}

/**
 * The BEP 47 `symlink path`, cleaned and joined like a file path under `root`. Undefined when the entry
 * is not a symlink or has no target (libtorrent then treats it as an empty file).
 */
export function symlinkTarget(dict: BencodeDict, attrs: FileAttributes, root: string[], what: string): string | undefined {
  if (!attrs.symlinkFlag) return undefined
  const raw = dict['symlink path']
  if (raw === undefined) return undefined
  const target = pathField(dict, 'symlink path')
  if (target === undefined) brokenTorrent(`${what} is a symlink whose target is not a list of names`)
  return [...root, ...cleanPath(target)].join('/')
}

/** Copies the attribute flags a TorrentFileEntry keeps. */
export function withAttributes(entry: TorrentFileEntry, attrs: FileAttributes, symlink: string | undefined): TorrentFileEntry {
  if (attrs.padding) entry.padding = true
  if (attrs.executable) entry.executable = true
  if (attrs.hidden) entry.hidden = true
  if (symlink !== undefined) entry.symlink = symlink
  return entry
}
