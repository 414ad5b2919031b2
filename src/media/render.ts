import { extensionOf, mediaKind, mimeType, streamContainer, type StreamContainer } from '../util/file-types.ts'
import { fromElementError, MediaError, unsupportedFormat } from './errors.ts'
import { rangeReader, toRenderFile, type MediaFile } from './media-file.ts'
import { probeMedia } from './probe.ts'
import { probeMoov, readMoov } from './mp4-probe.ts'
import { readMovie, type Mp4Movie } from './mp4-movie.ts'
import { Mp4Player } from './mp4-player.ts'
import { playWhenBuffered, reportPlaying } from './play-when-buffered.ts'
import { readWebmLayout } from './webm-cues.ts'
import { WebmPlayer } from './webm-player.ts'

export interface RenderOptions {
  autoplay?: boolean
  /** Default true, like render-media. */
  controls?: boolean
  muted?: boolean
  /** Largest file played through a Blob URL (formats MediaSource cannot take); default 200 MB. */
  maxBlobLength?: number
  /** Errors after playback started (the element's `error`); also dispatched as `swarmstream-error`. */
  onError?: (error: MediaError) => void
}

/** Where the media goes: into a given element (renderTo) or a new child of a parent (appendTo). */
type Target = { element: HTMLElement } | { parent: HTMLElement }

/**
 * Plays or shows `file` in `element` (video/audio for media, img for images), streaming video and audio
 * through MediaSource while the file downloads. Resolves once the media's metadata is loaded.
 * Rejects with MediaError `UNSUPPORTED_FORMAT` if this browser cannot play the file.
 */
export async function renderTo(file: MediaFile, element: HTMLMediaElement | HTMLImageElement, opts: RenderOptions = {}): Promise<void> {
  await render(file, { element }, opts)
}

/** Like renderTo, but creates the right element (video, audio, img, iframe…) inside `parent`. */
export function appendTo(file: MediaFile, parent: HTMLElement, opts: RenderOptions = {}): Promise<HTMLElement> {
  if (parent instanceof HTMLMediaElement) {
    return Promise.reject(new MediaError('INVALID_TARGET', 'appendTo needs a container element (e.g. a div), not a video or audio element; use renderTo for those.'))
  }
  return render(file, { parent }, opts)
}

async function render(file: MediaFile, target: Target, opts: RenderOptions): Promise<HTMLElement> {
  const failures = readFailures(file, target, opts)
  const element = await choosePlayer(file, target, opts, failures.report)
  failures.shownIn(element)
  return element
}

async function choosePlayer(file: MediaFile, target: Target, opts: RenderOptions, onReadError: (err: Error) => void): Promise<HTMLElement> {
  const container = streamContainer(file.name)
  if (container && typeof MediaSource !== 'undefined') {
    const { type, fragmented, movie } = await mediaSourceType(file, container)
    // Plain MP4 is cut into fragments by our remuxer (videostream takes the files it cannot: several
    // sample descriptions in a track); WebM, fragmented MP4 and MP3 go to MediaSource as they are.
    if (movie && MediaSource.isTypeSupported(type)) {
      const start = (media: HTMLMediaElement) => new Mp4Player(file, media, movie, onReadError)
      return watch(file, await viaMediaSource(file, type, target, opts, onReadError, start), opts)
    }
    if (!MediaSource.isTypeSupported(type)) throw unsupportedFormat(file.name, type)
    if (container === 'mp4' && !fragmented) return watch(file, await viaRenderMedia(file, target, opts, onReadError), opts)
    if (container === 'webm') {
      // Our own appender, which can seek through the Cues index while the file downloads.
      const layout = await readWebmLayout(rangeReader(file), file.length)
      if (layout) return watch(file, await viaMediaSource(file, type, target, opts, onReadError, (media) => new WebmPlayer(file, media, type, layout)), opts)
    }
    return watch(file, await viaMediaSource(file, type, target, opts, onReadError), opts)
  }
  // Other audio and video play whole, through a Blob URL (as render-media does), if the browser knows the type.
  const kind = mediaKind(file.name)
  if ((kind === 'video' || kind === 'audio') && document.createElement(kind).canPlayType(mimeType(file.name)) === '') {
    throw unsupportedFormat(file.name, mimeType(file.name))
  }
  const element = await viaRenderMedia(file, target, opts, onReadError)
  return element instanceof HTMLMediaElement ? watch(file, element, opts) : element
}

