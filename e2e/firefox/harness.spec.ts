// Proves the Firefox recipe with no app code: a Firefox page gathers a 127.0.0.1 ICE candidate in the
// loopback-only namespace (prefs of support/firefox.ts) and opens a raw RTCDataChannel to another
// Firefox context and to Chromium, in both roles. Guards LAB.md's Firefox recipe.
import { newPeerPage } from '../support/browser.ts'
import { chromiumAppPeer, firefoxAppPeer, type BrowserName } from '../support/app-peer.ts'
import type { PageDriver } from '../support/page-driver.ts'
import { closeFirefoxPeerPage, newFirefoxPeerPage } from '../support/firefox.ts'
import { expect, test } from '../support/firefox-peers.ts'

// Served by the Vite dev server as plain text: no app code runs.
const BLANK_PATH = '/@vite/env'

interface Description {
  type: RTCSdpType
  sdp: string
}

declare global {
  interface Window {
    firefoxHarness?: { pc: RTCPeerConnection; open: Promise<void>; received: Promise<string>; channel?: RTCDataChannel }
  }
}

/** Creates the connection (the offerer also its channel) and, non-trickle, returns its description once gathered. */
function negotiate(page: PageDriver, remote: Description | null): Promise<Description> {
  return page.evaluate(async (remote) => {
    const pc = new RTCPeerConnection({ iceServers: [] })
    let opened!: () => void
    let received!: (text: string) => void
    const state: NonNullable<Window['firefoxHarness']> = {
      pc,
      open: new Promise((r) => (opened = r)),
      received: new Promise((r) => (received = r)),
    }
    const wire = (channel: RTCDataChannel) => {
      state.channel = channel
      channel.onopen = () => opened()
      channel.onmessage = (e) => received(String(e.data))
      if (channel.readyState === 'open') opened()
    }
    window.firefoxHarness = state
    if (remote) {
      pc.ondatachannel = (e) => wire(e.channel)
      await pc.setRemoteDescription(remote)
      await pc.setLocalDescription(await pc.createAnswer())
    } else {
      wire(pc.createDataChannel('harness'))
      await pc.setLocalDescription(await pc.createOffer())
    }
    // Gathering ends, or (Firefox, with no usable interface) ICE fails without ever completing it.
    const over = () => pc.iceGatheringState === 'complete' || pc.iceConnectionState === 'failed'
    while (!over()) {
      await new Promise((r) => {
        pc.addEventListener('icegatheringstatechange', r, { once: true })
        pc.addEventListener('iceconnectionstatechange', r, { once: true })
      })
    }
    return { type: pc.localDescription!.type, sdp: pc.localDescription!.sdp }
  }, remote)
}

function candidateAddresses(sdp: string): string[] {
  return sdp
    .split(/\r?\n/)
    .filter((line) => line.startsWith('a=candidate:'))
    .map((line) => line.split(' ')[4] ?? '?')
}

const PAIRS: [BrowserName, BrowserName][] = [
  ['firefox', 'firefox'],
  ['chromium', 'firefox'],
  ['firefox', 'chromium'],
]

for (const [offerer, answerer] of PAIRS) {
  test(`a ${offerer} page offers, a ${answerer} page answers: a raw data channel opens over 127.0.0.1`, async ({ browser, firefox, baseURL }) => {
    const open = async (name: BrowserName, label: string) => {
      if (name === 'chromium') {
        const peer = await newPeerPage(browser, baseURL!, { label, path: BLANK_PATH })
        return { driver: chromiumAppPeer(peer.page), close: () => peer.context.close() }
      }
      const peer = await newFirefoxPeerPage(firefox, baseURL!, { label, path: BLANK_PATH })
      return { driver: firefoxAppPeer(peer), close: () => closeFirefoxPeerPage(peer) }
    }
    const a = await open(offerer, `A ${offerer}`)
    const b = await open(answerer, `B ${answerer}`)
    try {
      const offer = await negotiate(a.driver, null)
      expect(candidateAddresses(offer.sdp), `${offerer} gathered a loopback candidate`).toContain('127.0.0.1')
      const reply = await negotiate(b.driver, offer)
      expect(candidateAddresses(reply.sdp), `${answerer} gathered a loopback candidate`).toContain('127.0.0.1')
      await a.driver.evaluate((remote) => window.firefoxHarness!.pc.setRemoteDescription(remote), reply)

      for (const side of [a, b]) {
        const state = await side.driver.evaluate(() => {
          const { pc, open } = window.firefoxHarness!
          // Fails with the ICE state instead of hanging until the test times out.
          const failed = new Promise<string>((resolve) => {
            const check = () => (pc.iceConnectionState === 'failed' ? resolve('ICE failed') : undefined)
            pc.addEventListener('iceconnectionstatechange', check)
            check()
          })
          return Promise.race([open.then(() => 'open'), failed])
        })
        expect(state, 'the data channel opens').toBe('open')
      }
      await a.driver.evaluate(() => window.firefoxHarness!.channel!.send('hello from A'))
      await b.driver.evaluate(() => window.firefoxHarness!.channel!.send('hello from B'))
      expect(await b.driver.evaluate(() => window.firefoxHarness!.received)).toBe('hello from A')
      expect(await a.driver.evaluate(() => window.firefoxHarness!.received)).toBe('hello from B')
    } finally {
      await a.close()
      await b.close()
    }
  })
}
