/** Reading `<torrent-video>` attributes into client options. Pure functions. */

/** Splits an `announce` attribute (space- or comma-separated) into ws:// / wss:// tracker URLs. */
export function parseAnnounce(value: string | null): { trackers: string[]; invalid: string[] } {
  const trackers: string[] = []
  const invalid: string[] = []
  for (const item of (value ?? '').split(/[\s,]+/)) {
    if (item === '') continue
    if (!isTrackerUrl(item)) invalid.push(item)
    else if (!trackers.includes(item)) trackers.push(item)
  }
  return { trackers, invalid }
}

function isTrackerUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return (url.protocol === 'ws:' || url.protocol === 'wss:') && url.host !== ''
  } catch {
    return false
  }
}

/** `ice="none"`: no STUN/TURN servers (loopback tests); anything else keeps the library default. */
export function rtcConfigFor(ice: string | null): RTCConfiguration | undefined {
  return ice?.trim().toLowerCase() === 'none' ? { iceServers: [] } : undefined
}

/** Detail of the element's `progress` event. */
export interface ProgressDetail {
  progress: number
  downloadSpeed: number
  numPeers: number
}

/** Whether a `progress` event is worth sending: something the user can see has changed. */
export function progressChanged(prev: ProgressDetail | null, next: ProgressDetail): boolean {
  if (!prev) return true
  return (
    prev.numPeers !== next.numPeers ||
    Math.round(prev.progress * 1000) !== Math.round(next.progress * 1000) ||
    Math.round(prev.downloadSpeed / 1000) !== Math.round(next.downloadSpeed / 1000)
  )
}

export { formatBytes } from '../util/format-bytes.ts'