/**
 * Reads of the file that fail while it plays (storage lost…; not the torrent being removed, which only
 * ends playback) are reported like the element's own errors: `onError` and `swarmstream-error`.
 */
function readFailures(file: MediaFile, target: Target, opts: RenderOptions) {
  let element: HTMLElement | null = 'element' in target ? target.element : null
  return {
    report(err: Error): void {
      const error = new MediaError('PLAYBACK_FAILED', `Playback of "${file.name}" stopped: the file could not be read (${err.message}).`, { cause: err })
      element?.dispatchEvent(new CustomEvent('swarmstream-error', { detail: error }))
      opts.onError?.(error)
    },
    shownIn(shown: HTMLElement): void {
      element = shown
    },
  }
}

/** The MIME type (with codecs) to hand MediaSource, found in the file's own header. */
async function mediaSourceType(file: MediaFile, container: StreamContainer): Promise<{ type: string; fragmented: boolean; movie?: Mp4Movie | null }> {
  if (container === 'mp3') return { type: 'audio/mpeg', fragmented: false }
  const read = rangeReader(file)
  const moov = container === 'mp4' ? await readMoov(read, file.length) : null
  const probe = moov ? probeMoov(moov) : await probeMedia(read, file.length)
  if (!probe) throw unsupportedFormat(file.name, `not a readable ${container === 'mp4' ? 'MP4' : 'WebM/Matroska'} file`)
  if (probe.container === 'matroska') {
    throw unsupportedFormat(file.name, `Matroska with ${probe.codecs.join(', ')}`, 'browsers stream only the WebM flavour of Matroska')
  }
  if (probe.container !== container) {
    throw unsupportedFormat(file.name, `${probe.container.toUpperCase()} content behind a .${extensionOf(file.name)} name`)
  }
  return moov && !probe.fragmented ? { ...probe, movie: readMovie(moov) } : probe
}

/** How long an autoplay of a remuxed MP4 waits for the element's `canplay` before it calls play() anyway. */
const CAN_PLAY_WAIT_MS = 1000

let renderMediaModules: Promise<[typeof import('render-media'), typeof import('./node-readable.ts')]> | null = null

/** render-media (images, iframes, Blob URLs, MP4s our remuxer cannot read) and its Node polyfills load when first needed, once. */
function loadRenderMedia() {
  renderMediaModules ??= Promise.all([import('render-media'), import('./node-readable.ts')]).catch((err: unknown) => {
    renderMediaModules = null // let a later attempt load them again
    throw err
  })
  return renderMediaModules
}

function viaRenderMedia(file: MediaFile, target: Target, opts: RenderOptions, onReadError: (err: Error) => void): Promise<HTMLElement> {
  // Autoplay waits for the start buffer (playWhenBuffered), not for render-media's first frame.
  const options = {
    autoplay: false,
    controls: opts.controls ?? true,
    muted: opts.muted ?? false,
    maxBlobLength: opts.maxBlobLength ?? 200 * 1000 * 1000,
  }
  return loadRenderMedia().then(
    ([{ default: renderMedia }, { toNodeReadable }]) =>
      new Promise<HTMLElement>((resolve, reject) => {
        const done = (err: Error | null, elem?: HTMLElement) => {
          if (err) return reject(toMediaError(file.name, err))
          const shown = elem ?? (target as { element: HTMLElement }).element
          if (opts.autoplay && shown instanceof HTMLMediaElement) {
            // videostream feeds a paused element only if preload was auto when its remuxer got ready, or on `waiting`.
            if ('parent' in target) shown.dispatchEvent(new Event('waiting'))
            whenCanPlay(shown, () => playWhenBuffered(shown, file, ignoreAutoplayBlock))
          }
          resolve(shown)
        }
        if (opts.autoplay && 'element' in target && target.element instanceof HTMLMediaElement) target.element.preload = 'auto'
        try {
          const source = toRenderFile(file, toNodeReadable, onReadError)
          if ('element' in target) renderMedia.render(source, target.element, options, done)
          else renderMedia.append(source, target.parent, options, done)
        } catch (err) {
          reject(toMediaError(file.name, err as Error))
        }
      }),
  )
}

