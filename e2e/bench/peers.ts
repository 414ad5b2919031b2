// The two clients under test, driven the same way: a Swarmstream app page (window.swarmstream.client)
// and a WebTorrent page (window.wt). Each peer is a page on its own origin in the Lab's browser.
import type { Page } from '@playwright/test'
import { appUrl, infoHashOf, seedFiles } from '../support/app.ts'
import { resolve } from 'node:path'
import type { Lab } from './lab.ts'
import { devServerName, sourceMapNamer, type Namer } from './profile.ts'
import { startWtServer, wtDist, type WtPackage } from './wt-server.ts'

/** `webtorrent`: WebTorrent 3; `webtorrent-2`: WebTorrent 2.8.5 (its OPFS store is per origin, and so is every peer here). */
export type ClientKind = 'swarmstream' | 'webtorrent' | 'webtorrent-2'

export const CLIENT_LABELS: Record<ClientKind, string> = {
  swarmstream: 'Swarmstream',
  webtorrent: 'WebTorrent 3',
  'webtorrent-2': 'WebTorrent 2.8.5',
}

/** How a profile of this client's page names its functions (WebTorrent's bundle through its source map). */
export function namerFor(kind: ClientKind): Namer {
  if (kind === 'swarmstream') return devServerName
  return sourceMapNamer('/webtorrent.min.js', resolve(wtDist(kind), 'webtorrent.min.js.map'))
}

interface WtTorrentLike {
  infoHash: string
  magnetURI: string
  done: boolean
  uploaded: number
  files: { streamTo(el: HTMLMediaElement): void }[]
  once(event: string, fn: (...args: unknown[]) => void): void
  on(event: string, fn: (...args: unknown[]) => void): void
  destroy(opts: { destroyStore: boolean }, cb: () => void): void
}
interface WtClientLike {
  torrents: WtTorrentLike[]
  seed(files: File[], opts: { announce: string[] }, cb: (t: WtTorrentLike) => void): WtTorrentLike
  add(id: string, opts: { announce: string[] }, cb?: (t: WtTorrentLike) => void): WtTorrentLike
  throttleUpload(rate: number): void
  createServer(opts: { controller: ServiceWorkerRegistration }): unknown
}
declare global {
  interface Window {
    wtBench?: WtClientLike
  }
}

export interface Seeded {
  magnet: string
  infoHash: string
  /** From the files' arrival in the page to the magnet link (Swarmstream: shown in the UI; WebTorrent: seed callback). */
  ms: number
}

/** How long a person spends in the file chooser between opening it and confirming (see SeedHow). */
export const PICKING_MS = 1000

/**
 * `input`: the files are set on the input directly (no hint beforehand). `chooser` (Swarmstream): as a person
 * does it, the "Share files" button is pressed, the chooser stays open PICKING_MS, then the files are
 * confirmed; the clock starts at the confirmation.
 */
export type SeedHow = 'input' | 'chooser'

export interface BenchPeer {
  kind: ClientKind
  page: Page
  seed(path: string, how?: SeedHow): Promise<Seeded>
  /** Adds the magnet and resolves when done; returns ms from add() to done. */
  download(magnet: string): Promise<number>
  /** Waits until seeding needs no more work of its own (Swarmstream: the dropped files are copied into IndexedDB). */
  settle(infoHash: string): Promise<void>
  setUploadLimit(bytesPerSecond: number): Promise<void>
  uploaded(infoHash: string): Promise<number>
  /** Removes the torrent and its stored pieces, then closes the page. */
  dispose(infoHash?: string): Promise<void>
}

export interface PeerOptions {
  /** Runs in the page before its own scripts (e.g. the phase probe). */
  init?: () => void
  /** More URL parameters for a Swarmstream app page (e.g. `storage=indexeddb`). */
  appParams?: Record<string, string>
}

export async function openPeer(lab: Lab, kind: ClientKind, trackerUrl: string, label: string, opts: PeerOptions = {}): Promise<BenchPeer> {
  return kind === 'swarmstream' ? openSwarmstream(lab, trackerUrl, label, opts) : openWebTorrent(lab, kind, trackerUrl, label, opts)
}

