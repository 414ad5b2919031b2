// The `openPeer` and `tmpDir` fixtures most specs share: every peer is a fresh browser context with
// the app open on the worker's tracker, closed after the test.
import type { BrowserContext, Page } from '@playwright/test'
import { appUrl, openApp } from './app.ts'
import { newPeerPage } from './browser.ts'
import { makeTempDir } from './files.ts'
import { expect, test as base } from './tracker.ts'

export interface Peer {
  context: BrowserContext
  page: Page
  /** Dialogs (alert, confirm…) the page opened; they are dismissed. */
  dialogs: string[]
}

export interface OpenPeerOptions {
  /** false: open nothing (the test navigates itself). */
  app?: boolean
  /** Trackers for the app page instead of the worker's own (repeated `?announce=`). */
  trackers?: string[]
}

export const test = base.extend<{ openPeer: (label: string, opts?: OpenPeerOptions) => Promise<Peer>; tmpDir: string }>({
  openPeer: async ({ browser, baseURL, tracker }, use) => {
    const peers: Peer[] = []
    await use(async (label, opts = {}) => {
      const { context, page } = await newPeerPage(browser, baseURL!, { label, path: null })
      const peer: Peer = { context, page, dialogs: [] }
      page.on('dialog', (dialog) => {
        peer.dialogs.push(dialog.message())
        void dialog.dismiss()
      })
      peers.push(peer)
      if (opts.app === false) return peer
      const trackers = opts.trackers ?? [tracker.url]
      const url = new URL(appUrl(baseURL!, trackers[0]!))
      for (const extra of trackers.slice(1)) url.searchParams.append('announce', extra)
      if (trackers.length === 1) await openApp(page, baseURL!, trackers[0]!)
      else {
        await page.goto(url.toString())
        await expect(page.getByTestId('magnet-input')).toBeVisible()
      }
      return peer
    })
    for (const peer of peers) await peer.context.close().catch(() => undefined)
  },
  tmpDir: async ({}, use) => {
    const tmp = await makeTempDir()
    await use(tmp.dir)
    await tmp.cleanup()
  },
})

export { expect }
