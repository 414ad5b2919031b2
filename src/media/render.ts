import { extensionOf, mediaKind, mimeType, streamContainer, type StreamContainer } from '../util/file-types.ts'
import { fromElementError, MediaError, unsupportedFormat } from './errors.ts'
import { rangeReader, type MediaFile } from './media-file.ts'
import { probeMedia } from './probe.ts'
import { probeMoov, readMoov } from './mp4-probe.ts'
import { readMovie, type Mp4Movie } from './mp4-movie.ts'
import { Mp4Player } from './mp4-player.ts'
import { playWhenBuffered, reportPlaying } from './play-when-buffered.ts'
import { readWebmLayout } from './webm-cues.ts'
import { WebmPlayer } from './webm-player.ts'
import { appendStream } from './stream-appender.ts'
import { DEFAULT_MAX_BLOB_LENGTH, showWhole, wholeFileTag, type WholeTag } from './whole-file.ts'

export interface RenderOptions {
  autoplay?: boolean
  /** Default true. */
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
    // Plain MP4 is cut into fragments by our remuxer; WebM, fragmented MP4 and MP3 go to MediaSource as they are.
    if (movie && MediaSource.isTypeSupported(type)) {
      const start = (media: HTMLMediaElement) => new Mp4Player(file, media, movie, onReadError)
      return watch(file, await viaMediaSource(file, type, target, opts, onReadError, start), opts)
    }
    if (!MediaSource.isTypeSupported(type)) throw unsupportedFormat(file.name, type)
    // A plain MP4 the remuxer cannot read (several sample descriptions in a track) plays whole.
    if (container === 'mp4' && !fragmented) return viaBlob(file, target, opts, mediaKind(file.name) === 'audio' ? 'audio' : 'video')
    if (container === 'webm') {
      // Our own appender, which can seek through the Cues index while the file downloads.
      const layout = await readWebmLayout(rangeReader(file), file.length)
      if (layout) return watch(file, await viaMediaSource(file, type, target, opts, onReadError, (media) => new WebmPlayer(file, media, type, layout, onReadError)), opts)
    }
    return watch(file, await viaMediaSource(file, type, target, opts, onReadError), opts)
  }
  // Other audio and video play whole, through a Blob URL, if the browser knows the type.
  const kind = mediaKind(file.name)
  if ((kind === 'video' || kind === 'audio') && document.createElement(kind).canPlayType(mimeType(file.name)) === '') {
    throw unsupportedFormat(file.name, mimeType(file.name))
  }
  const tag = await wholeFileTag(file)
  if (!tag) throw unsupportedFormat(file.name, `a .${extensionOf(file.name) || 'file'} that is neither media, an image nor text`)
  return viaBlob(file, target, opts, tag)
}

/** Shows the file whole from a Blob URL (it is read to its end first). */
async function viaBlob(file: MediaFile, target: Target, opts: RenderOptions, tag: WholeTag): Promise<HTMLElement> {
  const element = await showWhole(file, target, tag, {
    controls: opts.controls ?? true,
    muted: opts.muted ?? false,
    maxBlobLength: opts.maxBlobLength ?? DEFAULT_MAX_BLOB_LENGTH,
    ...(opts.autoplay ? { onLoadStart: (media: HTMLMediaElement) => playWhenBuffered(media, file, ignoreAutoplayBlock) } : {}),
  })
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

/** Plays through MediaSource; `start` feeds the element (default: the whole file, appended in order). */
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
  const begin = start ?? ((media: HTMLMediaElement) => appendStream(file, media, type, onReadError))
  return new Promise<HTMLElement>((resolve, reject) => {
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
  })
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
