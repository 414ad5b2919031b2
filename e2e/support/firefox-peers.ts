// Fixtures for specs that involve Firefox, mirroring peers.ts: every worker gets one Firefox ESR (fresh
// profile, removed after); `openFirefoxPeer(label)` is a fresh user context with the app open on the
// worker's tracker, and `openAppPeer(browser, label)` opens a peer in either browser behind one face.
import type { Browser } from 'puppeteer-core'
import { appUrl } from './app.ts'
import { chromiumAppPeer, firefoxAppPeer, type AppPeer, type BrowserName } from './app-peer.ts'
import { firefoxDriver, openApp } from './firefox-app.ts'
import { pollPage } from './page-driver.ts'
import { closeFirefox, closeFirefoxPeerPage, launchFirefox, newFirefoxPeerPage, type FirefoxPeerPage } from './firefox.ts'
import { expect, test as base, type OpenPeerOptions } from './peers.ts'

export interface FirefoxPeer extends FirefoxPeerPage {
  /** Dialogs (alert, confirm…) the page opened; they are dismissed. */
  dialogs: string[]
}

export interface FirefoxFixtures {
  openFirefoxPeer: (label: string, opts?: OpenPeerOptions) => Promise<FirefoxPeer>
  openAppPeer: (browser: BrowserName, label: string, opts?: OpenPeerOptions) => Promise<AppPeer>
}

export const test = base.extend<FirefoxFixtures, { firefox: Browser }>({
  firefox: [
    async ({}, use) => {
      const firefox = await launchFirefox()
      await use(firefox)
      await closeFirefox(firefox)
    },
    { scope: 'worker' },
  ],
  openFirefoxPeer: async ({ firefox, baseURL, tracker }, use) => {
    const peers: FirefoxPeer[] = []
    await use(async (label, opts = {}) => {
      const peer: FirefoxPeer = { ...(await newFirefoxPeerPage(firefox, baseURL!, { label, path: null })), dialogs: [] }
      peers.push(peer)
      peer.page.on('dialog', (dialog) => {
        peer.dialogs.push(dialog.message())
        void dialog.dismiss()
      })
      if (opts.app === false) return peer
      const trackers = opts.trackers ?? [tracker.url]
      if (trackers.length === 1) {
        await openApp(peer.page, baseURL!, trackers[0]!)
        return peer
      }
      const url = new URL(appUrl(baseURL!, trackers[0]!))
      for (const extra of trackers.slice(1)) url.searchParams.append('announce', extra)
      await peer.page.goto(url.toString())
      await pollPage(firefoxDriver(peer.page), 'the app shows its magnet input', () => !!document.querySelector('[data-testid="magnet-input"]'), null).toBe(true)
      return peer
    })
    for (const peer of peers) await closeFirefoxPeerPage(peer)
  },
  openAppPeer: async ({ openPeer, openFirefoxPeer }, use) => {
    await use(async (browser, label, opts) =>
      browser === 'firefox' ? firefoxAppPeer(await openFirefoxPeer(label, opts)) : chromiumAppPeer((await openPeer(label, opts)).page),
    )
  },
})

export { expect }
