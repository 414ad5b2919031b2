// The bench's browser: one Chromium with a disk-backed profile (launchPersistentContext, LAB.md pitfall 4)
// in which every peer gets its own origin on its own loopback address (127.0.0.2, 127.0.0.3, …: another
// site, hence its own storage and renderer process, like LAB.md's one-context-per-tab). Also the
// browser's CPU time (/proc, every process of this browser) and a JS heap sampler (CDP).
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server, type Socket, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from '@playwright/test'
import { CHROMIUM_FLAGS, CHROMIUM_PATH, forwardPageErrors } from '../support/browser.ts'
import { countChannelTraffic } from './channel-counts.ts'
import { browserProcesses, CpuSnapshot } from './processes.ts'

export class Lab {
  readonly #servers: { close(): Promise<void> }[] = []
  readonly #renderers = new WeakMap<Page, number>()
  #hosts = 0
  private constructor(
    readonly context: BrowserContext,
    readonly profileDir: string,
    /** Base URL of the Vite dev server (the app). */
    readonly appBase: string,
  ) {}

  static async launch(appBase: string): Promise<Lab> {
    const dir = mkdtempSync(join(tmpdir(), 'swarmstream-bench-profile-'))
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM_PATH,
      ignoreDefaultArgs: true,
      args: ['--remote-debugging-pipe', `--user-data-dir=${dir}`, ...CHROMIUM_FLAGS],
      headless: true,
      acceptDownloads: true,
    })
    await context.addInitScript(muteViteHmr)
    await context.addInitScript(countChannelTraffic)
    return new Lab(context, dir, appBase)
  }

  /** A loopback address no peer of this lab has used yet. */
  nextHost(): string {
    const n = this.#hosts++
    return `127.0.${Math.floor(n / 250)}.${2 + (n % 250)}`
  }

  /** A new origin that proxies to the app's dev server. */
  async appOrigin(): Promise<string> {
    const target = new URL(this.appBase)
    const forwarder = await startForwarder(this.nextHost(), Number(target.port))
    this.#servers.push(forwarder)
    return forwarder.url
  }

  /** Keeps `server` until close(). */
  own(server: { close(): Promise<void> }): void {
    this.#servers.push(server)
  }

  /** A page on `origin` with camera+mic granted (needed for loopback ICE candidates); `init` runs before its scripts. */
  async openPage(origin: string, path: string, label: string, init?: () => void): Promise<Page> {
    await this.context.grantPermissions(['camera', 'microphone'], { origin })
    const page = await this.context.newPage()
    if (init) await page.addInitScript(init)
    forwardPageErrors(page, label)
    await page.goto(new URL(path, origin).toString())
    const pid = await this.#findRenderer(page)
    if (pid !== undefined) this.#renderers.set(page, pid)
    return page
  }

  /** utime+stime of every process of this browser, in seconds. */
  cpuSeconds(): number {
    return this.cpuSnapshot().total
  }

  /** CPU seconds of every process of this browser now (see CpuSnapshot.since for what was used between two). */
  cpuSnapshot(): CpuSnapshot {
    return CpuSnapshot.take(this.profileDir)
  }

  /** The renderer process of a page opened by openPage, when it could be told apart. */
  rendererPid(page: Page): number | undefined {
    return this.#renderers.get(page)
  }

  async version(): Promise<string> {
    return this.context.browser()?.version() ?? 'unknown'
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined)
    for (const server of this.#servers) await server.close().catch(() => undefined)
    rmSync(this.profileDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
  }

  /**
   * The page's renderer: the one that burns CPU while the page spins for a moment. (New pids do not tell:
   * Chromium keeps a spare renderer ready and hands it to the next new page.)
   */
  async #findRenderer(page: Page): Promise<number | undefined> {
    const cpu = () => new Map(browserProcesses(this.profileDir).filter((p) => p.kind === 'renderer').map((p) => [p.pid, p.cpu]))
    // A busy machine may hand the spinning page little CPU: try a few times.
    for (let attempt = 0; attempt < 4; attempt++) {
      const before = cpu()
      await page.evaluate(() => {
        const end = performance.now() + 400
        while (performance.now() < end);
      })
      const used = [...cpu()].map(([pid, c]) => ({ pid, delta: c - (before.get(pid) ?? c) })).sort((a, b) => b.delta - a.delta)
      const [first, second] = used
      if (first && first.delta >= 0.05 && (!second || second.delta * 2 <= first.delta)) return first.pid
    }
    return undefined
  }
}

/**
 * Runs in every page before its scripts: Vite's HMR socket never opens, so edits other people make in
 * src/ during a bench cannot reload a page mid-measurement (the page just keeps the code it loaded).
 */
function muteViteHmr(): void {
  const Native = window.WebSocket
  const isHmr = (protocols: unknown) => ([] as unknown[]).concat(protocols ?? []).some((p) => p === 'vite-hmr' || p === 'vite-ping')
  window.WebSocket = new Proxy(Native, {
    construct(target, args: ConstructorParameters<typeof WebSocket>) {
      if (!isHmr(args[1])) return new target(...args)
      return Object.assign(new EventTarget(), { readyState: 0, OPEN: 1, url: String(args[0]), send() {}, close() {} })
    },
  })
}

/** Samples the page's JSHeapUsedSize every `everyMs`; stop() returns the peak in bytes. */
export async function sampleHeap(page: Page, everyMs = 250): Promise<{ stop(): Promise<number> }> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  let peak = 0
  let running = true
  const read = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics')
    const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0
    peak = Math.max(peak, used)
  }
  const loop = (async () => {
    while (running) {
      await read().catch(() => undefined)
      await new Promise((r) => setTimeout(r, everyMs))
    }
  })()
  return {
    async stop() {
      running = false
      await loop
      await read().catch(() => undefined)
      await cdp.detach().catch(() => undefined)
      return peak
    },
  }
}

/** A TCP forwarder `host`:<free port> → 127.0.0.1:`port`: a new origin for the same server. */
async function startForwarder(host: string, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((inbound) => {
    const outbound = connect(port, '127.0.0.1')
    for (const s of [inbound, outbound]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => (inbound.destroy(), outbound.destroy()))
    }
    inbound.pipe(outbound)
    outbound.pipe(inbound)
  })
  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(0, host, done)
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('forwarder is not bound to a TCP port')
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy()
        server.close(() => done())
      }),
  }
}
