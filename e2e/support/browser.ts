// Launches Debian Chromium with exactly the flags of /work/shared/design/LAB.md and opens one
// isolated browser context per peer (contexts do not share storage).
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type LaunchOptions, type Page } from '@playwright/test'

export const CHROMIUM_PATH = process.env['SWARMSTREAM_CHROMIUM'] ?? '/usr/bin/chromium'

/** The LAB.md flags; the launcher adds --remote-debugging-pipe, --user-data-dir and --no-startup-window. */
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

export function chromiumLaunchOptions(userDataDir: string): LaunchOptions {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Install Debian's chromium (apt-get install chromium) ` +
        'or set SWARMSTREAM_CHROMIUM; do not use `npx playwright install`.',
    )
  }
  // ignoreDefaultArgs: true makes the command line exactly ours (Playwright's own --disable-features list
  // would otherwise be silently replaced), so we also pass what Playwright needs to drive the browser.
  const args = ['--remote-debugging-pipe', `--user-data-dir=${userDataDir}`, '--no-startup-window', ...CHROMIUM_FLAGS]
  return { executablePath: CHROMIUM_PATH, ignoreDefaultArgs: true, args, headless: true }
}

const profileDirs = new WeakMap<Browser, string>()

/** Launches Chromium with a fresh profile directory; stop it with closeChromium(). */
export async function launchChromium(): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'swarmstream-chromium-'))
  try {
    const browser = await chromium.launch(chromiumLaunchOptions(userDataDir))
    profileDirs.set(browser, userDataDir)
    return browser
  } catch (err) {
    removeDir(userDataDir)
    throw err
  }
}

/** Closes the browser (Playwright waits for the process to exit), then removes its profile. */
export async function closeChromium(browser: Browser): Promise<void> {
  await browser.close()
  const dir = profileDirs.get(browser)
  if (dir) removeDir(dir)
}

function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
  } catch (err) {
    console.warn(`[browser] could not remove ${dir}: ${(err as Error).message}`)
  }
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
