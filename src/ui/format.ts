/** Human-readable numbers for the torrent list. Pure functions. */

import { formatBytes } from '../util/format-bytes.ts'

export { formatBytes }

/** Bytes per second: "1.2 MB/s". */
/** "1 h 02 min", "3 min 05 s", "42 s"; "—" when unknown. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`
}

export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`
}

/** 0..1 → "0%".."100%", rounded down so an unfinished download never reads "100%". */
export function formatPercent(fraction: number): string {
  return `${Math.floor(clampFraction(fraction) * 100)}%`
}

/** "1 peer", "3 peers". */
export function formatPeers(count: number): string {
  const n = Number.isFinite(count) && count > 0 ? Math.floor(count) : 0
  return `${n} ${n === 1 ? 'peer' : 'peers'}`
}

/** Clamps to 0..1; NaN and other non-numbers become 0. */
export function clampFraction(fraction: number): number {
  if (!Number.isFinite(fraction) || fraction <= 0) return 0
  return fraction >= 1 ? 1 : fraction
}
