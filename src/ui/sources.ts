/**
 * Where a torrent's data can come from — trackers, web seeds, peers — and whether any of them works.
 * Pure: the row shows the details, the page warns only when nothing works.
 */
import type { UiTorrent, UiTrackerStats, UiWebSeedStats } from './ports.ts'
import { formatBytes, formatDuration } from './format.ts'

type SourcesOf = Pick<UiTorrent, 'trackerStats' | 'webSeeds' | 'numPeers' | 'done' | 'paused' | 'error' | 'infoHash'>

/** Warnings about a single tracker or web seed: shown with that source, not across the page. */
export function isSourceWarning(err: { code?: string }): boolean {
  return typeof err.code === 'string' && /^(TRACKER_|WEBSEED_)/.test(err.code)
}

export function webSeedWorks(seed: UiWebSeedStats): boolean {
  const status = seed.status ?? (seed.demoted ? 'demoted' : 'idle')
  return status === 'idle' || status === 'working'
}

/** Failing, demoted or dropped web seeds. */
export function brokenWebSeeds(t: SourcesOf): UiWebSeedStats[] {
  return (t.webSeeds ?? []).filter((w) => !webSeedWorks(w))
}

export function failingTrackers(t: SourcesOf): UiTrackerStats[] {
  return t.trackerStats.filter((s) => s.status === 'failing')
}

/**
 * True when nothing can bring data or peers: no peer connected, every tracker failing (or none), and no
 * web seed that works. A tracker still connecting counts as working until it fails.
 */
export function noSourceWorks(t: SourcesOf): boolean {
  if (!t.infoHash || t.error || t.paused || t.numPeers > 0) return false
  if (t.trackerStats.some((s) => s.status !== 'failing')) return false
  return t.done || !(t.webSeeds ?? []).some(webSeedWorks)
}

/** The page-wide warning for a torrent that no source works for, naming what failed. */
export function noSourceMessage(t: SourcesOf & { name: string }): string {
  const name = t.name || `${t.infoHash.slice(0, 16)}…`
  const trackers = t.trackerStats.length === 0 ? 'it has no tracker' : `every tracker is failing (${t.trackerStats.map(trackerProblem).join('; ')})`
  if (t.done) return `${name}: no peer can find this torrent: ${trackers}. Check your connection, or add a working tracker in Settings.`
  const seeds = brokenWebSeeds(t)
  const webSeeds = seeds.length === 0 ? 'no web seed' : `its web seed${seeds.length === 1 ? ' fails' : 's fail'} (${seeds.map(webSeedProblem).join('; ')})`
  return `${name}: no source works: ${trackers}, ${webSeeds}, and no peer is connected. Check your connection, or add a working tracker in Settings.`
}

/** One line for the row when some sources fail while others may work; null when none fails. */
export function sourceNotice(t: SourcesOf): string | null {
  const parts: string[] = []
  const trackers = failingTrackers(t)
  if (trackers.length > 0) parts.push(`${trackers.length} of ${t.trackerStats.length} tracker${t.trackerStats.length === 1 ? '' : 's'} failing`)
  if (!t.done) for (const seed of brokenWebSeeds(t)) parts.push(`web seed ${webSeedProblem(seed)}`)
  return parts.length === 0 ? null : `${parts.join(' · ')} — see Sources`
}

function trackerProblem(s: UiTrackerStats): string {
  return `${s.url}: ${s.error ?? 'failing'}`
}

function webSeedProblem(w: UiWebSeedStats): string {
  const status = w.status ?? (w.demoted ? 'demoted' : 'failing')
  return `${w.url} ${status}${w.error ? `: ${w.error}` : ''}`
}

/** "connected · last announce 12 s ago · 2 peers · 1 S · 0 L", "failing: could not connect". */
export function trackerLine(s: UiTrackerStats, now: number): string {
  if (s.status === 'failing') return `failing: ${s.error ?? 'no answer'}`
  if (s.status === 'connecting') return 'connecting…'
  const parts = ['connected']
  if (s.lastAnnounce !== null) parts.push(`last announce ${formatDuration(Math.max(0, now - s.lastAnnounce))} ago`)
  parts.push(`${s.peers} peer${s.peers === 1 ? '' : 's'} from it`, `${s.seeders} S · ${s.leechers} L`)
  return parts.join(' · ')
}

/** "working · 3.2 MB served", "failing: the server answered HTTP 404 · 0 B served", "demoted: …". */
export function webSeedLine(w: UiWebSeedStats): string {
  const status = w.status ?? (w.demoted ? 'demoted' : 'idle')
  const served = `${formatBytes(w.downloaded)} served`
  if (status === 'idle') return w.downloaded > 0 ? `idle · ${served}` : 'not asked yet'
  if (status === 'working') return `working · ${served}`
  const why = w.error ?? (w.httpStatus !== undefined ? `HTTP ${w.httpStatus}` : '')
  return `${status}${why ? `: ${why}` : ''} · ${served}`
}
