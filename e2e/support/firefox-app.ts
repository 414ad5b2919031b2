// Page-object helpers for the web app in a Firefox page (puppeteer-core over WebDriver BiDi), with the
// names and the test contract (data-testid attributes, URL parameters) of app.ts for Chromium.
import { access, readdir, readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { expect } from '@playwright/test'
import type { ElementHandle, Page } from 'puppeteer-core'
import { appUrl, type WaitOptions } from './app.ts'
import { pollPage, type PageDriver } from './page-driver.ts'

/** A Firefox page as a PageDriver, for the helpers shared with Chromium pages. */
export function firefoxDriver(page: Page): PageDriver {
  return {
    evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg?: A) => page.evaluate(fn as (arg: unknown) => R, arg) as Promise<R>,
    setInputFiles: (selector, files) => setInputFiles(page, selector, files),
  }
}

/** Opens the app and waits until its controls are there. */
export async function openApp(page: Page, base: string, trackerUrl: string): Promise<void> {
  await page.goto(appUrl(base, trackerUrl))
  await pollPage(firefoxDriver(page), 'the app shows its magnet input', () => !!document.querySelector('[data-testid="magnet-input"]'), null).toBe(true)
}

/** Chooses files in the app's `seed-files-input`, as a person picking them would. */
export async function seedFiles(page: Page, paths: string | string[]): Promise<void> {
  await setInputFiles(page, '[data-testid="seed-files-input"]', Array.isArray(paths) ? paths : [paths])
}

/** Sets the files of the `<input type=file>` matched by `selector` (BiDi `input.setFiles`). */
export async function setInputFiles(page: Page, selector: string, paths: string[]): Promise<void> {
  const input = await page.waitForSelector(selector)
  if (!input) throw new Error(`No file input ${selector}`)
  try {
    await (input as ElementHandle<HTMLInputElement>).uploadFile(...paths)
  } finally {
    await input.dispose()
  }
}

/** Types a magnet (or info hash / .torrent URL) and presses the add button. */
export async function addMagnet(page: Page, magnet: string): Promise<void> {
  await page.locator('[data-testid="magnet-input"]').fill(magnet)
  await page.locator('[data-testid="add-button"]').click()
}

/** What a torrent item shows: state, progress and magnet link (all null when it is not listed). */
export interface TorrentView {
  state: string | null
  progress: string | null
  magnet: string | null
}

/** In the page: the view of the item for `infoHash`, or of the item number `index` (-1: the newest). */
function torrentView({ infoHash, index }: { infoHash?: string; index?: number }): TorrentView {
  const items = [...document.querySelectorAll<HTMLElement>('[data-testid="torrent-list"] [data-testid="torrent-item"]')]
  const item = infoHash ? items.find((i) => i.dataset['infoHash']?.toLowerCase() === infoHash.toLowerCase()) : items.at(index ?? -1)
  return {
    state: item?.dataset['state'] ?? null,
    progress: item?.querySelector<HTMLElement>('[data-testid="torrent-progress"]')?.dataset['progress'] ?? null,
    magnet: item?.querySelector<HTMLInputElement>('[data-testid="magnet-link"]')?.value || null,
  }
}

/** Waits until the newest torrent item (or number `index`) is seeding with a magnet link; returns it. */
export async function waitForMagnet(page: Page, opts: WaitOptions & { index?: number } = {}): Promise<string> {
  const at = { index: opts.index ?? -1 }
  await pollPage(firefoxDriver(page), 'the seeder shows its magnet link and reaches state "seeding"', torrentView, at, { timeout: opts.timeout ?? 60_000 }).toMatchObject({
    state: 'seeding',
    magnet: expect.stringMatching(/^magnet:\?/),
  })
  return (await firefoxDriver(page).evaluate(torrentView, at)).magnet!
}

/** Waits until the torrent is complete: state "seeding" and progress 1. */
export async function waitForDone(page: Page, infoHash: string, opts: WaitOptions = {}): Promise<void> {
  await pollPage(firefoxDriver(page), `torrent ${infoHash} finishes downloading`, torrentView, { infoHash }, { timeout: opts.timeout ?? 90_000 }).toMatchObject({
    state: 'seeding',
    progress: '1',
  })
}

/**
 * Clicks the file's `save-file` button and returns the bytes Firefox saved into `downloadDir`
 * (the context's download folder) under the file's own name.
 */
export async function saveFile(page: Page, downloadDir: string, path: string, opts: WaitOptions & { infoHash: string }): Promise<Buffer> {
  const timeout = opts.timeout ?? 60_000
  const withoutRoot = path.includes('/') ? path.slice(path.indexOf('/') + 1) : path
  const button = `[data-testid="torrent-item"][data-info-hash="${opts.infoHash.toLowerCase()}" i] [data-testid="file-item"]:is([data-path="${cssString(path)}"], [data-path="${cssString(withoutRoot)}"]) [data-testid="save-file"]`
  await pollPage(firefoxDriver(page), `save button of ${path} is enabled once the file is complete`, (sel) => document.querySelector<HTMLButtonElement>(sel)?.disabled, button, { timeout }).toBe(false)
  await page.locator(button).click()
  const target = join(downloadDir, basename(path))
  // Firefox creates an empty `<name>`, writes into `<stem>.<random>.<ext>.part` and renames that onto
  // `<name>` once the download is complete.
  const settled = async () => (await exists(target)) && !(await readdir(downloadDir)).some((f) => f.endsWith('.part'))
  await expect.poll(settled, { message: `Firefox saves ${path} as ${basename(path)}`, timeout }).toBe(true)
  return readFile(target)
}

function cssString(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}
