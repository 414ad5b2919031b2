// Launches Debian's Firefox ESR with puppeteer-core over WebDriver BiDi (Playwright 1.65 cannot drive
// the stock binary) and opens one isolated browser context (a BiDi user context) per peer. Mirrors
// browser.ts for Chromium.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import puppeteer, { type Browser, type BrowserContext, type LaunchOptions, type Page } from 'puppeteer-core'

export const FIREFOX_PATH = process.env['SWARMSTREAM_FIREFOX'] ?? '/usr/bin/firefox-esr'

/** Preferences written into the fresh profile at launch (see /work/shared/design/LAB.md, Firefox). */
export const FIREFOX_PREFS: Readonly<Record<string, boolean | number | string>> = {
  // Without it no 127.0.0.1 ICE candidate is gathered.
  'media.peerconnection.ice.loopback': true,
  // Firefox gathers host candidates only for pages that may use a camera; BiDi refuses to grant it.
  'permissions.default.camera': 1,
}

export function firefoxLaunchOptions(profileDir: string): LaunchOptions {
  if (!existsSync(FIREFOX_PATH)) {
    throw new Error(
      `Firefox not found at ${FIREFOX_PATH}. Install Debian's firefox-esr (apt-get install firefox-esr) ` +
        'or set SWARMSTREAM_FIREFOX.',
    )
  }
  return {
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    userDataDir: profileDir,
    // A browser-wide download folder, for Firefox builds whose BiDi lacks browser.setDownloadBehavior (ESR 140.12).
    extraPrefsFirefox: {
      ...FIREFOX_PREFS,
      'browser.download.folderList': 2,
      'browser.download.dir': join(profileDir, 'downloads'),
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
    },
    protocolTimeout: 120_000,
  }
}

const profileDirs = new WeakMap<Browser, string>()

/** Launches Firefox with a fresh profile directory; stop it with closeFirefox(). */
export async function launchFirefox(): Promise<Browser> {
  const profileDir = mkdtempSync(join(tmpdir(), 'swarmstream-firefox-'))
  try {
    const browser = await puppeteer.launch(firefoxLaunchOptions(profileDir))
    profileDirs.set(browser, profileDir)
    return browser
  } catch (err) {
    removeDir(profileDir)
    throw err
  }
}

/** Closes the browser (puppeteer waits for the process to exit), then removes its profile. */
export async function closeFirefox(browser: Browser): Promise<void> {
  await browser.close()
  const dir = profileDirs.get(browser)
  if (dir) removeDir(dir)
}

export function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
  } catch (err) {
    console.warn(`[firefox] could not remove ${dir}: ${(err as Error).message}`)
  }
}

export interface FirefoxPeerPage {
  context: BrowserContext
  page: Page
  /** Where this context's downloads land (removed by closeFirefoxPeerPage when it is the context's own). */
  downloadDir: string
  ownDownloadDir: boolean
}

export interface FirefoxPeerPageOptions {
  /** Label used when forwarding the page's console errors. */
  label?: string
  /** Path or URL to open, relative to baseURL; default '/'. Pass null to open nothing. */
  path?: string | null
}

/**
 * A fresh user context (own cookies, storage and service workers) whose page sits in its own window,
 * so every peer's page is visible and none is throttled as a background tab.
 */
export async function newFirefoxPeerPage(browser: Browser, baseURL: string, opts: FirefoxPeerPageOptions = {}): Promise<FirefoxPeerPage> {
  let downloadDir = mkdtempSync(join(tmpdir(), 'swarmstream-firefox-downloads-'))
  let ownDownloadDir = true
  let context: BrowserContext
  try {
    context = await browser.createBrowserContext({ downloadBehavior: { policy: 'allow', downloadPath: downloadDir } })
  } catch (err) {
    if (!String((err as Error).message).includes('setDownloadBehavior')) throw err
    // This Firefox cannot set a context's download folder: downloads go to the profile's (see firefoxLaunchOptions).
    removeDir(downloadDir)
    downloadDir = join(profileDirs.get(browser) ?? tmpdir(), 'downloads')
    mkdirSync(downloadDir, { recursive: true })
    ownDownloadDir = false
    context = await browser.createBrowserContext()
  }
  const page = await context.newPage({ type: 'window' })
  forwardFirefoxPageErrors(page, opts.label ?? 'firefox page')
  const path = opts.path === undefined ? '/' : opts.path
  if (path !== null) await page.goto(new URL(path, baseURL).toString())
  return { context, page, downloadDir, ownDownloadDir }
}

export async function closeFirefoxPeerPage(peer: FirefoxPeerPage): Promise<void> {
  await peer.context.close().catch(() => undefined)
  if (peer.ownDownloadDir) removeDir(peer.downloadDir)
}

export function forwardFirefoxPageErrors(page: Page, label: string): void {
  page.on('console', (msg) => {
    if (msg.type() === 'error') console.error(`[${label} console.error] ${msg.text()}`)
  })
  page.on('pageerror', (err) => console.error(`[${label} pageerror] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`))
}
