// Every .torrent of the shared corpus against what its source project's tests expect (expectations.json),
// parse-torrent's answer for files without an entry, and libtorrent's answer where the sources disagree.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import parseTorrent from 'parse-torrent'
import { afterAll, describe, expect, it } from 'vitest'
import { bytesEqual } from '../util/bytes.ts'
import { parseTorrentFile } from './torrent-file.ts'
import type { Metainfo } from './types.ts'
import { corpusDir, corpusTorrents, readCorpusJson, readmeTable } from './test-helpers.ts'

interface Expectation {
  expect: 'accept' | 'reject'
  source: string
  infoHash?: string
  name?: string
  fileCount?: number
  minFileCount?: number
  /** By file index, libtorrent's spelling: `_` stands for a component dropped while cleaning the path. */
  paths?: Record<string, string>
  lengths?: Record<string, number>
  padFiles?: number[]
  pieceLength?: number
  creationDate?: number | null
  firstTracker?: string
  trackers?: string[]
  webSeeds?: string[]
  webSeedCount?: number
  infoDictOffset?: number
  infoDictSize?: number
  v1?: boolean
  v2?: boolean
  v2Hash?: string
}

/**
 * Files whose sources disagree: libtorrent's answer is used (checked with Debian's python3-libtorrent 2.0.8,
 * which loads both). Each entry says which source is overruled and why.
 */
const LIBTORRENT_OVERRULES: Record<string, Expectation & { why: string }> = {
  'transmission/dup-files.torrent': {
    expect: 'accept',
    source: 'libtorrent: duplicate_files.torrent in test_torrent_info.cpp (duplicates are renamed)',
    fileCount: 3,
    paths: { 2: 'ThisIsMyTorrent/file1.1.txt' },
    why: 'Transmission refuses a duplicate path; libtorrent renames the second file file1.1.txt and loads it',
  },
  'anacrolix/testdata__bittorrent-v2-test.torrent': {
    expect: 'accept',
    source: 'libtorrent 2.0.8 loads it (v2-only, like v2_only.torrent in test_torrent_info.cpp)',
    v1: false,
    v2: true,
    v2Hash: 'caf1e1c30e81cb361b9ee167c4aa64228a7fa4fa9f6105232b28ad099f3a302e',
    why: 'parse-torrent refuses every v2-only torrent (no "pieces"); libtorrent loads them',
  },
}

const TORRENT_EXCEPTIONS = readmeTable('#### Torrent files')

type Outcome = { ok: true; meta: Metainfo } | { ok: false; error: Error }

const withoutDropped = (path: string): string =>
  path
    .split('/')
    .filter((c) => c !== '_')
    .join('/')

function fileChecks(e: Expectation, meta: Metainfo, problems: string[]): void {
  const files = meta.info.files
  if (e.fileCount !== undefined && files.length !== e.fileCount) problems.push(`${files.length} files, expected ${e.fileCount}`)
  if (e.minFileCount !== undefined && files.length < e.minFileCount) problems.push(`${files.length} files, expected ≥ ${e.minFileCount}`)
  for (const [i, want] of Object.entries(e.paths ?? {})) {
    const got = files[Number(i)]?.path ?? '(none)'
    if (withoutDropped(got) !== withoutDropped(want)) problems.push(`file ${i} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`)
  }
  for (const [i, want] of Object.entries(e.lengths ?? {})) {
    if (files[Number(i)]?.length !== want) problems.push(`file ${i} has length ${files[Number(i)]?.length}, expected ${want}`)
  }
  for (const i of e.padFiles ?? []) if (!files[i]?.padding) problems.push(`file ${i} is not marked as a pad file`)
}

