/**
 * Tracker list and WebRTC settings for this page load, from (in order of precedence)
 * `?announce=` URL parameters, the list saved in localStorage, or the defaults. Private mode, when
 * saved on, decides the WebRTC settings over `?ice=`.
 */
import { PRIVATE_MODE_OFF, PRIVATE_MODE_STORAGE_KEY, privateRtcConfig, readPrivateMode, type PrivateModeSettings } from './private-mode.ts'

export const PUBLIC_TRACKERS: readonly string[] = [
  'wss://tracker.webtorrent.dev',
  'wss://tracker.openwebtorrent.com',
  'wss://tracker.btorrent.xyz',
]

export const TRACKERS_STORAGE_KEY = 'swarmstream:trackers'
export const TRACKER_META_NAME = 'swarmstream-tracker'

export interface AppConfig {
  /** Trackers for new torrents. */
  announce: string[]
  /** Set by private mode or `?ice=none`; absent means the library's default (public STUN servers). */
  rtcConfig?: RTCConfiguration
  /** Saved private-mode settings (relay-only through the person's TURN server when enabled). */
  privateMode: PrivateModeSettings
  /** Where `announce` came from. */
  trackerSource: 'url' | 'saved' | 'default'
  /** The default list (meta tracker + public trackers), for "Reset to defaults". */
  defaults: string[]
  /** Problems found while reading the settings, in words (shown as warnings). */
  problems: string[]
  /** `?storage=opfs|indexeddb`: where pieces are kept (absent: the library chooses; see createChunkStore). */
  storage?: 'opfs' | 'indexeddb'
}

export interface ConfigSources {
  /** `location.search`, e.g. "?announce=ws%3A%2F%2F…&ice=none". */
  search: string
  /** Content of `<meta name="swarmstream-tracker">`, if present. */
  metaTracker: string | null
  /** Raw localStorage value under TRACKERS_STORAGE_KEY, if any. */
  saved: string | null
  /** Raw localStorage value under PRIVATE_MODE_STORAGE_KEY, if any. */
  savedPrivateMode?: string | null
}

/** A tracker the browser can use: a ws:// or wss:// URL. */
export function isTrackerUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return (url.protocol === 'ws:' || url.protocol === 'wss:') && url.host !== ''
  } catch {
    return false
  }
}

/** Splits a textarea into tracker URLs (one per line, blanks skipped, duplicates dropped). */
export function parseTrackerList(text: string): { trackers: string[]; invalid: string[] } {
  const trackers: string[] = []
  const invalid: string[] = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '') continue
    if (!isTrackerUrl(line)) invalid.push(line)
    else if (!trackers.includes(line)) trackers.push(line)
  }
  return { trackers, invalid }
}

export function resolveConfig(sources: ConfigSources): AppConfig {
  const params = new URLSearchParams(sources.search)
  const problems: string[] = []
  const meta = sources.metaTracker?.trim() ?? ''
  const defaults = unique([...(isTrackerUrl(meta) ? [meta] : []), ...PUBLIC_TRACKERS])
  const config: AppConfig = { announce: defaults, trackerSource: 'default', defaults, problems, privateMode: PRIVATE_MODE_OFF }

  const privateMode = readPrivateMode(sources.savedPrivateMode ?? null)
  config.privateMode = privateMode.settings
  if (privateMode.problem) problems.push(privateMode.problem)
  const ice = params.get('ice')
  if (config.privateMode.enabled) {
    config.rtcConfig = privateRtcConfig(config.privateMode.turn)
    if (ice !== null) problems.push(`Ignored ?ice=${ice}: private mode is on, so peers are reached only through your TURN server.`)
  } else if (ice === 'none') config.rtcConfig = { iceServers: [] }
  else if (ice !== null) problems.push(`Unknown ?ice=${ice}: only "none" is supported, so the default STUN servers are used.`)

  const storage = params.get('storage')
  if (storage === 'opfs' || storage === 'indexeddb') config.storage = storage
  else if (storage !== null) problems.push(`Unknown ?storage=${storage}: use "opfs" or "indexeddb"; the default is used.`)

  const fromUrl = params.getAll('announce')
  if (fromUrl.length > 0) {
    const parsed = parseTrackerList(fromUrl.join('\n'))
    for (const bad of parsed.invalid) problems.push(`Ignored ?announce=${bad}: a tracker must be a ws:// or wss:// URL.`)
    config.announce = parsed.trackers
    config.trackerSource = 'url'
    return config
  }

  const saved = readSavedList(sources.saved)
  if (saved === 'corrupt') {
    problems.push('The saved tracker list could not be read, so the default trackers are used. Save the list again in Settings.')
  } else if (saved) {
    config.announce = saved
    config.trackerSource = 'saved'
  }
  return config
}

/** Reads the page's URL, meta tag and localStorage. */
export function loadConfig(): AppConfig {
  const meta = document.querySelector<HTMLMetaElement>(`meta[name="${TRACKER_META_NAME}"]`)
  return resolveConfig({
    search: location.search,
    metaTracker: meta?.content ?? null,
    saved: safeStorage()?.getItem(TRACKERS_STORAGE_KEY) ?? null,
    savedPrivateMode: safeStorage()?.getItem(PRIVATE_MODE_STORAGE_KEY) ?? null,
  })
}

/** Saves the list for later page loads; false when storage is unavailable (e.g. blocked cookies). */
export function saveTrackers(trackers: readonly string[]): boolean {
  return storageWrite((s) => s.setItem(TRACKERS_STORAGE_KEY, JSON.stringify(trackers)))
}

/** Forgets the saved list, so the defaults apply again. */
export function clearSavedTrackers(): boolean {
  return storageWrite((s) => s.removeItem(TRACKERS_STORAGE_KEY))
}

function readSavedList(raw: string | null): string[] | null | 'corrupt' {
  if (raw === null) return null
  try {
    const value: unknown = JSON.parse(raw)
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && isTrackerUrl(v))) return 'corrupt'
    return unique(value as string[])
  } catch {
    return 'corrupt'
  }
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)]
}

export function safeStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null
  }
}

function storageWrite(write: (s: Storage) => void): boolean {
  const storage = safeStorage()
  if (!storage) return false
  try {
    write(storage)
    return true
  } catch {
    return false
  }
}
