import { contentType } from './content-type.ts'

export interface UrlPlayOptions {
  autoplay?: boolean
  controls?: boolean
  muted?: boolean
  /** How autoplay starts the element (e.g. once enough is buffered); default: `play()` at once. */
  start?: (element: HTMLMediaElement) => void
}

/** How playing through a file URL ended: a first frame was decoded, or the browser refused the file (its own error). */
export type UrlPlayback = { ok: true } | { ok: false; error: { code: number; message: string } | null }

/** Whether `element` may play a file of this name by itself (its own demuxer, no MediaSource). */
export function urlPlayable(element: HTMLMediaElement, name: string): boolean {
  return element.canPlayType(contentType(name).split(';')[0]!) !== ''
}

/**
 * Plays `url` (a file URL the service worker answers) in `element` with the browser's own demuxer, as
 * WebTorrent's `streamTo` does: the element fetches byte ranges as it needs them, the worker asks the
 * page, and the torrent streams those pieces first. Resolves once the first frame is decoded (a header the
 * demuxer reads may still hold a codec it cannot decode), or with the element's error if the browser cannot
 * play it, or plays a video's sound only (the caller may then try MediaSource, which says why).
 */
export function playFromUrl(element: HTMLMediaElement, url: string, name: string, opts: UrlPlayOptions = {}): Promise<UrlPlayback> {
  // Chromium plays the audio of a video whose codec it cannot decode (HEVC here) and shows nothing.
  const needsPicture = contentType(name).startsWith('video/') && element instanceof HTMLVideoElement
  element.autoplay = false
  element.controls = opts.controls ?? true
  element.muted = opts.muted ?? false
  return new Promise((resolve) => {
    const settle = (result: UrlPlayback) => {
      element.removeEventListener('loadeddata', ready)
      element.removeEventListener('error', fail)
      resolve(result)
    }
    const refuse = (error: { code: number; message: string } | null) => {
      element.removeAttribute('src')
      element.load()
      settle({ ok: false, error })
    }
    const ready = () => {
      if (needsPicture && (element as HTMLVideoElement).videoWidth === 0) refuse({ code: 4, message: 'no video track the browser can decode' })
      else settle({ ok: true })
    }
    const fail = () => refuse(element.error ? { code: element.error.code, message: element.error.message } : null)
    element.addEventListener('loadeddata', ready)
    element.addEventListener('error', fail)
    element.src = url
    // After loadstart: a reused element's `emptied` for its old source comes before it.
    const start = opts.start
    if (opts.autoplay && start) element.addEventListener('loadstart', () => start(element), { once: true })
    else if (opts.autoplay) element.play().catch(() => undefined) // a blocked autoplay leaves the controls
  })
}
