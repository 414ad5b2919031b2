// Playback while downloading (src/media). First step: the file's pieces are local (seeded in the same
// page), so these checks cover the renderer itself: MediaSource playback of each format, seeking,
// subtitles from a sibling .srt, and a clear error for a format the browser cannot play.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { newPeerPage, type PeerPage } from './support/browser.ts'
import { openApp } from './support/app.ts'
import { playInPage, seedInPage, seekAndPlay, testMedia, type MediaModule, type TestMediaName } from './support/media.ts'
import { expect, test as base } from './support/tracker.ts'

const test = base.extend<{ player: PeerPage }>({
  player: async ({ browser, baseURL, tracker }, use) => {
    const peer = await newPeerPage(browser, baseURL!, { label: 'player', path: null })
    await openApp(peer.page, baseURL!, tracker.url)
    await use(peer)
    await peer.context.close().catch(() => undefined)
  },
})

const FORMATS: [string, TestMediaName][] = [
  ['MP4 H.264/AAC, faststart', 'faststart.mp4'],
  ['MP4 H.264/AAC, moov at the end', 'moov-at-end.mp4'],
  ['MP4 H.264/AAC, all audio before the video (not interleaved)', 'audio-first.mp4'],
  ['MP4 H.264/AAC, movie fragments (appended as they are)', 'fragmented.mp4'],
  ['WebM VP9/Opus', 'vp9-opus.webm'],
]

