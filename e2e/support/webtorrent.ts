// Page object for a WebTorrent 3 peer: e2e/pages/webtorrent-peer.html served by Vite (so Chromium's
// Local Network Access checks allow its WebSocket to the 127.0.0.1 tracker), one browser context each
// (WebTorrent keeps an OPFS store per origin; contexts isolate it).
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from '@playwright/test'
import { newPeerPage, type PeerPage } from './browser.ts'

/** The page in e2e/pages/ that loads WebTorrent; webtorrent-attacker.html also loads a lying store. */
export type WebTorrentPageName = 'webtorrent-peer.html' | 'webtorrent-attacker.html'

function pageFile(name: WebTorrentPageName): string {
  return fileURLToPath(new URL(`../pages/${name}`, import.meta.url))
}

/** The parts of WebTorrent's API the tests use. */
interface WtFile {
  path: string
  length: number
  arrayBuffer(): Promise<ArrayBuffer>
}
interface WtTorrent {
  infoHash: string
  magnetURI: string
  done: boolean
  progress: number
  numPeers: number
  files: WtFile[]
  on(event: 'error' | 'warning', listener: (err: Error | string) => void): void
  on(event: 'ready' | 'done', listener: () => void): void
}
/** WebTorrent's `client.add` options the tests use (`store` is a chunk store constructor). */
export interface WtAddOptions {
  announce: string[]
  skipVerify?: boolean
  store?: unknown
  storeOpts?: Record<string, unknown>
}
export interface WtClient {
  /** 40 hex characters. */
  peerId: string
  torrents: WtTorrent[]
  seed(input: File[], opts: WtSeedOptions & { announce: string[] }, onSeed: (t: WtTorrent) => void): WtTorrent
  add(id: string | Uint8Array, opts: WtAddOptions, onTorrent?: (t: WtTorrent) => void): WtTorrent
  on(event: 'error', listener: (err: Error | string) => void): void
}
type WtConstructor = new (opts: { tracker: { rtcConfig: RTCConfiguration } }) => WtClient

declare global {
  interface Window {
    WebTorrent?: WtConstructor
    wtReady?: boolean
    wt?: WtClient
    wtErrors?: string[]
  }
}

export interface WtSeedOptions {
  name?: string
  pieceLength?: number
}

export interface WtTorrentInfo {
  infoHash: string
  magnetURI: string
}

/** A WebTorrent peer page: its own context, a WebTorrent client with no STUN servers. */
export class WebTorrentPeer {
  private constructor(
    readonly context: PeerPage['context'],
    readonly page: Page,
  ) {}

  static async open(browser: Browser, baseURL: string, label: string, pageName: WebTorrentPageName = 'webtorrent-peer.html'): Promise<WebTorrentPeer> {
    const { context, page } = await newPeerPage(browser, baseURL, { label, path: `/@fs${pageFile(pageName)}` })
    await page.waitForFunction(() => window.wtReady === true, undefined, { timeout: 30_000 })
    await page.evaluate(() => {
      const WebTorrent = window.WebTorrent!
      const client = new WebTorrent({ tracker: { rtcConfig: { iceServers: [] } } })
      window.wtErrors = []
      client.on('error', (err) => window.wtErrors!.push(String(err instanceof Error ? err.message : err)))
      window.wt = client
    })
    return new WebTorrentPeer(context, page)
  }

  /**
   * Seeds files (paths) or, with `folder`, one folder through the `webkitdirectory` input. Files are
   * given to WebTorrent in path order (with `fullPath` set for folders, which create-torrent reads),
   * so the same inputs give the same info hash as `sortedByPath` elsewhere.
   */
  async seed(paths: string | string[], opts: WtSeedOptions & { announce: string[]; folder?: boolean }): Promise<WtTorrentInfo> {
    const selector = opts.folder ? '#folder' : '#files'
    await this.page.locator(selector).setInputFiles(paths)
    return this.page.evaluate(
      ({ selector, announce, name, pieceLength }) => {
        const input = document.querySelector<HTMLInputElement>(selector)!
        const files = Array.from(input.files ?? []).map((file) => {
          if (file.webkitRelativePath) Object.assign(file, { fullPath: '/' + file.webkitRelativePath })
          return file
        })
        const pathOf = (f: File) => f.webkitRelativePath || f.name
        files.sort((a, b) => (pathOf(a) < pathOf(b) ? -1 : pathOf(a) > pathOf(b) ? 1 : 0))
        return new Promise<WtTorrentInfo>((resolve, reject) => {
          const torrent = window.wt!.seed(
            files,
            { announce, ...(name ? { name } : {}), ...(pieceLength ? { pieceLength } : {}) },
            (t) => resolve({ infoHash: t.infoHash, magnetURI: t.magnetURI }),
          )
          torrent.on('error', (err) => reject(new Error(`WebTorrent seed failed: ${String(err)}`)))
        })
      },
      { selector, announce: opts.announce, name: opts.name, pieceLength: opts.pieceLength },
    )
  }

  /** Starts downloading a magnet; returns at once. */
  async add(magnet: string, announce: string[]): Promise<void> {
    await this.page.evaluate(
      ({ magnet, announce }) => {
        const torrent = window.wt!.add(magnet, { announce })
        torrent.on('error', (err) => window.wtErrors!.push(`torrent error: ${String(err)}`))
      },
      { magnet, announce },
    )
  }

  /** Waits until the torrent with this info hash is done; the error says how far it got. */
  async waitForDone(infoHash: string, timeout = 90_000): Promise<void> {
    try {
      await this.page.waitForFunction((hash) => window.wt!.torrents.some((t) => t.infoHash === hash && t.done), infoHash, {
        timeout,
        polling: 100,
      })
    } catch (err) {
      const state = await this.page.evaluate((hash) => {
        const t = window.wt!.torrents.find((x) => x.infoHash === hash)
        return { progress: t?.progress, peers: t?.numPeers, errors: window.wtErrors }
      }, infoHash)
      throw new Error(`WebTorrent did not finish ${infoHash} in ${timeout} ms: ${JSON.stringify(state)}; ${(err as Error).message}`)
    }
  }

  /** SHA-256 (hex) of every file WebTorrent holds for the torrent, keyed by path (torrent name first). */
  async fileHashes(infoHash: string): Promise<Record<string, string>> {
    return this.page.evaluate(async (hash) => {
      const torrent = window.wt!.torrents.find((t) => t.infoHash === hash)
      if (!torrent) throw new Error(`WebTorrent has no torrent ${hash}`)
      const out: Record<string, string> = {}
      for (const file of torrent.files) {
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()))
        out[file.path] = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')
      }
      return out
    }, infoHash)
  }

  async errors(): Promise<string[]> {
    return this.page.evaluate(() => window.wtErrors ?? [])
  }
}

/** The order WebTorrentPeer.seed gives files in (plain code-unit order of the path). */
export function sortedByPath<T>(items: T[], pathOf: (item: T) => string): T[] {
  return [...items].sort((a, b) => (pathOf(a) < pathOf(b) ? -1 : pathOf(a) > pathOf(b) ? 1 : 0))
}
