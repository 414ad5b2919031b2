// Proves the environment with no app code: two isolated contexts on the Vite origin connect a raw
// RTCPeerConnection over loopback (iceServers: []) and exchange a data-channel message. Guards the
// Chromium flags + media-permission recipe of LAB.md.
import type { Page } from '@playwright/test'
import { newPeerPage } from './support/browser.ts'
import { expect, test } from './support/tracker.ts'

// Always served by the Vite dev server from 127.0.0.1; rendered as a plain-text document, so no app
// code runs. (A document made up by page.route() counts as a public address for Chromium's Local
// Network Access checks, which then block WebSockets to 127.0.0.1.)
const BLANK_PATH = '/@vite/env'

interface Description {
  type: RTCSdpType
  sdp: string
}

interface PeerState {
  pc: RTCPeerConnection
  received: Promise<string>
  channelOpen: Promise<void>
  channel?: RTCDataChannel
}

declare global {
  interface Window {
    harnessPeer?: PeerState
  }
}

async function openBlankPeer(browser: import('@playwright/test').Browser, baseURL: string, label: string) {
  return newPeerPage(browser, baseURL, { label, path: BLANK_PATH })
}

/** Creates the peer connection; the offerer also creates the channel. Non-trickle: waits for ICE gathering. */
async function createPeer(page: Page, offerer: boolean): Promise<Description | null> {
  return page.evaluate(async (isOfferer) => {
    const pc = new RTCPeerConnection({ iceServers: [] })
    let onMessage!: (text: string) => void
    let onOpen!: () => void
    const state: PeerState = {
      pc,
      received: new Promise<string>((r) => (onMessage = r)),
      channelOpen: new Promise<void>((r) => (onOpen = r)),
    }
    const wire = (channel: RTCDataChannel): void => {
      state.channel = channel
      channel.onopen = () => onOpen()
      channel.onmessage = (e) => onMessage(String(e.data))
      if (channel.readyState === 'open') onOpen()
    }
    window.harnessPeer = state
    if (!isOfferer) {
      pc.ondatachannel = (e) => wire(e.channel)
      return null
    }
    wire(pc.createDataChannel('harness'))
    await pc.setLocalDescription(await pc.createOffer())
    await gathered(pc)
    const local = pc.localDescription
    if (!local) throw new Error('no local description')
    return { type: local.type, sdp: local.sdp }

    function gathered(conn: RTCPeerConnection): Promise<void> {
      if (conn.iceGatheringState === 'complete') return Promise.resolve()
      return new Promise((resolve) => {
        conn.addEventListener('icegatheringstatechange', () => {
          if (conn.iceGatheringState === 'complete') resolve()
        })
      })
    }
  }, offerer)
}

async function answer(page: Page, offer: Description): Promise<Description> {
  return page.evaluate(async (remote) => {
    const pc = window.harnessPeer!.pc
    await pc.setRemoteDescription(remote)
    await pc.setLocalDescription(await pc.createAnswer())
    if (pc.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve) => {
        pc.addEventListener('icegatheringstatechange', () => {
          if (pc.iceGatheringState === 'complete') resolve()
        })
      })
    }
    const local = pc.localDescription!
    return { type: local.type, sdp: local.sdp }
  }, offer)
}

function candidateAddresses(sdp: string): string[] {
  return sdp
    .split(/\r?\n/)
    .filter((line) => line.startsWith('a=candidate:'))
    .map((line) => line.split(' ')[4] ?? '?')
}

test('two isolated contexts connect an RTCDataChannel over loopback', async ({ browser, baseURL }) => {
  expect(baseURL, 'baseURL comes from playwright.config.ts').toBeTruthy()
  const a = await openBlankPeer(browser, baseURL!, 'A')
  const b = await openBlankPeer(browser, baseURL!, 'B')
  try {
    const offer = await createPeer(a.page, true)
    expect(offer, 'the offerer returns its SDP').not.toBeNull()
    const offerCandidates = candidateAddresses(offer!.sdp)
    expect(offerCandidates, 'ICE gathered a loopback candidate (flag + media permission)').toContain('127.0.0.1')

    await createPeer(b.page, false)
    const reply = await answer(b.page, offer!)
    expect(candidateAddresses(reply.sdp)).toContain('127.0.0.1')
    await a.page.evaluate((remote) => window.harnessPeer!.pc.setRemoteDescription(remote), reply)

    const openTimeout = 15_000
    await Promise.all(
      [a.page, b.page].map((page) =>
        page.evaluate(
          (ms) =>
            Promise.race([
              window.harnessPeer!.channelOpen,
              new Promise((_, reject) => setTimeout(() => reject(new Error('data channel did not open')), ms)),
            ]),
          openTimeout,
        ),
      ),
    )
    await a.page.evaluate(() => window.harnessPeer!.channel!.send('hello from A'))
    await b.page.evaluate(() => window.harnessPeer!.channel!.send('hello from B'))
    expect(await b.page.evaluate(() => window.harnessPeer!.received)).toBe('hello from A')
    expect(await a.page.evaluate(() => window.harnessPeer!.received)).toBe('hello from B')

    const pair = await a.page.evaluate(async () => {
      const stats = await window.harnessPeer!.pc.getStats()
      let local = ''
      stats.forEach((report: { type: string; state?: string; nominated?: boolean; localCandidateId?: string }) => {
        if (report.type === 'candidate-pair' && report.state === 'succeeded' && report.localCandidateId) {
          const cand = stats.get(report.localCandidateId) as { address?: string; protocol?: string } | undefined
          local = `${cand?.address ?? '?'} ${cand?.protocol ?? '?'}`
        }
      })
      return local
    })
    expect(pair).toContain('127.0.0.1')
    test.info().annotations.push({ type: 'candidate-pair', description: pair })
  } finally {
    await a.context.close()
    await b.context.close()
  }
})

test('the worker tracker accepts WebSocket connections', async ({ browser, baseURL, tracker }) => {
  expect(tracker.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/)
  const a = await openBlankPeer(browser, baseURL!, 'A')
  try {
    const opened = await a.page.evaluate(
      (url) =>
        new Promise<boolean>((resolve) => {
          const ws = new WebSocket(url)
          ws.onopen = () => {
            ws.close()
            resolve(true)
          }
          ws.onerror = () => resolve(false)
        }),
      tracker.url,
    )
    expect(opened, `a page can open ${tracker.url}`).toBe(true)
  } finally {
    await a.context.close()
  }
})
