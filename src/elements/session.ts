/** One playback run of `<torrent-video>`: its own Client, one torrent, one chosen file. */
import { Client } from '../client/client.ts'
import { attachSubtitles, findSubtitles, renderTo } from '../media/index.ts'
import type { Torrent } from '../torrent/torrent.ts'
import type { TorrentFile } from '../torrent/torrent-file.ts'
import { InvalidInputError, SwarmstreamError } from '../util/errors.ts'
import { extensionsOf } from '../util/file-types.ts'
import { pieceSpans, timeSpans } from './buffered-ranges.ts'
import { progressChanged, type ProgressDetail } from './options.ts'
import { renderBuffered, renderStats, showMessage, type OverlayParts } from './overlay.ts'
import { browserTypeCheck, findFileIndex, pickDefaultVideo } from './pick-video.ts'
import { saveFile } from './save-file.ts'

/** Detail of the element's `ready` event. */
export interface TorrentVideoInfo {
  infoHash: string
  name: string
  length: number
  magnetURI: string
  files: { name: string; path: string; length: number }[]
  /** The file being played. */
  file: { index: number; name: string; path: string; length: number }
}

export interface SessionOptions {
  src: string
  /** The `file` attribute (index or path); null: the largest playable video. */
  file: string | null
  announce: string[]
  rtcConfig: RTCConfiguration | undefined
  autoplay: boolean
  controls: boolean
  muted: boolean
  parts: OverlayParts
  dispatch(type: 'ready' | 'progress' | 'playing' | 'error', detail: unknown): void
}

const TICK_MS = 250

export class Session {
  readonly client: Client
  readonly torrent: Torrent
  #opts: SessionOptions
  #video: HTMLVideoElement
  #file: TorrentFile | null = null
  #timer: ReturnType<typeof setInterval>
  #last: ProgressDetail | null = null
  #failed = false
  #stopped = false

  constructor(opts: SessionOptions) {
    this.#opts = opts
    this.#video = opts.parts.video
    this.client = new Client({
      ...(opts.announce.length > 0 ? { announce: opts.announce } : {}),
      ...(opts.rtcConfig ? { rtcConfig: opts.rtcConfig } : {}),
    })
    this.client.on('error', () => undefined) // reported through the torrent's own `error`
    this.torrent = this.client.add(opts.src)
    this.torrent.on('error', (err) => this.#fail(err))
    this.torrent.once('ready', () => void this.#onReady())
    this.#video.addEventListener('playing', this.#onPlaying)
    this.#timer = setInterval(() => this.#tick(), TICK_MS)
    renderStats(opts.parts, 0, 0, 0)
  }

  /** Frees peers, trackers and storage handles; the video is left stopped and empty. */
  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    clearInterval(this.#timer)
    this.#video.removeEventListener('playing', this.#onPlaying)
    this.#video.pause()
    this.#video.removeAttribute('src')
    this.#video.load()
    await this.client.remove(this.torrent).catch(() => undefined)
    await this.client.destroy()
  }

  async #onReady(): Promise<void> {
    if (this.#stopped) return
    const { files } = this.torrent
    const wanted = this.#opts.file
    const index = wanted !== null ? findFileIndex(files, wanted) : pickDefaultVideo(files, browserTypeCheck())
    const file = files[index]
    if (!file) {
      const largest = files.reduce<TorrentFile | undefined>((a, f) => (!a || f.length > a.length ? f : a), undefined)
      const some = files.slice(0, 8).map((f) => f.path).join(', ') + (files.length > 8 ? `, and ${files.length - 8} more` : '')
      const problem =
        wanted !== null
          ? `This torrent has no file "${wanted}". Set the file attribute to an index (0–${files.length - 1}) or a path: ${some}.`
          : `This torrent has no video file (${extensionsOf('video').map((e) => `.${e}`).join(', ')}). Its files: ${some}.`
      return this.#fail(new InvalidInputError(wanted !== null ? 'FILE_NOT_FOUND' : 'NO_VIDEO_FILE', problem), largest)
    }
    this.#file = file
    this.#opts.dispatch('ready', this.#info(index, file))
    // Fetch only what this element shows: the video and its subtitles, not the rest of the torrent.
    const shown = new Set([file.path, ...findSubtitles(file.path, files.map((f) => f.path)).map((m) => m.path)])
    for (const f of files) {
      if (shown.has(f.path)) f.select()
      else f.deselect()
    }
    attachSubtitles(this.#video, files, file)
    try {
      const { autoplay, controls, muted } = this.#opts
      // onError: the browser gives up after playback started (e.g. a codec it cannot decode mid-file).
      await renderTo(file, this.#video, { autoplay, controls, muted, onError: (err) => this.#fail(err, file) })
    } catch (err) {
      this.#fail(err, file)
    }
  }

  #info(index: number, file: TorrentFile): TorrentVideoInfo {
    const t = this.torrent
    return {
      infoHash: t.infoHash,
      name: t.name,
      length: t.length,
      magnetURI: t.magnetURI,
      files: t.files.map((f) => ({ name: f.name, path: f.path, length: f.length })),
      file: { index, name: file.name, path: file.path, length: file.length },
    }
  }

  #onPlaying = (): void => {
    if (!this.#stopped) this.#opts.dispatch('playing', { currentTime: this.#video.currentTime })
  }

  /** Shows the error in words (with Save for a file the browser cannot play) and sends `error`. */
  #fail(err: unknown, file?: TorrentFile): void {
    if (this.#failed || this.#stopped) return
    this.#failed = true
    const error = err instanceof SwarmstreamError ? err : new SwarmstreamError('UNEXPECTED', `Playback stopped: ${String((err as Error)?.message ?? err)}`)
    const canSave = file && (error.code === 'UNSUPPORTED_FORMAT' || error.code === 'PLAYBACK_FAILED' || error.code === 'NO_VIDEO_FILE')
    showMessage(this.#opts.parts, error.message, canSave ? () => void this.#save(file) : undefined)
    this.#opts.dispatch('error', error)
  }

  async #save(file: TorrentFile): Promise<void> {
    const { save, root } = this.#opts.parts
    save.disabled = true
    save.textContent = 'Saving…'
    try {
      await saveFile(file, root)
    } catch (err) {
      if (!this.#stopped) showMessage(this.#opts.parts, `Could not save ${file.name}: ${(err as Error).message}`)
    } finally {
      save.disabled = false
      save.textContent = 'Save'
    }
  }

  #tick(): void {
    const t = this.torrent
    const detail: ProgressDetail = { progress: t.progress, downloadSpeed: t.downloadSpeed, numPeers: t.numPeers }
    const { parts } = this.#opts
    renderStats(parts, detail.numPeers, detail.downloadSpeed, detail.progress)
    const file = this.#file
    const pieces = file ? pieceSpans(file, t.pieceLength, (i) => t.hasPiece(i)) : []
    renderBuffered(parts, pieces, timeSpans(this.#video.buffered, this.#video.duration))
    if (!progressChanged(this.#last, detail)) return
    this.#last = detail
    this.#opts.dispatch('progress', detail)
  }
}
