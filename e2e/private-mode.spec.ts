// Private mode ("hide my IP address from peers") against a real TURN server: Debian's coturn on
// 127.0.0.1 inside the test's network namespace. Both peers turn it on through Settings; the transfer
// then runs relay-only, and WebRTC's own statistics show that neither side saw a non-relay candidate.
import type { Page } from '@playwright/test'
import { addMagnet, infoHashOf, saveFile, seedFiles, waitForDone, waitForMagnet } from './support/app.ts'
import { sha256, writeTestFile } from './support/files.ts'
import { startTurnServer, type TurnServer } from './support/turn-server.ts'
import { expect, test as base, type Peer } from './support/peers.ts'

const test = base.extend<{ turn: TurnServer }>({
  turn: async ({}, use) => {
    const turn = await startTurnServer()
    await use(turn)
    await turn.stop()
  },
})

/** What the page's RTCPeerConnections were built with and what their transports chose. */
interface PcReport {
  policy: string | undefined
  iceServerUrls: string[]
  connectionState: string
  selected: { local: string; remote: string; localUrl: string | undefined; bytesReceived: number; bytesSent: number } | null
  /** candidateType of every local and remote candidate the connection knows. */
  localTypes: string[]
  remoteTypes: string[]
}

/** Records every RTCPeerConnection the page makes (and the configuration it was given). */
async function recordPeerConnections(peer: Peer): Promise<void> {
  await peer.context.addInitScript(() => {
    const Native = window.RTCPeerConnection
    const made: { pc: RTCPeerConnection; config: RTCConfiguration | undefined }[] = []
    ;(window as unknown as { __pcs: typeof made }).__pcs = made
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config)
        made.push({ pc: this, config })
      }
    }
  })
}

function reportPeerConnections(page: Page): Promise<PcReport[]> {
  return page.evaluate(async () => {
    const made = (window as unknown as { __pcs: { pc: RTCPeerConnection; config: RTCConfiguration | undefined }[] }).__pcs
    const out: PcReport[] = []
    for (const { pc, config } of made) {
      const stats: Record<string, unknown>[] = []
      const report = await pc.getStats().catch(() => null)
      report?.forEach((s: Record<string, unknown>) => stats.push(s))
      const byId = new Map(stats.map((s) => [s['id'], s]))
      const transport = stats.find((s) => s['type'] === 'transport' && s['selectedCandidatePairId'])
      const pair = transport ? byId.get(transport['selectedCandidatePairId']) : undefined
      const local = pair ? byId.get(pair['localCandidateId']) : undefined
      const remote = pair ? byId.get(pair['remoteCandidateId']) : undefined
      out.push({
        policy: config?.iceTransportPolicy,
        iceServerUrls: (config?.iceServers ?? []).flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls])),
        connectionState: pc.connectionState,
        selected:
          pair && local && remote
            ? {
                local: String(local['candidateType']),
                remote: String(remote['candidateType']),
                localUrl: local['url'] as string | undefined,
                bytesReceived: Number(pair['bytesReceived'] ?? 0),
                bytesSent: Number(pair['bytesSent'] ?? 0),
              }
            : null,
        localTypes: stats.filter((s) => s['type'] === 'local-candidate').map((s) => String(s['candidateType'])),
        remoteTypes: stats.filter((s) => s['type'] === 'remote-candidate').map((s) => String(s['candidateType'])),
      })
    }
    return out
  })
}

/** Opens the app with the worker's tracker and the library's default ICE (no ?ice=none). */
async function openPrivatePeer(openPeer: (label: string, opts: { app: false }) => Promise<Peer>, label: string, base: string, tracker: string): Promise<Peer> {
  const peer = await openPeer(label, { app: false })
  await recordPeerConnections(peer)
  const url = new URL('/', base)
  url.searchParams.set('announce', tracker)
  await peer.page.goto(url.toString())
  await expect(peer.page.getByTestId('magnet-input')).toBeVisible()
  return peer
}

async function submitPrivateMode(page: Page, fields: { url: string; username: string; credential: string }): Promise<void> {
  const settings = page.getByTestId('settings')
  if ((await settings.getAttribute('open')) === null) await settings.locator('summary').click()
  const form = page.getByTestId('private-mode-form')
  await form.getByTestId('private-mode-toggle').check()
  await form.getByTestId('turn-url').fill(fields.url)
  await form.getByTestId('turn-username').fill(fields.username)
  await form.getByTestId('turn-credential').fill(fields.credential)
  await form.getByTestId('private-mode-save').click()
}

