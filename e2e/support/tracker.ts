// Playwright fixtures: every worker gets our own Chromium (never Playwright's bundled browsers)
// and its own local WebSocket tracker on a free port. Specs import { test, expect } from here.
import { test as base, expect, type Browser } from '@playwright/test'
import { startTracker, type LocalTracker } from '../../src/node/local-tracker.ts'
import { closeChromium, launchChromium } from './browser.ts'

export interface WorkerFixtures {
  browser: Browser
  tracker: LocalTracker
}

export const test = base.extend<object, WorkerFixtures>({
  browser: [
    async ({}, use) => {
      const browser = await launchChromium()
      await use(browser)
      await closeChromium(browser)
    },
    { scope: 'worker' },
  ],
  tracker: [
    async ({}, use) => {
      const tracker = await startTracker({ port: 0 })
      await use(tracker)
      await tracker.close()
    },
    { scope: 'worker' },
  ],
})

export { expect }
