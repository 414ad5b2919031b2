// Web seeds as sources that say how they are, in real Chromium against e2e/support/static-server.ts:
// a web seed that answers 404 (its status in the row, one warning), a magnet whose metadata comes only
// from its xs= .torrent URL, and a server that ignores Range (at most about one copy of the file sent).
import { createHash } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import type { Page } from '@playwright/test'
import bencode from 'bencode'
import createTorrent from 'create-torrent'
import { addMagnet, openTorrentFile, saveFile, torrentItem, waitForDone } from './support/app.ts'
import { sha256, writeTestFile } from './support/files.ts'
import { startStaticServer } from './support/static-server.ts'
import { expect, test } from './support/peers.ts'

const PIECE_LENGTH = 256 * 1024
const SCREENSHOTS = resolve(import.meta.dirname, 'artifacts', 'screenshots')
/** Port 9 (discard) on loopback: a tracker nobody answers (Chromium refuses it at once). */
const DEAD_TRACKER = 'ws://127.0.0.1:9'

/** A single-file .torrent made by the npm `create-torrent` package (WebTorrent's), with an optional url-list. */
async function makeTorrent(path: string, opts: { urlList?: string[]; announce?: string[] } = {}): Promise<{ torrent: Uint8Array; infoHash: string }> {
  const file = new File([await readFile(path)], basename(path))
  const torrent = await new Promise<Uint8Array>((resolve, reject) =>
    createTorrent(
      file,
      { pieceLength: PIECE_LENGTH, urlList: opts.urlList ?? [], announceList: opts.announce ? [opts.announce] : [] },
      (err, t) => (err ? reject(err) : resolve(t)),
    ),
  )
  const infoHash = createHash('sha1').update(bencode.encode(bencode.decode(torrent)['info'])).digest('hex')
  return { torrent, infoHash }
}

/** Records the library's warnings (code and message) of every torrent in the page. */
async function recordWarnings(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { webSeedWarnings: { code: string; message: string }[] }
    w.webSeedWarnings = []
    window.swarmstream!.client.on('torrent', (t) => t.on('warning', (err) => w.webSeedWarnings.push({ code: err.code, message: err.message })))
  })
}

function warningsOf(page: Page): Promise<{ code: string; message: string }[]> {
  return page.evaluate(() => (window as unknown as { webSeedWarnings: { code: string; message: string }[] }).webSeedWarnings)
}

function webSeedsOf(page: Page, infoHash: string) {
  return page.evaluate((hash) => window.swarmstream!.client.get(hash)!.webSeeds, infoHash)
}

test('a web seed that answers 404 shows its status in the row and warns once; with no other source the page warns', async ({ openPeer, tmpDir }) => {
  const path = await writeTestFile(tmpDir, 'gone.bin', 1024 * 1024, 601)
  const server = await startStaticServer(tmpDir)
  try {
    const missing = `${server.url}/missing/`
    const { torrent, infoHash } = await makeTorrent(path, { urlList: [missing] })
    const torrentPath = join(tmpDir, 'gone.torrent')
    await writeFile(torrentPath, torrent)

    const peer = await openPeer('leecher')
    await recordWarnings(peer.page)
    await openTorrentFile(peer.page, torrentPath)
    const item = torrentItem(peer.page, infoHash)
    const line = item.locator(`[data-testid="web-seed-status"][data-url="${missing}"]`)
    await expect(line, 'the web seed is shown failing').toHaveAttribute('data-status', 'failing', { timeout: 30_000 })
    await expect(line).toContainText('failing: the server answered HTTP 404')
    await expect(item.getByTestId('torrent-source-notice')).toContainText(`web seed ${missing} failing`)
    // It is retried with backoff; the warning goes out once per state, not once per retry.
    await expect.poll(async () => (await webSeedsOf(peer.page, infoHash))[0]?.failures ?? 0, { timeout: 30_000 }).toBeGreaterThanOrEqual(2)
    const seeds = await webSeedsOf(peer.page, infoHash)
    expect(seeds[0]).toMatchObject({ url: missing, status: 'failing', httpStatus: 404, downloaded: 0 })
    const warnings = (await warningsOf(peer.page)).filter((w) => w.code.startsWith('WEBSEED_'))
    expect(warnings, 'one warning naming the status and the URL').toEqual([{ code: 'WEBSEED_HTTP', message: expect.stringContaining('404') }])
    expect(warnings[0]!.message).toContain(`${missing}gone.bin`)
    await expect(peer.page.getByTestId('error-banner'), 'the tracker works: no page-wide warning').toBeHidden()
    await item.getByTestId('torrent-sources').locator('summary').click()
    await mkdir(SCREENSHOTS, { recursive: true })
    await item.screenshot({ path: join(SCREENSHOTS, '10-web-seed-404.png'), animations: 'disabled' })

    // The same torrent where the only tracker is dead: nothing works, and the page says why.
    const alone = await openPeer('alone', { trackers: [DEAD_TRACKER] })
    await openTorrentFile(alone.page, torrentPath)
    await expect(alone.page.getByTestId('error-message')).toContainText('no source works', { timeout: 30_000 })
    await expect(alone.page.getByTestId('error-message')).toContainText('HTTP 404')
  } finally {
    await server.close()
  }
})