function fieldChecks(e: Expectation, meta: Metainfo, bytes: Uint8Array, problems: string[]): void {
  const check = (what: string, got: unknown, want: unknown): void => {
    if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${what} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`)
  }
  const version = meta.info.version ?? 'v1'
  if (e.infoHash !== undefined) check('infoHash', meta.infoHashHex, e.infoHash)
  if (e.name !== undefined) check('name', meta.info.name, e.name)
  if (e.pieceLength !== undefined) check('pieceLength', meta.info.pieceLength, e.pieceLength)
  if (e.creationDate !== undefined) check('creationDate', meta.creationDate ?? null, e.creationDate)
  if (e.firstTracker !== undefined) check('first tracker', meta.announce[0], e.firstTracker)
  if (e.trackers !== undefined) check('trackers', meta.announce, e.trackers)
  if (e.webSeeds !== undefined) check('web seeds', meta.urlList, e.webSeeds)
  if (e.webSeedCount !== undefined) check('web seed count', meta.urlList.length, e.webSeedCount)
  if (e.v1 !== undefined) check('has a v1 half', version !== 'v2', e.v1)
  if (e.v2 !== undefined) check('has a v2 half', version !== 'v1', e.v2)
  if (e.v2Hash !== undefined) check('v2 info hash', meta.infoHashV2Hex, e.v2Hash)
  if (e.infoDictOffset !== undefined && e.infoDictSize !== undefined) {
    const stored = bytes.subarray(e.infoDictOffset, e.infoDictOffset + e.infoDictSize)
    if (!bytesEqual(stored, meta.info.raw)) problems.push('the info bytes are not the ones stored in the file')
  }
}

function judge(e: Expectation, outcome: Outcome, bytes: Uint8Array): string[] {
  if (e.expect === 'reject') return outcome.ok ? ['accepted, expected a refusal'] : []
  if (!outcome.ok) return [`refused (${outcome.error.message}), expected to load`]
  const problems: string[] = []
  fileChecks(e, outcome.meta, problems)
  fieldChecks(e, outcome.meta, bytes, problems)
  return problems
}

/** parse-torrent's answer, for the files no source test speaks about. */
async function parseTorrentExpectation(bytes: Uint8Array): Promise<Expectation> {
  try {
    const p = await parseTorrent(bytes)
    return {
      expect: 'accept',
      source: 'parse-torrent (no test lists this file)',
      infoHash: p.infoHash,
      name: p.name,
      fileCount: p.files.length,
      paths: Object.fromEntries(p.files.map((f, i) => [i, f.path.split('\\').join('/')])),
      lengths: Object.fromEntries(p.files.map((f, i) => [i, f.length])),
      trackers: p.announce,
    }
  } catch {
    return { expect: 'reject', source: 'parse-torrent refuses it' }
  }
}

describe('conformance: every .torrent of the shared corpus', () => {
  const expectations = readCorpusJson<Record<string, Expectation>>('expectations.json')
  const files = corpusTorrents()
  const agreed: string[] = []
  const usedExceptions = new Set<string>()

  it('has all 169 files', () => expect(files).toHaveLength(169))

  for (const file of files) {
    it(file, async () => {
      const bytes = new Uint8Array(readFileSync(resolve(corpusDir(), file)))
      const e = LIBTORRENT_OVERRULES[file] ?? expectations[file] ?? (await parseTorrentExpectation(bytes))
      let outcome: Outcome
      try {
        outcome = { ok: true, meta: await parseTorrentFile(bytes) }
      } catch (error) {
        outcome = { ok: false, error: error as Error }
      }
      const problems = judge(e, outcome, bytes)
      if (problems.length === 0) agreed.push(file)
      if (TORRENT_EXCEPTIONS.has(file)) {
        usedExceptions.add(file)
        expect(problems, `${file} is a README exception but agrees with ${e.source}: remove the exception`).not.toEqual([])
        return
      }
      expect(problems, `${file} (${e.source})`).toEqual([])
    })
  }

  it('every README exception is used', () => {
    expect([...TORRENT_EXCEPTIONS.keys()].filter((k) => !usedExceptions.has(k))).toEqual([])
  })

  afterAll(() => {
    console.log(`corpus torrents: ${agreed.length}/${files.length} agree with their sources`)
  })
})
