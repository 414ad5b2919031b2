import { sleep, type Clock } from '../util/clock.ts'
import type { SwarmstreamError } from '../util/errors.ts'
import { problemOf, WebSeed, WebSeedError, WebSeedHealth, WebSeedReporter, webSeedStats, type WebSeedStats } from '../webseed/index.ts'
import type { InfoDictionary } from '../metainfo/types.ts'
import type { BlockRequest } from '../picker/index.ts'
import type { BlockSource } from './peer-record.ts'

/** Pieces fetched from one web seed at the same time. */
export const WEB_SEED_PARALLEL_PIECES = 2
/** How long an idle worker waits before looking for work again. */
const IDLE_MS = 500

export type { WebSeedStats }
export { isWebSeedUrl } from '../webseed/index.ts'

/** What a web seed worker needs from the request scheduler. */
export interface PieceClaims {
  claimPiece(claimant: BlockSource): BlockRequest[] | null
  releaseClaim(blocks: readonly BlockRequest[]): void
  onWholePiece(source: BlockSource, blocks: readonly BlockRequest[], data: Uint8Array): void
}

/** Pulls whole pieces from one HTTP web seed (BEP 19), like a peer that has everything; a block source of its own. */
export class WebSeedWorker implements BlockSource {
  readonly kind = 'web-seed'
  readonly health = new WebSeedHealth()
  downloaded = 0
  #seed: WebSeed
  #abort = new AbortController()
  readonly #reporter: WebSeedReporter

  constructor(
    readonly id: string,
    info: InfoDictionary,
    private readonly claims: PieceClaims,
    private readonly clock: Clock,
    private readonly done: () => boolean,
    /** Told once per change of state into failing (or failing differently), demoted or dropped. */
    warn: (error: SwarmstreamError) => void,
  ) {
    this.#seed = new WebSeed(id, info)
    this.#reporter = new WebSeedReporter(id, this.health, warn)
  }

  get url(): string {
    return this.id
  }

  get stats(): WebSeedStats {
    return webSeedStats(this.id, this.downloaded, this.health)
  }

  start(): void {
    for (let i = 0; i < WEB_SEED_PARALLEL_PIECES; i++) void this.#loop()
  }

  stop(): void {
    this.#abort.abort()
    this.#seed.close()
  }

  /** Data it sent failed verification. */
  hashFailed(): void {
    this.health.hashFailed()
    this.#reporter.update()
  }

  async #loop(): Promise<void> {
    const signal = this.#abort.signal
    while (!signal.aborted && !this.health.demoted && !this.health.dropped && !this.done()) {
      const now = this.clock.now()
      if (!this.health.usable(now)) {
        await sleep(this.clock, Math.max(IDLE_MS, this.health.retryAt - now), signal)
        continue
      }
      const blocks = this.claims.claimPiece(this)
      if (!blocks || blocks.length === 0) {
        await sleep(this.clock, IDLE_MS, signal)
        continue
      }
      const index = blocks[0]!.index
      const size = blocks.reduce((n, b) => n + b.length, 0)
      try {
        const data = await this.#seed.fetchPiece(index, size, signal)
        this.health.success()
        this.#reporter.update()
        this.downloaded += data.length
        this.claims.onWholePiece(this, blocks, data)
      } catch (err) {
        this.claims.releaseClaim(blocks)
        if (signal.aborted) continue
        // A failure retrying cannot fix (a Range-ignoring server with a file too large to read whole) drops the seed.
        if (err instanceof WebSeedError && err.permanent) this.health.drop(problemOf(err))
        else this.health.failure(this.clock.now(), problemOf(err))
        this.#reporter.update(err)
      }
    }
  }
}
