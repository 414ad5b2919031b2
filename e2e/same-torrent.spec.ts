// The same files with the same name and piece length give the same info hash in Swarmstream, in
// WebTorrent 3 (both in Chromium) and in the npm `create-torrent` package (in Node).
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { Page } from '@playwright/test'
import bencode from 'bencode'
import createTorrent from 'create-torrent'
import { openApp } from './support/app.ts'
import { newPeerPage } from './support/browser.ts'
import { makeTempDir, writeTestFile } from './support/files.ts'
import { expect, test } from './support/tracker.ts'
import { sortedByPath, WebTorrentPeer } from './support/webtorrent.ts'

interface FileSet {
  title: string
  /** Top folder for folder sets; files are relative to it. null: one file. */
  folder: string | null
  files: { path: string; size: number }[]
  name: string
  pieceLength: number
}

const SETS: FileSet[] = [
  {
    title: 'a single file',
    folder: null,
    files: [{ path: 'single.bin', size: 1_234_567 }],
    name: 'single (renamed).bin',
    pieceLength: 65_536,
  },
  {
    title: 'a folder with nested subfolders and a 0-byte file',
    folder: 'nested-set',
    files: [
      { path: 'top.bin', size: 100_001 },
      { path: 'empty.txt', size: 0 },
      { path: 'sub/a.bin', size: 50_000 },
      { path: 'sub/deeper/b.bin', size: 16_384 },
      { path: 'sub/deeper/deepest/c.txt', size: 999 },
    ],
    name: 'Nested set',
    pieceLength: 16_384,
  },
  {
    title: 'non-ASCII names',
    folder: 'unicode-set',
    files: [
      { path: '日本語 – ü.txt', size: 40_000 },
      { path: 'café/naïve.bin', size: 70_001 },
    ],
    name: 'ünïcødé – 名前',
    pieceLength: 32_768,
  },
]

const PICKER_ID = 'same-torrent-picker'

/** Seeds through the library API (not the UI) from an <input type=file> the test fills; resolves the info hash. */
async function swarmstreamSeed(
  page: Page,
  paths: string | string[],
  folder: boolean,
  set: FileSet,
): Promise<{ infoHash: string; paths: string[] }> {
  await page.evaluate(
    ({ id, folder }) => {
      document.getElementById(id)?.remove()
      const input = Object.assign(document.createElement('input'), { type: 'file', id, multiple: true, webkitdirectory: folder })
      document.body.append(input)
    },
    { id: PICKER_ID, folder },
  )
  await page.locator(`#${PICKER_ID}`).setInputFiles(paths)
  return page.evaluate(
    ({ id, name, pieceLength }) => {
      const input = document.getElementById(id) as HTMLInputElement
      const pathOf = (f: File) => f.webkitRelativePath || f.name
      const files = Array.from(input.files ?? []).sort((a, b) => (pathOf(a) < pathOf(b) ? -1 : pathOf(a) > pathOf(b) ? 1 : 0))
      return new Promise<{ infoHash: string; paths: string[] }>((resolve, reject) => {
        const torrent = window.swarmstream!.client.seed(files, { name, pieceLength }, (t) =>
          resolve({ infoHash: t.infoHash, paths: t.files.map((f) => f.path) }),
        )
        torrent.once('error', (err) => reject(new Error(`Swarmstream seed failed: ${err.code}: ${err.message}`)))
      })
    },
    { id: PICKER_ID, name: set.name, pieceLength: set.pieceLength },
  )
}

/** create-torrent in Node, given Files (with `fullPath` for folders) in the same path order. */
async function createTorrentInfoHash(dir: string, set: FileSet): Promise<string> {
  const entries = sortedByPath(
    set.files.map((f) => ({ ...f, relPath: set.folder ? `${set.folder}/${f.path}` : f.path })),
    (f) => f.relPath,
  )
  const files = await Promise.all(
    entries.map(async (f) => {
      const file = new File([await readFile(join(dir, f.relPath))], basename(f.relPath))
      expect(file.size, `${f.relPath} was written with its size`).toBe(f.size)
      return set.folder ? Object.assign(file, { fullPath: '/' + f.relPath }) : file
    }),
  )
  const torrent = await new Promise<Uint8Array>((resolve, reject) =>
    createTorrent(files, { name: set.name, pieceLength: set.pieceLength, announceList: [] }, (err, t) => (err ? reject(err) : resolve(t))),
  )
  const info = bencode.decode(torrent)['info']
  expect(info, 'create-torrent wrote an info dictionary').toBeTruthy()
  return createHash('sha1').update(bencode.encode(info)).digest('hex')
}

test.describe('the same files give the same info hash', () => {
  for (const set of SETS) {
    test(`${set.title}: Swarmstream = WebTorrent = create-torrent`, async ({ browser, baseURL, tracker }) => {
      const tmp = await makeTempDir()
      const swarmstream = await newPeerPage(browser, baseURL!, { label: 'Swarmstream', path: null })
      let webtorrent: WebTorrentPeer | null = null
      try {
        let seed = 300
        for (const f of set.files) {
          await writeTestFile(tmp.dir, set.folder ? `${set.folder}/${f.path}` : f.path, f.size, seed++)
        }
        const input = set.folder ? join(tmp.dir, set.folder) : join(tmp.dir, set.files[0]!.path)

        await openApp(swarmstream.page, baseURL!, tracker.url)
        const seeded = await swarmstreamSeed(swarmstream.page, input, set.folder !== null, set)
        const ours = seeded.infoHash
        // The folder structure reached the torrent (a flattened list would hash differently but agree everywhere).
        const expectedPaths = set.folder ? set.files.map((f) => `${set.name}/${f.path}`) : [set.name]
        expect([...seeded.paths].sort(), 'Swarmstream torrent file paths').toEqual(expectedPaths.sort())

        webtorrent = await WebTorrentPeer.open(browser, baseURL!, 'WebTorrent')
        const theirs = await webtorrent.seed(input, {
          announce: [tracker.url],
          name: set.name,
          pieceLength: set.pieceLength,
          folder: set.folder !== null,
        })
        const reference = await createTorrentInfoHash(tmp.dir, set)

        console.log(`[info-hash] ${set.title}: swarmstream ${ours}, webtorrent ${theirs.infoHash}, create-torrent ${reference}`)
        expect(ours, 'Swarmstream info hash is 40 hex').toMatch(/^[0-9a-f]{40}$/)
        expect(theirs.infoHash, 'WebTorrent info hash').toBe(reference)
        expect(ours, 'Swarmstream info hash = create-torrent').toBe(reference)
        expect(await webtorrent.errors()).toEqual([])
      } finally {
        await webtorrent?.context.close().catch(() => undefined)
        await swarmstream.context.close().catch(() => undefined)
        await tmp.cleanup()
      }
    })
  }
})
