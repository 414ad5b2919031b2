// Storage lost while a file plays: a leecher page downloads a test video into the default chunk store
// (createChunkStore 'auto'), wrapped through the Client's `createStore`, and plays it from there with
// renderTo. Reads past the first 40 % wait: a 60 s test video is otherwise all read and buffered within a
// second, and what was read stays in the torrent's piece cache, so nothing would be read after the loss.
// Then the storage is lost (every new read rejects as a lost IndexedDB's do), the video seeks to 48 s, and
// the waiting reads fail too.
import { expect } from '@playwright/test'
import { pollPage, type PageDriver } from './page-driver.ts'
import { seedInPage, testMedia, type TestMediaName } from './media.ts'

type Library = typeof import('../../src/index.ts')
type Storage = typeof import('../../src/storage/index.ts')
type ChunkStore = import('../../src/storage/index.ts').ChunkStore

/** One file per player: Mp4Player, WebmPlayer, the in-order appender. */
export const PLAYERS: [string, TestMediaName][] = [
  ['plain MP4 (the MP4 remuxer)', 'faststart.mp4'],
  ['WebM (the WebM player)', 'vp9-opus.webm'],
  ['fragmented MP4 (the in-order appender)', 'fragmented.mp4'],
]

/** Reads past this fraction of the file wait (playback starts, the player cannot read far ahead). */
const SERVED_FRACTION = 0.4
/** The seek target: 80 % of the 60 s test videos, past anything read (a fragmented MP4's duration is unknown while it plays). */
const SEEK_SECONDS = 48

interface LossControl {
  /** Reads of this piece or later wait in `held` until the test lets them fail (Infinity: none wait). */
  holdFrom: number
  lost: boolean
  held: (() => void)[]
  /** The wrapped store's class. */
  store: string
}

interface LossPage {
  __loss: LossControl
  __lossTorrent: InstanceType<Library['Torrent']>
  __lossVideo: HTMLVideoElement
  __lossReports: { event: { code: string; message: string }[]; onError: { code: string; message: string }[]; beforeFailHeld: number }
}

export interface LossResult {
  /** The swarmstream-error events on the element, and what onError heard. */
  events: { code: string; message: string }[]
  onError: { code: string; message: string }[]
  /** Reports that came before the held reads failed (only reads started after the loss had failed then). */
  beforeFailHeld: number
  /** Reads waiting when the storage was lost. */
  held: number
  /** The class of the default store that was wrapped. */
  store: string
  playedTo: number
}

/** Seeds `name` in `seeder`, downloads it in `leecher` into a store that can be lost, plays it, loses the storage and seeks. */
export async function loseStorageWhilePlaying(seeder: PageDriver, leecher: PageDriver, name: TestMediaName): Promise<LossResult> {
  const infoHash = await seedInPage(seeder, [{ path: testMedia(name), name }])
  const magnet = await seeder.evaluate((infoHash) => window.swarmstream!.client.get(infoHash)!.magnetURI, infoHash)
  await downloadToLosableStore(leecher, magnet)
  const playedTo = await playFromStore(leecher)
  const { held, store } = await leecher.evaluate((seekTo) => {
    const w = window as unknown as LossPage
    w.__loss.lost = true
    w.__lossVideo.currentTime = seekTo
    return { held: w.__loss.held.length, store: w.__loss.store }
  }, SEEK_SECONDS)
  // The MP4 and WebM players read again at the seek target, which fails at once: wait for that report before the
  // held reads fail. The in-order appender cannot seek; it is waiting on a held read.
  if (name !== 'fragmented.mp4') {
    await pollPage(leecher, 'the read at the seek target is reported', () => (window as unknown as LossPage).__lossReports.event.length, null).toBeGreaterThan(0)
  }
  await leecher.evaluate(() => {
    const w = window as unknown as LossPage
    w.__lossReports.beforeFailHeld = w.__lossReports.event.length
    for (const release of w.__loss.held.splice(0)) release()
  })
  await pollPage(leecher, 'a swarmstream-error reaches the element', () => (window as unknown as LossPage).__lossReports.event.length, null).toBeGreaterThan(0)
  // Time for a second report, if a player made one.
  await new Promise((resolve) => setTimeout(resolve, 1500))
  const reports = await leecher.evaluate(() => (window as unknown as LossPage).__lossReports)
  return { events: reports.event, onError: reports.onError, beforeFailHeld: reports.beforeFailHeld, held, store, playedTo }
}