test('an xs= magnet with no peers gets its metadata from the .torrent URL and completes from the web seed', async ({ openPeer, tmpDir }) => {
  const size = 3 * 1024 * 1024 + 4321
  const path = await writeTestFile(tmpDir, 'exact.bin', size, 602)
  const server = await startStaticServer(tmpDir)
  try {
    // The .torrent itself names no web seed and no tracker: the magnet's ws= is the only source of data.
    const { torrent, infoHash } = await makeTorrent(path)
    await writeFile(join(tmpDir, 'exact.torrent'), torrent)
    const magnet =
      `magnet:?xt=urn:btih:${infoHash}&dn=exact.bin&ws=${encodeURIComponent(`${server.url}/exact.bin`)}` +
      `&xs=${encodeURIComponent(`${server.url}/exact.torrent`)}`

    const peer = await openPeer('leecher')
    await addMagnet(peer.page, magnet)
    await waitForDone(peer.page, infoHash, { timeout: 60_000 })
    expect(await sha256(await saveFile(peer.page, 'exact.bin', { infoHash }))).toBe(await sha256(path))
    expect(server.requests.filter((r) => r.path === '/exact.torrent' && r.method === 'GET'), 'the .torrent was fetched once').toHaveLength(1)
    const seeds = await webSeedsOf(peer.page, infoHash)
    expect(seeds.map((s) => s.url)).toEqual([`${server.url}/exact.bin`])
    expect(seeds[0]!.downloaded, 'every byte came from the web seed').toBe(size)
  } finally {
    await server.close()
  }
})

test('a web seed that ignores Range moves about one copy of the file, not one per piece', async ({ openPeer, tmpDir, tracker }) => {
  const size = 6 * 1024 * 1024 + 12_345
  const path = await writeTestFile(tmpDir, 'whole.bin', size, 603)
  const server = await startStaticServer(tmpDir, { ignoreRange: true })
  try {
    const { torrent, infoHash } = await makeTorrent(path, { urlList: [`${server.url}/whole.bin`], announce: [tracker.url] })
    const torrentPath = join(tmpDir, 'whole.torrent')
    await writeFile(torrentPath, torrent)
    const peer = await openPeer('leecher')
    await openTorrentFile(peer.page, torrentPath)
    await waitForDone(peer.page, infoHash, { timeout: 60_000 })
    expect(await sha256(await saveFile(peer.page, 'whole.bin', { infoHash }))).toBe(await sha256(path))

    const gets = server.requests.filter((r) => r.path === '/whole.bin' && r.method === 'GET')
    const pieces = Math.ceil(size / PIECE_LENGTH)
    const description = `${pieces} pieces of ${PIECE_LENGTH} B, file ${size} B: the server sent ${server.bytesSent} B (${(server.bytesSent / size).toFixed(3)}× the file) in ${gets.length} GET(s)`
    test.info().annotations.push({ type: 'range-ignoring web seed', description })
    console.log(`[web-seed] ${description}`)
    expect(server.bytesSent, 'at most about one copy of the file').toBeLessThanOrEqual(1.05 * size)
    expect((await webSeedsOf(peer.page, infoHash))[0]).toMatchObject({ downloaded: size, demoted: false })
  } finally {
    await server.close()
  }
})
