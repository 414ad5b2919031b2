import type { MediaFile } from './media-file.ts'
import { StartGate } from './start-gate.ts'

const CHECK_MS = 25
/** A range that starts this little after the playhead still counts: browsers jump such gaps (a remuxed MP4 starts at 0.13 s). */
const GAP_SECONDS = 0.5

/** Seconds buffered from the playhead on, in the buffered range that holds it. */
export function bufferedAhead(media: HTMLMediaElement): number {
  return aheadIn(media.buffered, media.currentTime)
}

/** Seconds from `time` on in the range of `ranges` that holds it. */
export function aheadIn(ranges: TimeRanges, time: number): number {
  for (let i = 0; i < ranges.length; i++) if (ranges.start(i) <= time + GAP_SECONDS && ranges.end(i) > time) return ranges.end(i) - time
  return 0
}

/** Whether `time` lies inside a buffered range (not within its last 0.1 s). */
export function isBuffered(ranges: TimeRanges, time: number): boolean {
  for (let i = 0; i < ranges.length; i++) if (ranges.start(i) <= time && time < ranges.end(i) - 0.1) return true
  return false
}

/**
 * Autoplay once the StartGate opens: at once while the whole file is within reach of our peers, else
 * once START_BUFFER_SECONDS are buffered (a viewer at the front of a swarm otherwise stalls a few seconds
 * in). The element buffers meanwhile (`preload = auto`); a press on play, an error, a reset source
 * (`emptied`: call this after `loadstart`) or the element leaving the page ends the wait, and a browser
 * that stops buffering a paused element (`suspend`) gets to play what it has. Returns a function that
 * stops waiting.
 */
export function playWhenBuffered(media: HTMLMediaElement, file: Pick<MediaFile, 'available'>, onPlayError: (err: unknown) => void = () => undefined): () => void {
  media.autoplay = false
  media.preload = 'auto'
  const gate = new StartGate()
  // Within reach: play() now, as a plain autoplay would, so the browser starts at its first frame.
  if (gate.update({ ahead: 0, toEnd: false, available: file.available ?? true })) {
    media.play().catch(onPlayError)
    return () => undefined
  }
  const connected = media.isConnected
  const check = (suspended = false) => {
    if (connected && !media.isConnected) return stop() // the player was taken off the page
    if (media.readyState < media.HAVE_METADATA) return
    const ahead = bufferedAhead(media)
    const toEnd = Number.isFinite(media.duration) && media.currentTime + ahead >= media.duration - 0.1
    const stuck = suspended && media.readyState >= media.HAVE_FUTURE_DATA
    if (!gate.update({ ahead, toEnd, available: file.available ?? true }) && !stuck) return
    stop()
    media.play().catch(onPlayError)
  }
  const onProgress = () => check()
  const onSuspend = () => check(true)
  const timer = setInterval(onProgress, CHECK_MS)
  const events = ['loadedmetadata', 'loadeddata', 'progress', 'canplay', 'canplaythrough'] as const
  function stop(): void {
    clearInterval(timer)
    for (const e of events) media.removeEventListener(e, onProgress)
    media.removeEventListener('suspend', onSuspend)
    media.removeEventListener('play', stop)
    media.removeEventListener('error', stop)
    media.removeEventListener('emptied', stop)
  }
  for (const e of events) media.addEventListener(e, onProgress)
  media.addEventListener('suspend', onSuspend)
  media.addEventListener('play', stop)
  media.addEventListener('error', stop)
  media.addEventListener('emptied', stop) // its source was reset
  return stop
}

/** Tells the file each time `media` starts playing it (TorrentFile.playing: its streams' start ends), until the source is reset. */
export function reportPlaying(media: HTMLMediaElement, file: Pick<MediaFile, 'playing'>): void {
  const onPlaying = () => file.playing?.()
  media.addEventListener('playing', onPlaying)
  media.addEventListener('emptied', () => media.removeEventListener('playing', onPlaying), { once: true })
}
