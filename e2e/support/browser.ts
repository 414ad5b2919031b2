// Launches Debian Chromium with exactly the flags of /work/shared/design/LAB.md and opens one
// isolated browser context per peer (contexts do not share storage).
import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type LaunchOptions, type Page } from '@playwright/test'

export const CHROMIUM_PATH = process.env['SWARMSTREAM_CHROMIUM'] ?? '/usr/bin/chromium'

/** The whole command line besides what Playwright itself needs (pipe, user-data-dir). */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  // Without it no 127.0.0.1 ICE candidate is gathered.
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export function chromiumLaunchOptions(): LaunchOptions {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Install Debian's chromium (apt-get install chromium) ` +
        'or set SWARMSTREAM_CHROMIUM; do not use `npx playwright install`.',
    )
  }
  // ignoreDefaultArgs: Playwright's own --disable-features list would otherwise be silently replaced.
  return { executablePath: CHROMIUM_PATH, ignoreDefaultArgs: true, args: [...CHROMIUM_FLAGS], headless: true }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions())
}

export interface PeerPage {
  context: BrowserContext
  page: Page
}

export interface PeerPageOptions {
  /** Label used when forwarding the page's console errors. */
  label?: string
  /** Path or URL to open, relative to baseURL; default '/'. Pass null to open nothing. */
  path?: string | null
}

/**
 * A fresh context (own storage) with camera+microphone granted to the origin: Chromium only
 * enumerates local interfaces for ICE when the origin has media permission.
 */
export async function newPeerPage(browser: Browser, baseURL: string, opts: PeerPageOptions = {}): Promise<PeerPage> {
  const origin = new URL(baseURL).origin
  const context = await browser.newContext({ baseURL, acceptDownloads: true })
  await context.grantPermissions(['camera', 'microphone'], { origin })
  const page = await context.newPage()
  forwardPageErrors(page, opts.label ?? 'page')
  const path = opts.path === undefined ? '/' : opts.path
  if (path !== null) await page.goto(path)
  return { context, page }
}

export function forwardPageErrors(page: Page, label: string): void {
  page.on('console', (msg) => {
    if (msg.type() === 'error') console.error(`[${label} console.error] ${msg.text()}`)
  })
  page.on('pageerror', (err) => console.error(`[${label} pageerror] ${err.stack ?? err.message}`))
  page.on('crash', () => console.error(`[${label}] page crashed`))
}