async function turnOnPrivateMode(page: Page, turn: TurnServer): Promise<void> {
  await submitPrivateMode(page, { url: turn.url, username: turn.username, credential: turn.credential })
  // Turning it on reloads the page, which then runs relay-only.
  await expect(page.getByTestId('private-mode-badge')).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('magnet-input')).toBeVisible()
}

test('private mode is refused without a TURN server, or with one that refuses the password', async ({ openPeer, baseURL, tracker, turn }) => {
  const peer = await openPrivatePeer(openPeer, 'peer', baseURL!, tracker.url)
  const status = peer.page.getByTestId('private-mode-status')
  await expect(status).toHaveText(/Private mode is off/)

  await submitPrivateMode(peer.page, { url: '', username: '', credential: '' })
  await expect(status).toHaveText(/not on: Private mode needs a TURN server/)
  await submitPrivateMode(peer.page, { url: 'stun:127.0.0.1:3478', username: 'a', credential: 'b' })
  await expect(status).toHaveText(/is a STUN server: it cannot relay/)
  await submitPrivateMode(peer.page, { url: turn.url, username: turn.username, credential: 'wrong-password' })
  await expect(status).toHaveText(/not on: the TURN server refused the username or password/, { timeout: 30_000 })
  await expect(peer.page.getByTestId('error-message')).toContainText('Private mode was not turned on')

  // Nothing was saved: a reload still runs with private mode off.
  await peer.page.reload()
  await expect(peer.page.getByTestId('private-mode-status')).toHaveText(/Private mode is off/)
  await expect(peer.page.getByTestId('private-mode-badge')).toHaveCount(0)
})

test('private mode: a transfer runs relay-only through local coturn and no peer sees a non-relay candidate', async ({
  openPeer,
  baseURL,
  tracker,
  turn,
  tmpDir,
}) => {
  const path = await writeTestFile(tmpDir, 'private.bin', 3 * 2 ** 20 + 12_345, 1301)
  const seeder = await openPrivatePeer(openPeer, 'seeder', baseURL!, tracker.url)
  await turnOnPrivateMode(seeder.page, turn)
  const leecher = await openPrivatePeer(openPeer, 'leecher', baseURL!, tracker.url)
  await turnOnPrivateMode(leecher.page, turn)

  await seedFiles(seeder.page, path)
  const magnet = await waitForMagnet(seeder.page)
  const infoHash = infoHashOf(magnet)
  // Slow enough that the connection is surely still open while it is inspected: two seeds part ways
  // once the download is done.
  await leecher.page.evaluate(() => (window.swarmstream!.client.downloadLimit = 1_000_000))
  await addMagnet(leecher.page, magnet)
  await leecher.page.waitForFunction((hash) => (window.swarmstream!.client.get(hash)?.progress ?? 0) > 0.2, infoHash, { timeout: 60_000 })

  for (const [label, peer] of [['seeder', seeder], ['leecher', leecher]] as const) {
    const reports = await reportPeerConnections(peer.page)
    console.log(`[private] ${label}: ${JSON.stringify(reports.map((r) => ({ state: r.connectionState, selected: r.selected })))}`)
    expect(reports.length, `${label} made peer connections`).toBeGreaterThan(0)
    for (const r of reports) {
      expect(r.policy, `${label}: every connection is relay-only`).toBe('relay')
      expect(r.iceServerUrls, `${label}: the TURN server is the only ICE server`).toEqual([turn.url])
      expect(r.localTypes.every((t) => t === 'relay'), `${label}: own candidates ${r.localTypes}`).toBe(true)
      expect(r.remoteTypes.every((t) => t === 'relay'), `${label}: the other side's candidates ${r.remoteTypes}`).toBe(true)
    }
    const used = reports.filter((r) => r.connectionState === 'connected' && r.selected)
    expect(used.length, `${label} has a connected peer`).toBeGreaterThan(0)
    for (const r of used) {
      expect(r.selected, `${label}: the selected pair is relay ↔ relay`).toMatchObject({ local: 'relay', remote: 'relay', localUrl: turn.url })
    }
    const moved = used.reduce((n, r) => n + (label === 'leecher' ? r.selected!.bytesReceived : r.selected!.bytesSent), 0)
    expect(moved, `${label}: file data goes over the relayed pair`).toBeGreaterThan(0.2 * 3 * 2 ** 20)
  }

  await waitForDone(leecher.page, infoHash, { timeout: 90_000 })
  expect(await sha256(await saveFile(leecher.page, 'private.bin', { infoHash })), 'the bytes arrived intact').toBe(await sha256(path))
  expect(turn.log(), 'coturn handed out relay allocations').toMatch(/ALLOCATE processed, success/)
})
