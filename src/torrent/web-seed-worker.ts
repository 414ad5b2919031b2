import { WebSeed, WebSeedHealth } from '../webseed/index.ts'
import type { InfoDictionary } from '../metainfo/types.ts'
import type { Downloader, PieceContributor } from './downloader.ts'

/** Pieces fetched from one web seed at the same time. */
export const WEB_SEED_PARALLEL_PIECES = 2
/** How long an idle worker waits before looking for work again. */
const IDLE_MS = 500

export interface WebSeedStats {
  url: string
  downloaded: number
  failures: number
  demoted: boolean
}

/** Pulls whole pieces from one HTTP web seed (BEP 19) into the downloader, like a peer that has everything. */
export class WebSeedWorker implements PieceContributor {
  readonly health = new WebSeedHealth()
  downloaded = 0
  #seed: WebSeed
  #abort = new AbortController()

  constructor(
    readonly url: string,
    info: InfoDictionary,
    private readonly downloader: Downloader,
    private readonly done: () => boolean,
  ) {
    this.#seed = new WebSeed(url, info)
  }

  get stats(): WebSeedStats {
    return { url: this.url, downloaded: this.downloaded, failures: this.health.failures, demoted: this.health.demoted }
  }

  start(): void {
    for (let i = 0; i < WEB_SEED_PARALLEL_PIECES; i++) void this.#loop()
  }

  stop(): void {
    this.#abort.abort()
  }

  hashFailed(): void {
    this.health.hashFailed()
  }

  async #loop(): Promise<void> {
    const signal = this.#abort.signal
    while (!signal.aborted && !this.health.demoted && !this.done()) {
      const now = Date.now()
      if (!this.health.usable(now)) {
        await sleep(Math.max(IDLE_MS, this.health.retryAt - now), signal)
        continue
      }
      const blocks = this.downloader.claimPiece()
      if (!blocks || blocks.length === 0) {
        await sleep(IDLE_MS, signal)
        continue
      }
      const index = blocks[0]!.index
      const size = blocks.reduce((n, b) => n + b.length, 0)
      try {
        const data = await this.#seed.fetchPiece(index, size, signal)
        this.health.success()
        this.downloaded += data.length
        this.downloader.onWholePiece(this, blocks, data)
      } catch {
        this.downloader.releaseClaim(blocks)
        if (!signal.aborted) this.health.failure(Date.now())
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    }, { once: true })
  })
}
