// A dead tracker next to a live one must not slow a download down, and the app shows the seeders and
// leechers the tracker reports.
import { createServer, type AddressInfo, type Socket } from 'node:net'
import type { BrowserContext, Page } from '@playwright/test'
import { addMagnet, infoHashOf, openApp, saveFile, seedFiles, torrentItem, waitForDone, waitForMagnet } from './support/app.ts'
import { newPeerPage } from './support/browser.ts'
import { makeTempDir, sha256, writeTestFile } from './support/files.ts'
import { expect, test } from './support/tracker.ts'

/** Port 9 (discard) on loopback: nothing listens there (Chromium also refuses it as an unsafe port). */
const DEAD_TRACKER = 'ws://127.0.0.1:9'

/** A port that was free a moment ago: a real connection attempt that is refused. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A tracker that accepts the TCP connection and then never answers, not even the WebSocket upgrade. */
async function silentTracker(): Promise<{ url: string; sockets: Socket[]; open(): number; close(): Promise<void> }> {
  const sockets: Socket[] = []
  const server = createServer((socket) => {
    sockets.push(socket)
    socket.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `ws://127.0.0.1:${port}`,
    sockets,
    open: () => sockets.filter((s) => !s.destroyed && !s.readableEnded).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
const SIZE = 16 * 2 ** 20

function magnetFor(infoHash: string, trackers: string[]): string {
  return `magnet:?xt=urn:btih:${infoHash}&dn=tracker-test.bin${trackers.map((t) => `&tr=${encodeURIComponent(t)}`).join('')}`
}

function record(label: string, ms: number): void {
  const mbps = SIZE / 1e6 / (ms / 1000)
  const description = `${label}: 16 MiB in ${(ms / 1000).toFixed(2)} s = ${mbps.toFixed(2)} MB/s`
  test.info().annotations.push({ type: 'transfer speed', description })
  console.log(`[speed] ${description}`)
}

test('dead and silent trackers beside a live one hold nothing up; the swarm counts from the tracker are shown', async ({
  browser,
  baseURL,
  tracker,
}) => {
  const tmp = await makeTempDir()
  const silent = await silentTracker()
  const contexts: BrowserContext[] = []
  const openPeer = async (label: string): Promise<Page> => {
    const peer = await newPeerPage(browser, baseURL!, { label, path: null })
    contexts.push(peer.context)
    // The app itself announces to the live tracker only; the magnet adds the dead ones.
    await openApp(peer.page, baseURL!, tracker.url)
    return peer.page
  }
  try {
    const path = await writeTestFile(tmp.dir, 'tracker-test.bin', SIZE, 401)
    const hash = await sha256(path)
    const seeder = await openPeer('seeder')
    await seedFiles(seeder, path)
    const infoHash = infoHashOf(await waitForMagnet(seeder))

    // A fresh leecher per download; each leaves before the next starts so that both download from the
    // seeder alone. The times are logged as figures only: this machine is too noisy to compare them.
    const download = async (label: string, trackers: string[], whileDone?: () => void): Promise<void> => {
      const leecher = await openPeer(label)
      const started = performance.now()
      await addMagnet(leecher, magnetFor(infoHash, trackers))
      await waitForDone(leecher, infoHash, { timeout: 60_000 })
      whileDone?.()
      record(`${label}, magnet paste to done`, performance.now() - started)
      expect(await sha256(await saveFile(leecher, 'tracker-test.bin', { infoHash })), `${label}: SHA-256`).toBe(hash)
      if (trackers.length > 1) {
        const swarm = torrentItem(leecher, infoHash).getByTestId('torrent-swarm')
        await expect(swarm, 'the live tracker answered: seeders/leechers are shown').toHaveText(/^\d+ S · \d+ L$/)
        const [seeders] = /^(\d+)/.exec(await swarm.innerText()) ?? []
        expect(Number(seeders), 'the tracker knows at least the seeder').toBeGreaterThanOrEqual(1)
      }
      await leecher.context().close()
    }

    const refused = `ws://127.0.0.1:${await closedPort()}`
    let silentAtDone = { connections: 0, open: 0 }
    await download('dead, refused and silent trackers + live', [DEAD_TRACKER, refused, silent.url, tracker.url], () => {
      silentAtDone = { connections: silent.sockets.length, open: silent.open() }
    })
    // The download finished while the silent tracker still had not answered the leecher's connection:
    // nothing waited for it (a client that tried trackers in turn, or waited for all, would still be stuck).
    expect(silentAtDone.connections, 'the leecher did try the silent tracker').toBeGreaterThanOrEqual(1)
    expect(silentAtDone.open, 'its connection was still hanging when the download was done').toBeGreaterThanOrEqual(1)
    await download('live tracker only', [tracker.url])

    // The seeder's row shows the tracker's counts too.
    await expect(torrentItem(seeder, infoHash).getByTestId('torrent-swarm')).toHaveText(/^[1-9]\d* S · \d+ L$/)
  } finally {
    for (const context of contexts) await context.close().catch(() => undefined)
    await silent.close()
    await tmp.cleanup()
  }
})
