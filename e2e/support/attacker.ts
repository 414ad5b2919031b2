// Page object for a hostile WebTorrent 3 peer: a real WebTorrent client (e2e/pages/webtorrent-attacker.html)
// that adds a torrent with `skipVerify: true` over LyingChunkStore, so it claims every piece and serves
// random bytes for all of them, or for one piece in `lieEvery`.
import type { Browser } from '@playwright/test'
import type { LyingChunkStore } from '../pages/lying-chunk-store.ts'
import { WebTorrentPeer } from './webtorrent.ts'

declare global {
  interface Window {
    LyingChunkStore?: typeof LyingChunkStore
    lyingStores?: LyingChunkStore[]
  }
}

export interface AttackOptions {
  /** The `.torrent` bytes (the info dictionary must be the real one, or nobody would talk to it). */
  torrentFile: Uint8Array
  announce: string[]
  /** Lie about every piece whose index is a multiple of this; 1 = every piece. */
  lieEvery: number
  /** The real file, needed when some pieces are told truthfully (single-file torrents). */
  filePath?: string
}

export interface Lies {
  /** Distinct pieces served as garbage. */
  pieces: number
  /** Bytes of garbage served. */
  bytes: number
}

export class WebTorrentAttacker {
  private constructor(
    readonly peer: WebTorrentPeer,
    /** WebTorrent's own peer id (`client.peerId`), 40 hex characters. */
    readonly peerId: string,
    readonly label: string,
  ) {}

  static async open(browser: Browser, baseURL: string, label: string): Promise<WebTorrentAttacker> {
    const peer = await WebTorrentPeer.open(browser, baseURL, label, 'webtorrent-attacker.html')
    const peerId = await peer.page.evaluate(() => window.wt!.peerId)
    return new WebTorrentAttacker(peer, peerId, label)
  }

  /** Adds the torrent, claiming every piece; resolves once WebTorrent counts itself a seeder. */
  async attack(opts: AttackOptions): Promise<void> {
    if (opts.filePath) await this.peer.page.locator('#files').setInputFiles(opts.filePath)
    await this.peer.page.evaluate(
      ({ torrentFile, announce, lieEvery }) =>
        new Promise<void>((resolve, reject) => {
          const source = document.querySelector<HTMLInputElement>('#files')!.files?.[0] ?? null
          const torrent = window.wt!.add(new Uint8Array(torrentFile), {
            announce,
            skipVerify: true,
            store: window.LyingChunkStore,
            storeOpts: { source, lieEvery },
          })
          torrent.on('error', (err) => reject(new Error(`WebTorrent attacker could not add the torrent: ${String(err)}`)))
          torrent.on('done', () => resolve())
          torrent.on('ready', () => torrent.done && resolve())
        }),
      { torrentFile: [...opts.torrentFile], announce: opts.announce, lieEvery: opts.lieEvery },
    )
  }

  /** What this peer's store handed out as garbage so far. */
  async lies(): Promise<Lies> {
    return this.peer.page.evaluate(() =>
      (window.lyingStores ?? []).reduce((sum, s) => ({ pieces: sum.pieces + s.lies.pieces.size, bytes: sum.bytes + s.lies.bytes }), { pieces: 0, bytes: 0 }),
    )
  }

  async close(): Promise<void> {
    await this.peer.context.close().catch(() => undefined)
  }
}
