// Page-object helpers for the web app's test contract (data-testid attributes, URL parameters).
import { readdir, readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { expect, type Locator, type Page } from '@playwright/test'

/** App URL that uses only `trackerUrl` and no STUN servers. */
export function appUrl(base: string, trackerUrl: string): string {
  const url = new URL('/', base)
  url.searchParams.append('announce', trackerUrl)
  url.searchParams.set('ice', 'none')
  return url.toString()
}

/** Opens the app and waits until its controls are there. */
export async function openApp(page: Page, base: string, trackerUrl: string): Promise<void> {
  await page.goto(appUrl(base, trackerUrl))
  await expect(page.getByTestId('magnet-input')).toBeVisible()
}

export function torrentItems(page: Page): Locator {
  return page.getByTestId('torrent-list').getByTestId('torrent-item')
}

/** The torrent item with this info hash (40 hex, any case). */
export function torrentItem(page: Page, infoHash: string): Locator {
  return page.locator(`[data-testid="torrent-item"][data-info-hash="${infoHash.toLowerCase()}" i]`)
}

/**
 * Seeds files through the `seed-files-input` picker. Several files ask for a name first: `name`
 * is typed in, else the proposed name is kept.
 */
export async function seedFiles(page: Page, paths: string | string[], opts: { name?: string } = {}): Promise<void> {
  await page.getByTestId('seed-files-input').setInputFiles(paths)
  if (Array.isArray(paths) && paths.length > 1) await nameShare(page, opts.name)
}

/** Seeds a whole folder through the `webkitdirectory` input (the folder's name is proposed and kept unless `name`). */
export async function seedFolder(page: Page, dir: string, opts: { name?: string } = {}): Promise<void> {
  await page.getByTestId('seed-folder-input').setInputFiles(dir)
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile())
  if (files.length > 1) await nameShare(page, opts.name)
}

/** Confirms the "Name this share" form, typing `name` first when given. */
export async function nameShare(page: Page, name?: string): Promise<void> {
  const form = page.getByTestId('share-name-form')
  await expect(form, 'several files ask for a name before the magnet link is made').toBeVisible()
  if (name !== undefined) await form.getByTestId('share-name-input').fill(name)
  await form.getByTestId('share-name-confirm').click()
  await expect(form).toBeHidden()
}

/** Opens a .torrent file (path) through `torrent-file-input`. */
export async function openTorrentFile(page: Page, path: string): Promise<void> {
  await page.getByTestId('torrent-file-input').setInputFiles(path)
}

/** Types a magnet (or info hash / .torrent URL) and presses the add button. */
export async function addMagnet(page: Page, magnet: string): Promise<void> {
  const input = page.getByTestId('magnet-input')
  await input.fill(magnet)
  await page.getByTestId('add-button').click()
}

export interface WaitOptions {
  timeout?: number
}

/**
 * Waits until the torrent item number `index` (default: the newest) is seeding with a magnet link,
 * and returns that magnet URI.
 */
export async function waitForMagnet(page: Page, opts: WaitOptions & { index?: number } = {}): Promise<string> {
  const timeout = opts.timeout ?? 60_000
  const items = torrentItems(page)
  await expect(items.first(), 'a torrent item appears after seeding').toBeVisible({ timeout })
  const item = opts.index === undefined ? items.last() : items.nth(opts.index)
  const link = item.getByTestId('magnet-link')
  await expect(link, 'the magnet link is filled in once hashing is done').toHaveValue(/^magnet:\?/, { timeout })
  await expect(item, 'the seeder reaches state "seeding"').toHaveAttribute('data-state', 'seeding', { timeout })
  return link.inputValue()
}

/** The info hash (lower-case hex) from a magnet URI's `xt=urn:btih:` (hex or base32). */
export function infoHashOf(magnet: string): string {
  const xt = new URL(magnet).searchParams.getAll('xt').find((v) => v.toLowerCase().startsWith('urn:btih:'))
  if (!xt) throw new Error(`No urn:btih in magnet: ${magnet}`)
  const id = xt.slice('urn:btih:'.length)
  if (/^[0-9a-f]{40}$/i.test(id)) return id.toLowerCase()
  if (/^[a-z2-7]{32}$/i.test(id)) return base32ToHex(id)
  throw new Error(`Unrecognised info hash "${id}" in magnet: ${magnet}`)
}