/**
 * Runs `then` once `media` can play, or after CAN_PLAY_WAIT_MS. videostream starts remuxing over on every
 * `waiting`, and a play() before the first frame fires one: the fragments already on their way were
 * thrown away and asked for again.
 */
function whenCanPlay(media: HTMLMediaElement, then: () => void): void {
  if (media.readyState >= media.HAVE_FUTURE_DATA) return then()
  const go = () => {
    clearTimeout(timer)
    media.removeEventListener('canplay', go)
    if (!media.error) then()
  }
  const timer = setTimeout(go, CAN_PLAY_WAIT_MS)
  media.addEventListener('canplay', go)
}

/** Plays through MediaSource; `start` feeds the element (default: the whole file through the mediasource package). */
function viaMediaSource(
  file: MediaFile,
  type: string,
  target: Target,
  opts: RenderOptions,
  onReadError: (err: Error) => void,
  start?: (media: HTMLMediaElement) => void,
): Promise<HTMLElement> {
  const tag = type.startsWith('audio/') ? 'audio' : 'video'
  let element: HTMLElement
  if ('element' in target) {
    element = target.element
    if (element.localName !== tag) {
      return Promise.reject(new MediaError('INVALID_TARGET', `Cannot play "${file.name}" in a <${element.localName}> element: it needs a <${tag}>.`))
    }
  } else {
    element = target.parent.appendChild(document.createElement(tag))
  }
  const media = element as HTMLMediaElement
  media.autoplay = false // playWhenBuffered starts it
  media.controls = opts.controls ?? true
  media.muted = opts.muted ?? false
  const feed: Promise<(media: HTMLMediaElement) => void> = start
    ? Promise.resolve(start)
    : Promise.all([import('mediasource'), import('./node-readable.ts')]).then(([{ default: MediaElementWrapper }, { toNodeReadable }]) => (media) => {
        const sink = new MediaElementWrapper(media).createWriteStream(type)
        sink.on('error', () => undefined) // the element's own `error` event reports it
        toNodeReadable(file.stream(), onReadError).pipe(sink)
      })
  return feed.then(
    (begin) =>
      new Promise<HTMLElement>((resolve, reject) => {
        const fail = () => {
          media.removeEventListener('loadedmetadata', ready)
          if ('parent' in target) media.remove()
          reject(fromElementError(file.name, media.error))
        }
        const ready = () => {
          media.removeEventListener('error', fail)
          resolve(media)
        }
        media.addEventListener('error', fail, { once: true })
        media.addEventListener('loadedmetadata', ready, { once: true })
        if (opts.autoplay) media.addEventListener('loadstart', () => playWhenBuffered(media, file, ignoreAutoplayBlock), { once: true })
        begin(media)
      }),
  )
}

/** A blocked autoplay leaves the media paused with its controls; anything else is a real failure. */
function ignoreAutoplayBlock(err: unknown): void {
  if ((err as Error).name !== 'NotAllowedError' && (err as Error).name !== 'AbortError') throw err
}

/** Surfaces an `error` of the element after playback started: onError and a `swarmstream-error` event. */
function watch(file: MediaFile, element: HTMLElement, opts: RenderOptions): HTMLElement {
  if (!(element instanceof HTMLMediaElement)) return element
  reportPlaying(element, file)
  element.addEventListener(
    'error',
    () => {
      const error = fromElementError(file.name, element.error)
      element.dispatchEvent(new CustomEvent('swarmstream-error', { detail: error }))
      opts.onError?.(error)
    },
    { once: true },
  )
  return element
}

function toMediaError(fileName: string, err: Error): MediaError {
  if (err instanceof MediaError) return err
  if (/Unsupported file type|Cannot render/.test(err.message)) return unsupportedFormat(fileName, 'unknown type', err.message)
  return new MediaError('PLAYBACK_FAILED', `Could not show "${fileName}": ${err.message}. Save the file and open it locally instead.`, { cause: err })
}
