// Magnet links open Swarmstream: the Settings button registers the page as the browser's handler
// for magnet: links, and the handler URL (/?magnet=<link>) adds the torrent once. Headless Chromium
// cannot accept the browser's own confirmation prompt, so a click on a magnet: link elsewhere is not
// routed here; the test checks the registration call the real browser accepts, then opens the URL
// the browser would open.
import { appUrl, errorBannerText, infoHashOf, seedFiles, torrentItem, torrentItems, waitForDone, waitForMagnet } from './support/app.ts'
import { writeTestFile } from './support/files.ts'
import { expect, test } from './support/peers.ts'

declare global {
  interface Window {
    handlerCalls?: { scheme: string; url: string; error: string | null }[]
  }
}

/** Init script: records registerProtocolHandler calls and still makes them (the browser checks the arguments). */
function recordHandlerCalls(): void {
  const calls: { scheme: string; url: string; error: string | null }[] = (window.handlerCalls = [])
  const real = navigator.registerProtocolHandler.bind(navigator)
  navigator.registerProtocolHandler = (scheme: string, url: string | URL) => {
    const call = { scheme, url: String(url), error: null as string | null }
    calls.push(call)
    try {
      real(scheme, url)
    } catch (err) {
      call.error = String(err)
      throw err
    }
  }
}

/** The URL the browser opens for `magnet` once the handler is registered (it escapes the link into %s). */
function handlerUrl(base: string, trackerUrl: string, magnet: string): string {
  const url = new URL(appUrl(base, trackerUrl))
  url.searchParams.set('magnet', magnet)
  return url.toString()
}

test('Settings registers the magnet: handler with a URL the browser accepts', async ({ openPeer, baseURL }) => {
  const a = await openPeer('A', { app: false })
  await a.page.addInitScript(recordHandlerCalls)
  await a.page.goto('/')
  await a.page.getByTestId('settings').locator('summary').click()
  await a.page.getByTestId('register-magnet-handler').click()
  await expect(a.page.getByTestId('magnet-handler-status')).toHaveText(/^Asked the browser/)
  const calls = await a.page.evaluate(() => window.handlerCalls)
  expect(calls).toEqual([{ scheme: 'magnet', url: `${new URL(baseURL!).origin}/?magnet=%s`, error: null }])
})

test('the magnet handler URL adds the torrent once, and a bad link gets the usual clear error', async ({ openPeer, baseURL, tracker, tmpDir }) => {
  const seeder = await openPeer('seeder')
  await seedFiles(seeder.page, await writeTestFile(tmpDir, 'linked.bin', 400_000, 31))
  const magnet = await waitForMagnet(seeder.page)
  const infoHash = infoHashOf(magnet)

  const b = await openPeer('B', { app: false })
  await b.page.goto(handlerUrl(baseURL!, tracker.url, magnet))
  await waitForDone(b.page, infoHash)
  const opened = new URL(b.page.url())
  expect(opened.searchParams.has('magnet'), 'the link is cleared from the address bar').toBe(false)
  expect(opened.searchParams.getAll('announce'), 'the other parameters stay').toEqual([tracker.url])

  // A reload brings the torrent back from storage and does not add it a second time.
  await b.page.reload()
  await expect(torrentItem(b.page, infoHash)).toHaveAttribute('data-state', 'seeding')
  await expect(torrentItems(b.page)).toHaveCount(1)
  await expect(b.page.getByTestId('error-banner')).toBeHidden()

  // Opening the same link again says it is already there instead of adding a copy.
  await b.page.goto(handlerUrl(baseURL!, tracker.url, magnet))
  expect(await errorBannerText(b.page)).toMatch(/already in the list/)
  await expect(torrentItems(b.page)).toHaveCount(1)

  const c = await openPeer('C', { app: false })
  await c.page.goto(handlerUrl(baseURL!, tracker.url, 'magnet:?xt=urn:btih:zzz'))
  expect(await errorBannerText(c.page)).toMatch(/^(Error: )?That magnet link is not valid: .+/)
  await expect(torrentItems(c.page)).toHaveCount(0)
  expect(new URL(c.page.url()).searchParams.has('magnet'), 'a bad link is cleared too').toBe(false)
})
