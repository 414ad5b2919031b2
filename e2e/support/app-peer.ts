// One face for an app page in either browser, so a spec can run the same flow Chromium↔Firefox in
// both directions: a Chromium peer goes through app.ts (Playwright), a Firefox peer through
// firefox-app.ts (puppeteer-core over WebDriver BiDi).
import type { Page } from '@playwright/test'
import * as chromiumApp from './app.ts'
import type { WaitOptions } from './app.ts'
import * as firefoxApp from './firefox-app.ts'
import type { FirefoxPeerPage } from './firefox.ts'
import type { PageDriver } from './page-driver.ts'

export type BrowserName = 'chromium' | 'firefox'

export interface AppPeer extends PageDriver {
  seedFiles(paths: string | string[]): Promise<void>
  /** The newest torrent's magnet link, once it is seeding. */
  waitForMagnet(opts?: WaitOptions): Promise<string>
  addMagnet(magnet: string): Promise<void>
  waitForDone(infoHash: string, opts?: WaitOptions): Promise<void>
  /** Clicks the file's Save button; the bytes the browser saved. */
  saveFile(path: string, opts: WaitOptions & { infoHash: string }): Promise<Buffer>
}

export function chromiumAppPeer(page: Page): AppPeer {
  const driver: PageDriver = page
  return {
    evaluate: driver.evaluate.bind(driver),
    setInputFiles: driver.setInputFiles.bind(driver),
    seedFiles: (paths) => chromiumApp.seedFiles(page, paths),
    waitForMagnet: (opts) => chromiumApp.waitForMagnet(page, opts),
    addMagnet: (magnet) => chromiumApp.addMagnet(page, magnet),
    waitForDone: (infoHash, opts) => chromiumApp.waitForDone(page, infoHash, opts),
    saveFile: (path, opts) => chromiumApp.saveFile(page, path, opts),
  }
}

export function firefoxAppPeer({ page, downloadDir }: FirefoxPeerPage): AppPeer {
  return {
    ...firefoxApp.firefoxDriver(page),
    seedFiles: (paths) => firefoxApp.seedFiles(page, paths),
    waitForMagnet: (opts) => firefoxApp.waitForMagnet(page, opts),
    addMagnet: (magnet) => firefoxApp.addMagnet(page, magnet),
    waitForDone: (infoHash, opts) => firefoxApp.waitForDone(page, infoHash, opts),
    saveFile: (path, opts) => firefoxApp.saveFile(page, downloadDir, path, opts),
  }
}