/** Checks the user was told once, through the event and onError alike, that `name` could not be read. */
export function expectReadFailureReported(result: LossResult, name: string): void {
  expect(result.held, 'the player was waiting on a read when the storage was lost').toBeGreaterThan(0)
  expect(result.events, 'one swarmstream-error on the element').toHaveLength(1)
  expect(result.onError, 'onError heard the same error').toEqual(result.events)
  const [error] = result.events
  expect(error!.code).toBe('PLAYBACK_FAILED')
  expect(error!.message, 'the message names the file').toContain(`"${name}"`)
  expect(error!.message, 'and says what went wrong').toMatch(/could not be read .*operation failed/)
}

/** A Client of its own in the page (the app's trackers, no STUN) whose store can be lost; resolves once the torrent is done. */
async function downloadToLosableStore(page: PageDriver, magnet: string): Promise<void> {
  await page.evaluate(async (magnet) => {
    const libraryUrl = '/index.ts'
    const storageUrl = '/storage/index.ts'
    const { Client } = (await import(/* @vite-ignore */ libraryUrl)) as Library
    const { createChunkStore } = (await import(/* @vite-ignore */ storageUrl)) as Storage
    const control: LossControl = { holdFrom: Infinity, lost: false, held: [], store: '' }
    // What a read gives once IndexedDB's backing store is gone.
    const lost = () => new DOMException('The operation failed for reasons unrelated to the database itself and not covered by any other error code.', 'UnknownError')
    const guard = async <T>(lastPiece: number, read: () => Promise<T>): Promise<T> => {
      if (!control.lost && lastPiece >= control.holdFrom) await new Promise<void>((resolve) => control.held.push(resolve))
      if (control.lost) throw lost()
      return read()
    }
    const losable = (store: ChunkStore): ChunkStore => {
      control.store = store.constructor.name
      return new Proxy(store, {
        get(target, key) {
          if (key === 'get') return (index: number, offset?: number, length?: number) => guard(index, () => target.get(index, offset, length))
          if (key === 'getRun' && target.getRun) return (first: number, count: number) => guard(first + count - 1, () => target.getRun!(first, count))
          const value: unknown = Reflect.get(target, key, target)
          return typeof value === 'function' ? value.bind(target) : value
        },
      })
    }
    const client = new Client({
      announce: window.swarmstream!.client.announce,
      rtcConfig: { iceServers: [] },
      createStore: async (opts) => losable(await createChunkStore('auto', opts)),
    })
    const torrent = await new Promise<ReturnType<typeof client.add>>((resolve, reject) => {
      const t = client.add(magnet)
      t.once('error', reject)
      t.once('done', () => resolve(t))
    })
    Object.assign(window, { __loss: control, __lossTorrent: torrent })
  }, magnet)
}

/** Renders the file from the store (reads past SERVED_FRACTION held), recording its reports; waits until it played past 1 s. */
async function playFromStore(page: PageDriver): Promise<number> {
  await page.evaluate(async (servedFraction) => {
    const w = window as unknown as LossPage
    const torrent = w.__lossTorrent
    const file = torrent.files[0]!
    w.__loss.holdFrom = Math.floor((file.length * servedFraction) / torrent.pieceLength)
    const reports: LossPage['__lossReports'] = { event: [], onError: [], beforeFailHeld: 0 }
    const video = document.body.appendChild(document.createElement('video'))
    Object.assign(window, { __lossReports: reports, __lossVideo: video })
    const fields = (err: { code: string; message: string }) => ({ code: err.code, message: err.message })
    video.addEventListener('swarmstream-error', (e) => reports.event.push(fields((e as CustomEvent<{ code: string; message: string }>).detail)))
    // maxBlobLength 0: it must stream.
    await file.renderTo(video, { autoplay: true, muted: true, maxBlobLength: 0, onError: (err) => reports.onError.push(fields(err)) })
  }, SERVED_FRACTION)
  const playedTo = () => {
    const video = (window as unknown as LossPage).__lossVideo
    if (video.error) throw new Error(`video error ${video.error.code}: ${video.error.message}`)
    return video.currentTime
  }
  await pollPage(page, 'the video plays past 1 s', playedTo, null).toBeGreaterThan(1)
  return page.evaluate(playedTo, null)
}
