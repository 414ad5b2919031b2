// What is not streamed (images, documents, media MediaSource cannot take) is shown whole, from a Blob
// URL, once all of it has been read.
import { extensionOf, mediaKind, mimeType, UNKNOWN_TYPE } from '../util/file-types.ts'
import { fromElementError, MediaError } from './errors.ts'
import { rangeReader, type MediaFile } from './media-file.ts'

export type WholeTag = 'video' | 'audio' | 'img' | 'iframe' | 'object'

/** Text and web documents, shown in a sandboxed iframe: their scripts run in an opaque origin. */
const DOCUMENTS = new Set(['css', 'csv', 'htm', 'html', 'js', 'json', 'md', 'srt', 'txt', 'vtt', 'xml'])
/** A file of another type is shown as text if this many first bytes are printable ASCII. */
const SNIFF_BYTES = 1000
export const DEFAULT_MAX_BLOB_LENGTH = 200 * 1000 * 1000

async function readBlob(file: MediaFile, type: string): Promise<Blob> {
  const parts: Uint8Array<ArrayBuffer>[] = []
  if (file.length > 0) {
    const reader = file.stream().getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parts.push(value as Uint8Array<ArrayBuffer>)
    }
  }
  return new Blob(parts, { type })
}

/** The element `file` is shown in whole, or null if it is neither media, image nor text. */
export async function wholeFileTag(file: MediaFile): Promise<WholeTag | null> {
  const kind = mediaKind(file.name)
  if (kind) return kind === 'image' ? 'img' : kind
  const extension = extensionOf(file.name)
  if (extension === 'pdf') return 'object'
  if (DOCUMENTS.has(extension)) return 'iframe'
  const head = await rangeReader(file)(0, SNIFF_BYTES)
  return head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127)) ? 'iframe' : null
}

export interface WholeOptions {
  controls: boolean
  muted: boolean
  maxBlobLength: number
  /** Called on the media element's `loadstart` (autoplay). */
  onLoadStart?: (media: HTMLMediaElement) => void
}

/** Shows `file` whole in `element` (or a new one in `parent`); media resolve once their metadata is loaded. */
export async function showWhole(file: MediaFile, target: { element: HTMLElement } | { parent: HTMLElement }, tag: WholeTag, opts: WholeOptions): Promise<HTMLElement> {
  if (file.length > opts.maxBlobLength) {
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`
    throw new MediaError(
      'PLAYBACK_FAILED',
      `"${file.name}" can only be shown whole, and at ${mb(file.length)} it is larger than maxBlobLength (${mb(opts.maxBlobLength)}). Save the file and open it locally instead.`,
    )
  }
  if ('element' in target && target.element.localName !== tag) {
    throw new MediaError('INVALID_TARGET', `Cannot show "${file.name}" in a <${target.element.localName}> element: it needs a <${tag}>.`)
  }
  const element = 'element' in target ? target.element : target.parent.appendChild(document.createElement(tag))
  try {
    const type = mimeType(file.name)
    const url = URL.createObjectURL(await readBlob(file, type === UNKNOWN_TYPE ? 'text/plain' : type))
    if (element instanceof HTMLMediaElement) return await load(file, element, url, opts)
    if (element instanceof HTMLImageElement) {
      element.alt = file.name
      element.src = url
    } else if (element instanceof HTMLIFrameElement) {
      element.sandbox.value = 'allow-forms allow-scripts'
      element.src = url
    } else if (element instanceof HTMLObjectElement) {
      element.setAttribute('typemustmatch', '')
      element.type = 'application/pdf'
      element.data = url
    }
    return element
  } catch (err) {
    if ('parent' in target) element.remove()
    throw err
  }
}

function load(file: MediaFile, media: HTMLMediaElement, url: string, opts: WholeOptions): Promise<HTMLElement> {
  media.autoplay = false
  media.controls = opts.controls
  media.muted = opts.muted
  return new Promise((resolve, reject) => {
    const ready = () => {
      media.removeEventListener('error', fail)
      resolve(media)
    }
    const fail = () => {
      media.removeEventListener('loadedmetadata', ready)
      reject(fromElementError(file.name, media.error))
    }
    media.addEventListener('loadedmetadata', ready, { once: true })
    media.addEventListener('error', fail, { once: true })
    if (opts.onLoadStart) media.addEventListener('loadstart', () => opts.onLoadStart!(media), { once: true })
    media.src = url
  })
}
