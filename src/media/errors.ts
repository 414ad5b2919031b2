import { AbortError, SwarmstreamError } from '../util/errors.ts'

/**
 * The browser cannot play a file (code `UNSUPPORTED_FORMAT`), or playback failed after it started
 * (`PLAYBACK_FAILED`). Named like the DOM's MediaError on purpose: import it explicitly.
 */
export class MediaError extends SwarmstreamError {
  override name = 'MediaError'
}

export function unsupportedFormat(fileName: string, format: string, detail = ''): MediaError {
  return new MediaError(
    'UNSUPPORTED_FORMAT',
    `This browser cannot play "${fileName}" (${format})${detail ? `: ${detail}` : ''}. ` +
      'Save the file and open it in a media player that supports this format.',
  )
}

/** Turns an element's `error` (a DOM MediaError) into our typed error. */
export function fromElementError(fileName: string, error: { code: number; message: string } | null): MediaError {
  const detail = error?.message || 'no details from the browser'
  // 3 = MEDIA_ERR_DECODE, 4 = MEDIA_ERR_SRC_NOT_SUPPORTED
  if (error && (error.code === 3 || error.code === 4)) return unsupportedFormat(fileName, 'the browser could not decode it', detail)
  return new MediaError('PLAYBACK_FAILED', `Playback of "${fileName}" stopped: ${detail}. Try again, or save the file and play it locally.`)
}

/** The torrent was removed (its streams fail with this code) or the read was aborted: not a failure. */
export function isTorrentGone(err: unknown): boolean {
  return err instanceof AbortError || (err instanceof SwarmstreamError && err.code === 'TORRENT_DESTROYED')
}