async function openSwarmstream(lab: Lab, trackerUrl: string, label: string, opts: PeerOptions): Promise<BenchPeer> {
  const origin = await lab.appOrigin()
  const url = new URL(appUrl(origin, trackerUrl))
  for (const [k, v] of Object.entries(opts.appParams ?? {})) url.searchParams.set(k, v)
  const page = await lab.openPage(origin, url.toString(), label, opts.init)
  await page.getByTestId('magnet-input').waitFor({ state: 'visible', timeout: 30_000 })
  return {
    kind: 'swarmstream',
    page,
    async seed(path, how = 'input') {
      let start: number
      if (how === 'chooser') {
        const opened = page.waitForEvent('filechooser')
        await page.locator('label', { has: page.getByTestId('seed-files-input') }).click()
        const chooser = await opened
        await page.waitForTimeout(PICKING_MS)
        start = performance.now()
        await chooser.setFiles(path)
      } else {
        start = performance.now()
        await seedFiles(page, path)
      }
      const handle = await page.waitForFunction(
        () => {
          const links = document.querySelectorAll<HTMLInputElement>('[data-testid="magnet-link"]')
          const value = links[links.length - 1]?.value ?? ''
          return value.startsWith('magnet:') ? value : null
        },
        undefined,
        { polling: 10, timeout: 300_000 },
      )
      const ms = performance.now() - start
      const magnet = (await handle.jsonValue()) as string
      return { magnet, infoHash: infoHashOf(magnet), ms }
    },
    download: (magnet) =>
      page.evaluate(async (magnet) => {
        const start = performance.now()
        const t = window.swarmstream!.client.add(magnet)
        await new Promise<void>((resolve, reject) => {
          if (t.done) return resolve()
          t.once('done', () => resolve())
          t.once('error', (e) => reject(e))
        })
        return performance.now() - start
      }, magnet),
    async settle(infoHash) {
      await page.waitForFunction((h) => window.swarmstream!.client.get(h)?.persisted === true, infoHash, { polling: 100, timeout: 600_000 })
    },
    setUploadLimit: (rate) => page.evaluate((rate) => void (window.swarmstream!.client.uploadLimit = rate), rate),
    uploaded: (infoHash) => page.evaluate((h) => window.swarmstream!.client.get(h)?.uploaded ?? 0, infoHash),
    async dispose(infoHash) {
      if (infoHash) {
        await page
          .evaluate((h) => window.swarmstream!.client.remove(h, { destroyStore: true }), infoHash)
          .catch((err: unknown) => console.warn(`[bench] ${label}: remove failed: ${(err as Error).message}`))
      }
      await page.close()
    },
  }
}

async function openWebTorrent(lab: Lab, kind: WtPackage, trackerUrl: string, label: string, opts: PeerOptions): Promise<BenchPeer> {
  const server = await startWtServer(lab.nextHost(), kind)
  lab.own(server)
  const page = await lab.openPage(server.url, '/', label, opts.init)
  await page.waitForFunction(() => window.wtReady === true, undefined, { timeout: 30_000 })
  await page.evaluate(() => {
    const client = new window.WebTorrent!({ tracker: { rtcConfig: { iceServers: [] } } })
    window.wtBench = client as unknown as WtClientLike
  })
  const announce = [trackerUrl]
  return {
    kind,
    page,
    async seed(path) {
      const start = performance.now()
      await page.locator('#files').setInputFiles(path)
      const seeded = await page.evaluate(
        (announce) =>
          new Promise<{ magnet: string; infoHash: string }>((resolve, reject) => {
            const files = Array.from(document.querySelector<HTMLInputElement>('#files')!.files ?? [])
            const t = window.wtBench!.seed(files, { announce }, (t) => resolve({ magnet: t.magnetURI, infoHash: t.infoHash }))
            t.on('error', (e) => reject(new Error(String(e))))
          }),
        announce,
      )
      return { ...seeded, ms: performance.now() - start }
    },
    download: (magnet) =>
      page.evaluate(
        ({ magnet, announce }) =>
          new Promise<number>((resolve, reject) => {
            const start = performance.now()
            const t = window.wtBench!.add(magnet, { announce })
            t.once('done', () => resolve(performance.now() - start))
            t.on('error', (e) => reject(new Error(String(e))))
          }),
        { magnet, announce },
      ),
    // seed() calls back once every piece is in WebTorrent's store.
    settle: async () => undefined,
    setUploadLimit: (rate) => page.evaluate((rate) => window.wtBench!.throttleUpload(rate), rate),
    uploaded: (infoHash) => page.evaluate((h) => window.wtBench!.torrents.find((t) => t.infoHash === h)?.uploaded ?? 0, infoHash),
    async dispose(infoHash) {
      if (infoHash) {
        await page
          .evaluate(
            (h) =>
              new Promise<void>((resolve) => {
                const t = window.wtBench!.torrents.find((x) => x.infoHash === h)
                if (!t) return resolve()
                t.destroy({ destroyStore: true }, () => resolve())
              }),
            infoHash,
          )
          .catch((err: unknown) => console.warn(`[bench] ${label}: destroy failed: ${(err as Error).message}`))
      }
      await page.close()
    },
  }
}
