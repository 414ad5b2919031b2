// Every file at /files/<infoHash>/<path> through the service worker, in Firefox ESR: exact bytes for
// Range requests, HEAD, 404/416, and a <video src> that plays a faststart MP4 from the torrent.
import { readFile } from 'node:fs/promises'
import type { AppPeer } from '../support/app-peer.ts'
import { writeTestFile } from '../support/files.ts'
import { seedInPage, testMedia } from '../support/media.ts'
import { pollPage } from '../support/page-driver.ts'
import { expect, test } from '../support/firefox-peers.ts'

const SIZE = 300_001

async function fileUrlOf(peer: AppPeer, infoHash: string, index: number): Promise<string> {
  return peer.evaluate(
    async ({ infoHash, index, module }) => {
      const { fileUrl } = (await import(/* @vite-ignore */ module)) as typeof import('../../src/serve/index.ts')
      return fileUrl({ infoHash }, { path: window.swarmstream!.client.get(infoHash)!.files[index]!.path })
    },
    { infoHash, index, module: '/serve/index.ts' },
  )
}

test('file URLs answer Range requests with exactly the requested bytes, and <video src> plays', async ({ openAppPeer, tmpDir }) => {
  const dataPath = await writeTestFile(tmpDir, 'data.bin', SIZE, 12)
  const data = new Uint8Array(await readFile(dataPath))
  const seeder = await openAppPeer('firefox', 'seeder firefox')
  const leecher = await openAppPeer('firefox', 'leecher firefox')
  const infoHash = await seedInPage(seeder, [
    { path: dataPath, name: 'data.bin' },
    { path: testMedia('faststart.mp4'), name: 'movie.mp4' },
  ])
  const magnet = await seeder.evaluate((hash) => window.swarmstream!.client.get(hash)!.magnetURI, infoHash)
  await leecher.addMagnet(magnet)
  await pollPage(
    leecher,
    'the service worker controls the page and the torrent has its metadata',
    (hash) => !!navigator.serviceWorker.controller && !!window.swarmstream?.client.get(hash)?.ready,
    infoHash,
    { timeout: 60_000 },
  ).toBe(true)
  const url = await fileUrlOf(leecher, infoHash, 0)

  const cases: { range: string | null; start: number; end: number; status: number }[] = [
    { range: null, start: 0, end: SIZE - 1, status: 200 },
    { range: 'bytes=0-0', start: 0, end: 0, status: 206 },
    { range: 'bytes=16383-16385', start: 16383, end: 16385, status: 206 },
    { range: 'bytes=100000-250000', start: 100000, end: 250000, status: 206 },
    { range: 'bytes=299000-', start: 299000, end: SIZE - 1, status: 206 },
    { range: 'bytes=-1234', start: SIZE - 1234, end: SIZE - 1, status: 206 },
    { range: 'bytes=299990-999999', start: 299990, end: SIZE - 1, status: 206 },
  ]
  for (const c of cases) {
    const res = await leecher.evaluate(
      async ({ url, range }) => {
        const r = await fetch(url, range ? { headers: { Range: range } } : {})
        const body = new Uint8Array(await r.arrayBuffer())
        return { status: r.status, contentRange: r.headers.get('content-range'), length: r.headers.get('content-length'), type: r.headers.get('content-type'), body: Array.from(body) }
      },
      { url, range: c.range },
    )
    expect(res.status, `${c.range}`).toBe(c.status)
    expect(res.length, `${c.range}`).toBe(String(c.end - c.start + 1))
    expect(res.contentRange, `${c.range}`).toBe(c.status === 206 ? `bytes ${c.start}-${c.end}/${SIZE}` : null)
    expect(res.type).toBe('application/octet-stream')
    expect(new Uint8Array(res.body), `bytes of ${c.range}`).toEqual(data.subarray(c.start, c.end + 1))
  }

  const others = await leecher.evaluate(
    async ({ url, infoHash }) => {
      const head = await fetch(url, { method: 'HEAD', headers: { Range: 'bytes=10-19' } })
      const outside = await fetch(url, { headers: { Range: 'bytes=400000-' } })
      const noFile = await fetch(`/files/${infoHash}/nope.bin`)
      const noTorrent = await fetch(`/files/${'0'.repeat(40)}/x.bin`)
      return {
        head: [head.status, head.headers.get('content-length'), head.headers.get('accept-ranges'), (await head.arrayBuffer()).byteLength],
        outside: [outside.status, outside.headers.get('content-range')],
        noFile: [noFile.status, await noFile.text()],
        noTorrent: [noTorrent.status, await noTorrent.text()],
      }
    },
    { url, infoHash },
  )
  expect(others.head).toEqual([206, '10', 'bytes', 0])
  expect(others.outside).toEqual([416, `bytes */${SIZE}`])
  expect(others.noFile[0]).toBe(404)
  expect(others.noFile[1]).toMatch(/no file/)
  expect(others.noTorrent).toEqual([404, expect.stringMatching(/not open in any Swarmstream tab/)])

  const movieUrl = await fileUrlOf(leecher, infoHash, 1)
  const played = await leecher.evaluate(async (src) => {
    const video = document.createElement('video')
    video.muted = true
    video.autoplay = true
    video.src = src
    document.body.appendChild(video)
    await new Promise<void>((resolve, reject) => {
      const check = () => (video.currentTime > 1.5 ? resolve() : undefined)
      video.addEventListener('timeupdate', check)
      video.addEventListener('error', () => reject(new Error(`video error ${video.error?.code}: ${video.error?.message}`)))
    })
    return { width: video.videoWidth, duration: video.duration }
  }, movieUrl)
  expect(played.width).toBe(640)
  expect(played.duration).toBeGreaterThan(50)
})
