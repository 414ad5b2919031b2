import { utf8Decode, utf8Encode } from '../util/bytes.ts'
import { brokenTorrent } from './errors.ts'
import type { TorrentFileEntry } from './types.ts'

// Separators would change the path's shape; the bidirectional controls can disguise a name
// ("evil‮txt.exe"). Both are removed, as libtorrent does.
const REMOVED = /[/\\\u200e\u200f\u202a-\u202e]/g
// Control characters cannot be part of a file name on most systems; libtorrent writes `_` for them.
const CONTROL = /[\u0000-\u001f]/g

// File systems allow 255 bytes per name; libtorrent keeps 240 and the extension.
const MAX_COMPONENT_BYTES = 240

function shortened(component: string): string {
  const bytes = utf8Encode(component)
  if (bytes.length <= MAX_COMPONENT_BYTES) return component
  let cut = MAX_COMPONENT_BYTES
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut-- // not inside a UTF-8 sequence
  const dot = component.lastIndexOf('.')
  const extension = dot > 0 && component.length - dot < 10 ? component.slice(dot) : ''
  return utf8Decode(bytes.subarray(0, cut)) + extension
}

/**
 * Makes one path component safe: separators and direction overrides removed, control characters
 * replaced by `_`, more than 240 bytes cut (keeping the extension). Null when nothing usable is left
 * (empty, `.` or `..`): the component is dropped.
 */
export function sanitizeComponent(component: string): string | null {
  const clean = component.replace(REMOVED, '').replace(CONTROL, '_')
  return clean === '' || clean === '.' || clean === '..' ? null : shortened(clean)
}

/** The components that survive cleaning; `_` when none does (libtorrent's name for such a file). */
export function cleanPath(components: readonly string[]): string[] {
  const clean = components.map(sanitizeComponent).filter((c): c is string => c !== null)
  return clean.length > 0 ? clean : ['_']
}

/** More failed rename attempts than this means a hostile torrent (libtorrent refuses such too). */
export const MAX_RENAME_ATTEMPTS = 1000

const lower = (path: string): string => path.replace(/[A-Z]/g, (c) => c.toLowerCase())

function renamed(path: string, n: number): string {
  const slash = path.lastIndexOf('/')
  const dot = path.lastIndexOf('.')
  const split = dot > slash ? dot : path.length
  return `${path.slice(0, split)}.${n}${path.slice(split)}`
}

/**
 * Gives every file a path no other file or folder of the torrent has (compared case-insensitively, since
 * the files may be saved where case does not count): the later file is renamed `bar.1.txt`, `bar.2.txt`…
 * as libtorrent does. Pad files of one size may share a path, and their folders hold nothing. Renames in place.
 */
export function renameDuplicates(files: TorrentFileEntry[]): void {
  const taken = new Map<string, TorrentFileEntry | null>()
  for (const file of files) {
    // A pad file is never saved: its folder (`a.bin/.pad/…` after a single file) is no folder of the torrent.
    if (file.padding) continue
    for (let slash = file.path.indexOf('/'); slash >= 0; slash = file.path.indexOf('/', slash + 1)) {
      taken.set(lower(file.path.slice(0, slash)), null)
    }
  }
  let attempts = 0
  for (const file of files) {
    const holder = taken.get(lower(file.path))
    if (holder === undefined) {
      taken.set(lower(file.path), file)
      continue
    }
    if (holder?.padding && file.padding && holder.length === file.length) continue
    for (let n = 1; ; n++) {
      const candidate = renamed(file.path, n)
      if (!taken.has(lower(candidate))) {
        file.path = candidate
        file.name = candidate.slice(candidate.lastIndexOf('/') + 1)
        taken.set(lower(candidate), file)
        break
      }
      if (++attempts > MAX_RENAME_ATTEMPTS) {
        brokenTorrent(`it repeats file names so often that more than ${MAX_RENAME_ATTEMPTS} renames would be needed`)
      }
    }
  }
}
