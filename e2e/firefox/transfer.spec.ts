// The app's main flow with Firefox ESR on one or both ends: A chooses a file, its magnet link is pasted
// into B, B finishes and saves it, and the saved bytes equal the original. Firefox↔Firefox and
// Chromium↔Firefox in both directions (Firefox→Chromium is the slow direction of the data channel).
import { infoHashOf } from '../support/app.ts'
import type { BrowserName } from '../support/app-peer.ts'
import { sha256, writeTestFile } from '../support/files.ts'
import { expect, test } from '../support/firefox-peers.ts'

const SIZE = 16 * 2 ** 20

const PAIRS: [BrowserName, BrowserName][] = [
  ['firefox', 'firefox'],
  ['chromium', 'firefox'],
  ['firefox', 'chromium'],
]

function recordSpeed(label: string, bytes: number, ms: number): number {
  const mbps = bytes / 1e6 / (ms / 1000)
  const description = `${label}: ${(bytes / 2 ** 20).toFixed(0)} MiB in ${(ms / 1000).toFixed(2)} s = ${mbps.toFixed(2)} MB/s`
  test.info().annotations.push({ type: 'transfer speed', description })
  console.log(`[speed] ${description}`)
  return mbps
}

for (const [from, to] of PAIRS) {
  test(`${from} seeds a chosen file, ${to} pastes the magnet link and saves the same bytes`, async ({ openAppPeer, tmpDir }) => {
    const name = `${from}-to-${to}.bin`
    const original = await writeTestFile(tmpDir, name, SIZE, 31)
    const a = await openAppPeer(from, `A ${from}`)
    const b = await openAppPeer(to, `B ${to}`)

    await a.seedFiles(original)
    const magnet = await a.waitForMagnet()
    const infoHash = infoHashOf(magnet)

    const started = performance.now()
    await b.addMagnet(magnet)
    await b.waitForDone(infoHash, { timeout: 100_000 })
    const mbps = recordSpeed(`16 MiB ${from}→${to}, magnet paste to done`, SIZE, performance.now() - started)
    expect(mbps, 'transfer speed is a positive number').toBeGreaterThan(0)

    const saved = await b.saveFile(name, { infoHash })
    expect(saved.length, 'the saved file has the original size').toBe(SIZE)
    expect(await sha256(saved), `SHA-256 of the file ${to} saved`).toBe(await sha256(original))
  })
}
