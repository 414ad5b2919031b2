import { isDict, type BencodeDict, type BencodeValue } from '../bencode/index.ts'
import { brokenTorrent } from './errors.ts'
import { fileAttributes, lengthField, pathField, symlinkTarget, withAttributes } from './file-fields.ts'
import { cleanPath } from './paths.ts'
import type { TorrentFileEntry } from './types.ts'

/** More files than this is refused: such torrents are almost always hostile or broken. */
export const MAX_FILES = 100_000

// BitComet names its pad files like this instead of setting BEP 47's attr `p`.
const BITCOMET_PAD = '_____padding_file_'

function parseEntry(entry: BencodeValue, i: number, name: string, offset: number): TorrentFileEntry {
  const what = `file ${i + 1}`
  if (!isDict(entry)) brokenTorrent(`${what} is not a dictionary`)
  const attrs = fileAttributes(entry)
  const target = symlinkTarget(entry, attrs, [name], what)
  const length = lengthField(entry, what, target !== undefined)
  const raw = pathField(entry, 'path')
  if (entry['path'] !== undefined && raw === undefined) brokenTorrent(`${what} has a path that is not a list of names`)
  let parts: string[]
  if (raw !== undefined && raw.length > 0) parts = cleanPath(raw)
  else if (attrs.padding) parts = ['.pad', String(length)] // BEP 47 pad files need no path
  else brokenTorrent(`${what} has no path`)
  if (parts.some((p) => p.includes(BITCOMET_PAD))) attrs.padding = true
  const file = { path: [name, ...parts].join('/'), name: parts[parts.length - 1]!, length, offset }
  return withAttributes(file, attrs, target)
}

/** The `files` list of a multi-file info dictionary, laid end to end. */
function parseFileList(list: BencodeValue, name: string): TorrentFileEntry[] {
  if (!Array.isArray(list)) brokenTorrent('the "files" entry is not a list')
  if (list.length === 0) brokenTorrent('the file list is empty')
  if (list.length > MAX_FILES) brokenTorrent(`it lists ${list.length} files, more than the ${MAX_FILES} supported`)
  const files: TorrentFileEntry[] = []
  let offset = 0
  list.forEach((entry, i) => {
    const file = parseEntry(entry, i, name, offset)
    files.push(file)
    offset += file.length
    if (!Number.isSafeInteger(offset)) brokenTorrent('its total size is too large')
  })
  return files
}

/** The v1 half's files (BEP 3 `files` or `length`); undefined when the dictionary has neither. */
export function parseV1Files(dict: BencodeDict, name: string): TorrentFileEntry[] | undefined {
  if (dict['files'] !== undefined) return parseFileList(dict['files'], name)
  if (dict['length'] === undefined) return undefined
  return [{ path: name, name, length: lengthField(dict, 'the file', false), offset: 0 }]
}
