import { isDict, type BencodeDict, type BencodeValue } from '../bencode/index.ts'
import { utf8Decode } from '../util/bytes.ts'
import { brokenTorrent } from './errors.ts'
import { fileAttributes, lengthField, symlinkTarget, withAttributes } from './file-fields.ts'
import { cleanPath } from './paths.ts'
import type { TorrentFileEntry } from './types.ts'
import { MAX_FILES } from './v1-files.ts'

/** A file of a BEP 52 `file tree`, before it is placed in the piece space. */
export type TreeFile = Omit<TorrentFileEntry, 'offset'>

const ROOT_LENGTH = 32
const binaryText = (key: string): string => utf8Decode(Uint8Array.from(key, (c) => c.charCodeAt(0)))

/** A leaf is a dictionary whose only key is the empty string. */
function leafOf(node: BencodeDict): BencodeDict | undefined {
  const keys = Object.keys(node)
  if (keys.length !== 1 || keys[0] !== '') return undefined
  const leaf = node['']
  return isDict(leaf) ? leaf : undefined
}

function piecesRoot(leaf: BencodeDict, length: number, what: string): Uint8Array | undefined {
  const root = leaf['pieces root']
  if (length === 0 && root === undefined) return undefined
  if (!(root instanceof Uint8Array) || root.length !== ROOT_LENGTH) brokenTorrent(`${what} has no 32-byte "pieces root"`)
  if (length > 0 && root.every((b) => b === 0)) brokenTorrent(`${what} has an all-zero "pieces root"`)
  return length > 0 ? root : undefined
}

function treeFile(leaf: BencodeDict, components: string[], root: string[]): TreeFile {
  const what = `the file ${JSON.stringify(components.join('/'))}`
  const attrs = fileAttributes(leaf)
  if (attrs.padding) brokenTorrent(`${what} in its v2 file tree is marked as a pad file, which BEP 52 forbids`)
  const target = symlinkTarget(leaf, attrs, root, what)
  const length = lengthField(leaf, what, target !== undefined)
  const parts = cleanPath(components)
  const file: TreeFile = { path: [...root, ...parts].join('/'), name: parts[parts.length - 1]!, length }
  const hash = target === undefined ? piecesRoot(leaf, length, what) : undefined
  if (hash) file.piecesRoot = hash
  return withAttributes(file as TorrentFileEntry, attrs, target)
}

/**
 * The files of a BEP 52 `file tree`, in its order (keys sorted bytewise, depth first). Paths start with
 * `name`, except in a single-file torrent (`singleFile`), whose one file is named by its own key.
 */
export function parseFileTree(tree: BencodeValue | undefined, name: string, hasV1List: boolean): { files: TreeFile[]; singleFile: boolean } {
  if (!isDict(tree)) brokenTorrent('its "file tree" is not a dictionary')
  const top = Object.keys(tree)
  const singleFile = !hasV1List && top.length === 1 && isDict(tree[top[0]!]) && leafOf(tree[top[0]!] as BencodeDict) !== undefined
  const files: TreeFile[] = []
  const walk = (node: BencodeDict, components: string[]): void => {
    // Object key order puts integer-like keys first; BEP 52 order is byte order.
    for (const key of Object.keys(node).sort()) {
      const child = node[key]
      if (key === '' || !isDict(child)) brokenTorrent('its "file tree" has an entry that is neither a file nor a folder')
      const path = [...components, binaryText(key)]
      const leaf = leafOf(child)
      if (leaf) files.push(treeFile(leaf, path, singleFile ? [] : [name]))
      else walk(child, path)
      if (files.length > MAX_FILES) brokenTorrent(`it lists more than the ${MAX_FILES} files supported`)
    }
  }
  walk(tree, [])
  if (files.length === 0) brokenTorrent('its "file tree" holds no file')
  return { files, singleFile }
}