function base32ToHex(text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const ch of text.toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0')
  let hex = ''
  for (let i = 0; i + 4 <= bits.length; i += 4) hex += parseInt(bits.slice(i, i + 4), 2).toString(16)
  return hex
}

/** Waits until the torrent is complete: state "seeding" and progress 1. */
export async function waitForDone(page: Page, infoHash: string, opts: WaitOptions = {}): Promise<void> {
  const timeout = opts.timeout ?? 90_000
  const item = torrentItem(page, infoHash)
  await expect(item, `torrent ${infoHash} is listed`).toBeVisible({ timeout: Math.min(timeout, 30_000) })
  await expect(item, `torrent ${infoHash} finishes downloading`).toHaveAttribute('data-state', 'seeding', { timeout })
  await expect(item.getByTestId('torrent-progress')).toHaveAttribute('data-progress', '1')
}

/** The file item for `path` (with or without the torrent's top folder), optionally inside one torrent. */
export function fileItem(page: Page, path: string, infoHash?: string): Locator {
  const scope = infoHash ? torrentItem(page, infoHash) : page.getByTestId('torrent-list')
  const withoutRoot = path.includes('/') ? path.slice(path.indexOf('/') + 1) : path
  const selectors = [path, withoutRoot].map((p) => `[data-testid="file-item"][data-path="${cssString(p)}"]`)
  return scope.locator([...new Set(selectors)].join(', ')).first()
}

function cssString(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
}

/**
 * Clicks the file's `save-file` button and returns the downloaded bytes. Checks that the browser
 * saves it under the file's own name.
 */
export async function saveFile(page: Page, path: string, opts: WaitOptions & { infoHash?: string } = {}): Promise<Buffer> {
  const timeout = opts.timeout ?? 60_000
  const button = fileItem(page, path, opts.infoHash).getByTestId('save-file')
  await expect(button, `save button of ${path} is enabled once the file is complete`).toBeEnabled({ timeout })
  const [download] = await Promise.all([page.waitForEvent('download', { timeout }), button.click()])
  expect(download.suggestedFilename(), 'the file is saved under its own name').toBe(basename(path))
  const failure = await download.failure()
  if (failure) throw new Error(`Download of ${path} failed: ${failure}`)
  return readFile(await download.path())
}

/** Waits for the error banner and returns its text. */
export async function errorBannerText(page: Page, opts: WaitOptions = {}): Promise<string> {
  const banner = page.getByTestId('error-banner')
  await expect(banner, 'an error banner is shown').toBeVisible({ timeout: opts.timeout ?? 15_000 })
  return (await banner.innerText()).trim()
}

export async function dismissError(page: Page): Promise<void> {
  await page.getByTestId('error-dismiss').click()
  await expect(page.getByTestId('error-banner')).toBeHidden()
}

declare global {
  interface Window {
    /** Set by countVerifiedFromLoad: `verified` events of a torrent since the client created it. */
    verifiedSinceLoad?: (torrent: object) => number
  }
}

/**
 * From the page's next load on, counts each torrent's `verified` events from the moment the client
 * creates it: an init script catches `window.swarmstream` as the app sets it, before any torrent is
 * restored or added, so no piece verified before the test's own code runs goes uncounted.
 * Read the count in the page with `window.verifiedSinceLoad(torrent)`.
 */
export async function countVerifiedFromLoad(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const counts = new WeakMap<object, number>()
    let handle: Window['swarmstream']
    Object.defineProperty(window, 'swarmstream', {
      configurable: true,
      get: () => handle,
      set(value: Window['swarmstream']) {
        handle = value
        value?.client.on('torrent', (t) => t.on('verified', () => counts.set(t, (counts.get(t) ?? 0) + 1)))
      },
    })
    window.verifiedSinceLoad = (torrent) => counts.get(torrent) ?? 0
  })
}