test.describe('playback from local pieces', () => {
  for (const [label, name] of FORMATS) {
    test(`${label}: plays past 2 s, and resumes after seeking to 80 %`, async ({ player: { page } }) => {
      const infoHash = await seedInPage(page, [{ path: testMedia(name), name }])
      const played = await playInPage(page, infoHash, name, 2)
      const note = `${name}: renderTo → currentTime > 0 in ${played.msToFirstFrame} ms`
      test.info().annotations.push({ type: 'time to first frame', description: note })
      console.log(`[media] ${note}`)
      expect(played.videoWidth, 'the video track is decoded').toBe(640)
      expect(played.duration, 'the whole 60 s are known').toBeGreaterThan(59)

      const seek = await seekAndPlay(page, 0.8)
      expect(seek.reached, 'playback goes on from the seek target').toBeGreaterThan(seek.target + 1)
      expect(seek.reached).toBeLessThan(seek.target + 10)
    })
  }

  test('MP4 autoplay through renderTo remuxes once: nothing appended is thrown away before the first frame', async ({ player: { page } }) => {
    const infoHash = await seedInPage(page, [{ path: testMedia('faststart.mp4'), name: 'faststart.mp4' }])
    await page.evaluate(() => {
      const counts = { aborts: 0, appends: 0 }
      Object.assign(window, { __sourceBuffers: counts })
      const { abort, appendBuffer } = SourceBuffer.prototype
      SourceBuffer.prototype.abort = function (this: SourceBuffer) {
        counts.aborts++
        abort.call(this)
      }
      SourceBuffer.prototype.appendBuffer = function (this: SourceBuffer, data: BufferSource) {
        counts.appends++
        appendBuffer.call(this, data)
      }
    })
    await playInPage(page, infoHash, 'faststart.mp4', 0.2)
    const counts = await page.evaluate(() => (window as unknown as { __sourceBuffers: { aborts: number; appends: number } }).__sourceBuffers)
    expect(counts.appends, 'the video went through MediaSource').toBeGreaterThan(2)
    // With videostream (before session 25), a play() before the element could play fired `waiting`, and it began its fragments again.
    expect(counts.aborts, 'no append was aborted to start over').toBe(0)
  })

  test('subtitles: video.srt beside video.mp4 becomes a track whose cues load when shown', async ({ player: { page } }) => {
    const infoHash = await seedInPage(page, [
      { path: testMedia('faststart.mp4'), name: 'video.mp4' },
      { path: testMedia('video.srt'), name: 'video.srt' },
    ])
    await playInPage(page, infoHash, 'video.mp4', 0.2)
    const cues = await page.evaluate(async (infoHash) => {
      const url = '/media/index.ts'
      const media = (await import(/* @vite-ignore */ url)) as MediaModule
      const video = (window as unknown as { __video: HTMLVideoElement }).__video
      const torrent = window.swarmstream!.client.get(infoHash)!
      const videoFile = torrent.files.find((f) => f.name === 'video.mp4')!
      const [track] = media.attachSubtitles(video, torrent.files, videoFile)
      if (!track) return { count: -1, first: '', label: '' }
      const before = track.dataset['loaded'] ?? 'no'
      track.track.mode = 'showing'
      const deadline = performance.now() + 10_000
      while ((track.track.cues?.length ?? 0) === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      const first = track.track.cues?.[0] as VTTCue | undefined
      return { count: track.track.cues?.length ?? 0, first: first?.text ?? '', label: track.label, before }
    }, infoHash)
    expect(cues.before, 'nothing is fetched before the track is shown').toBe('no')
    expect(cues.count, 'all three SRT cues are on the track').toBe(3)
    expect(cues.first).toBe('Swarmstream test subtitle one')
    expect(cues.label).toBe('video.srt')
  })

  test('what cannot stream is shown whole from a Blob URL: text in a sandboxed iframe, an image; other bytes and files over maxBlobLength are refused', async ({
    player: { page },
  }, testInfo) => {
    const dir = testInfo.outputPath('whole')
    mkdirSync(dir, { recursive: true })
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAADCAIAAAA2iEnWAAAAEElEQVR4nGP4z8AARAwoFABE0AX7pM/egAAAAABJRU5ErkJggg==', 'base64')
    const files = { 'notes.txt': Buffer.from('Swarmstream whole-file text\n'), 'dot.png': png, 'blob.bin': Buffer.from([0, 1, 2, 250, 251, 252, 7, 8]) }
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes)
    const infoHash = await seedInPage(page, Object.keys(files).map((name) => ({ path: join(dir, name), name })))
    const shown = await page.evaluate(async (infoHash) => {
      const url = '/media/index.ts'
      const media = (await import(/* @vite-ignore */ url)) as MediaModule
      const files = window.swarmstream!.client.get(infoHash)!.files
      const file = (name: string) => files.find((f) => f.name === name)!
      const parent = document.body.appendChild(document.createElement('div'))
      const attempt = async (name: string, opts = {}) => {
        try {
          const element = await media.appendTo(file(name), parent, opts)
          return { tag: element.localName, sandbox: element.getAttribute('sandbox'), src: element.getAttribute('src') ?? '' }
        } catch (err) {
          return { code: (err as { code?: string }).code ?? 'untyped', message: (err as Error).message }
        }
      }
      const text = await attempt('notes.txt')
      const iframe = parent.querySelector('iframe')!
      const image = await attempt('dot.png')
      const img = parent.querySelector('img')!
      await img.decode()
      return {
        text,
        textBody: await (await fetch(iframe.src)).text(),
        image,
        imageSize: [img.naturalWidth, img.naturalHeight],
        binary: await attempt('blob.bin'),
        tooLarge: await attempt('notes.txt', { maxBlobLength: 3 }),
        children: parent.childElementCount,
      }
    }, infoHash)
    expect(shown.text).toMatchObject({ tag: 'iframe', sandbox: 'allow-forms allow-scripts' })
    expect(shown.text.src, 'a Blob URL').toMatch(/^blob:/)
    expect(shown.textBody).toBe('Swarmstream whole-file text\n')
    expect(shown.image).toMatchObject({ tag: 'img' })
    expect(shown.imageSize, 'the PNG decodes').toEqual([2, 3])
    expect(shown.binary).toMatchObject({ code: 'UNSUPPORTED_FORMAT' })
    expect(shown.tooLarge).toMatchObject({ code: 'PLAYBACK_FAILED' })
    expect((shown.tooLarge as { message: string }).message).toMatch(/maxBlobLength.*save the file/i)
    expect(shown.children, 'the refused files left no element behind').toBe(2)
  })

  test('a format the browser cannot play (HEVC) rejects with UNSUPPORTED_FORMAT and says to save it', async ({ player: { page } }) => {
    const infoHash = await seedInPage(page, [{ path: testMedia('hevc.mp4'), name: 'hevc.mp4' }])
    const error = await page.evaluate(async (infoHash) => {
      const url = '/media/index.ts'
      const media = (await import(/* @vite-ignore */ url)) as MediaModule
      const file = window.swarmstream!.client.get(infoHash)!.files[0]!
      const parent = document.body.appendChild(document.createElement('div'))
      try {
        await media.appendTo(file, parent, { muted: true })
        return { code: 'none', message: '', children: parent.childElementCount }
      } catch (err) {
        return { code: (err as { code?: string }).code ?? 'untyped', message: (err as Error).message, children: parent.childElementCount }
      }
    }, infoHash)
    expect(error.code).toBe('UNSUPPORTED_FORMAT')
    expect(error.message).toContain('hvc1')
    expect(error.message).toMatch(/save the file/i)
    expect(error.children, 'no empty black box is left behind').toBe(0)
  })

  test("the app's Play uses the file URL (the browser's own demuxer) once the worker controls the page; what the browser refuses goes to MediaSource, which says why", async ({
    player: { page },
  }) => {
    const infoHash = await seedInPage(page, [
      { path: testMedia('faststart.mp4'), name: 'movie.mp4' },
      { path: testMedia('hevc.mp4'), name: 'hevc.mp4' },
    ])
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 })
    const played = await page.evaluate(async (infoHash) => {
      const ss = window.swarmstream!
      const files = ss.client.get(infoHash)!.files
      const video = document.body.appendChild(document.createElement('video'))
      const movie = files.find((f) => f.name === 'movie.mp4')!
      const via = await ss.play(movie, video, { muted: true })
      await new Promise<void>((resolve, reject) => {
        const check = () => (video.currentTime > 1 ? resolve() : undefined)
        video.addEventListener('timeupdate', check)
        video.addEventListener('error', () => reject(new Error(`video error ${video.error?.code}: ${video.error?.message}`)))
      })
      const other = document.body.appendChild(document.createElement('video'))
      let refused = { code: 'none', message: '', src: '' }
      try {
        await ss.play(files.find((f) => f.name === 'hevc.mp4')!, other, { muted: true })
      } catch (err) {
        refused = { code: (err as { code?: string }).code ?? 'untyped', message: (err as Error).message, src: other.src }
      }
      const expected = `/files/${infoHash}/${movie.path.split('/').map(encodeURIComponent).join('/')}`
      return { via, src: new URL(video.src).pathname, expected, width: video.videoWidth, refused }
    }, infoHash)
    expect(played.via).toBe('url')
    expect(played.src).toBe(played.expected)
    expect(played.width, 'the video track is decoded').toBe(640)
    // Chromium's own player would play only the sound of an HEVC video: MediaSource says it cannot play it.
    expect(played.refused.code, 'HEVC: no picture from the file URL, MediaSource explains').toBe('UNSUPPORTED_FORMAT')
    expect(played.refused.message).toContain('hvc1')
  })
})
