import { SwarmstreamError } from '../util/errors.ts'
import type { WebSeedStats, WebSeedWorker } from './web-seed-worker.ts'

type WebSeedModule = typeof import('./web-seed-worker.ts')

/** A torrent's web seeds: their code loads (a sibling module) with the first torrent that has any. */
export class WebSeeds {
  readonly #workers: WebSeedWorker[] = []
  #loading: string[] = []
  #stopped = false

  /** Starts a worker per new HTTP(S) URL once the code is loaded; `make` builds one. */
  start(urls: readonly string[], make: (m: WebSeedModule, url: string) => WebSeedWorker, warn: (error: SwarmstreamError) => void): void {
    this.#loading = [...new Set(urls.filter((url) => /^https?:\/\//i.test(url)))]
    if (this.#loading.length === 0) return
    import('./web-seed-worker.ts').then(
      (m) => {
        this.#loading = []
        for (const url of urls) {
          if (this.#stopped || !m.isWebSeedUrl(url) || this.#workers.some((w) => w.url === url)) continue
          const worker = make(m, url)
          this.#workers.push(worker)
          worker.start()
        }
      },
      (err: unknown) => {
        this.#loading = []
        warn(new SwarmstreamError('WEBSEED_UNAVAILABLE', `Could not load the web seed code (${(err as Error).message}); reload the page to use this torrent's web seeds.`))
      },
    )
  }

  /** Web seeds whose code is still loading are listed as not asked yet. */
  stats(): WebSeedStats[] {
    const loading = this.#loading.map((url): WebSeedStats => ({ url, downloaded: 0, failures: 0, demoted: false, status: 'idle' }))
    return [...this.#workers.map((w) => w.stats), ...loading]
  }

  /** A web seed holds every piece: one still loading or at work counts. */
  get serving(): boolean {
    return this.#loading.length > 0 || this.#workers.some((w) => ['idle', 'working'].includes(w.stats.status))
  }

  hashFailed(id: string): void {
    this.#workers.find((w) => w.id === id)?.hashFailed()
  }

  stop(): void {
    this.#stopped = true
    for (const w of this.#workers) w.stop()
  }
}
