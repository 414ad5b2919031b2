// Shared by the metainfo tests only (Node side: Buffer/Blob are fine here).
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import bencode from 'bencode'
import createTorrentNpm from 'create-torrent'
import type { SeedFileInput } from './seed-plan.ts'

export interface TestFile {
  path: string
  data: Uint8Array
}

export { pattern } from '../test-support/pattern.ts'

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

/**
 * The conformance corpus: `../shared/corpus` next to the repository (as in CI), or SWARMSTREAM_CORPUS
 * for a checkout elsewhere (a git worktree). Missing is an error, never a skip.
 */
export function corpusDir(): string {
  const candidates = [process.env['SWARMSTREAM_CORPUS'], resolve(process.cwd(), '../shared/corpus')].filter(
    (dir): dir is string => typeof dir === 'string' && dir !== '',
  )
  const found = candidates.find((dir) => existsSync(resolve(dir, 'expectations.json')))
  if (found === undefined) {
    throw new Error(
      `The conformance corpus is missing: no expectations.json in ${candidates.join(' or ')}. ` +
        'Put the shared corpus at ../shared/corpus (CI has it there) or point SWARMSTREAM_CORPUS at it.',
    )
  }
  return found
}

/** Every .torrent under the corpus folder, as `folder/file` paths like the expectations.json keys. */
export function corpusTorrents(): string[] {
  const out: string[] = []
  const walk = (rel: string): void => {
    for (const name of readdirSync(resolve(corpusDir(), rel))) {
      const path = rel === '' ? name : `${rel}/${name}`
      if (statSync(resolve(corpusDir(), path)).isDirectory()) walk(path)
      else if (name.endsWith('.torrent')) out.push(path)
    }
  }
  walk('')
  return out.sort()
}

export function readCorpusJson<T>(name: string): T {
  return JSON.parse(readFileSync(resolve(corpusDir(), name), 'utf8')) as T
}

/**
 * The rows of the README table under `heading`, keyed by the first column's `code` text.
 * The conformance tests allow exactly the exceptions README lists, so the two cannot drift apart.
 */
export function readmeTable(heading: string): Map<string, string[]> {
  const lines = readFileSync(resolve(process.cwd(), 'README.md'), 'utf8').split('\n')
  const start = lines.findIndex((line) => line.trim() === heading)
  if (start < 0) throw new Error(`README.md has no "${heading}" section`)
  const rows = new Map<string, string[]>()
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break
    if (!line.startsWith('|') || /^\|\s*-/.test(line)) continue
    const cells = line.split('|').slice(1, -1).map((c) => c.trim())
    const key = /^`([^`]+)`$/.exec(cells[0] ?? '')?.[1]
    if (key !== undefined) rows.set(key, cells.slice(1))
  }
  return rows
}
