/** Byte counts for people, shared by the app and <torrent-video>. */

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const

/** 0 → "0 B", 1234 → "1.2 kB", 123456789 → "123 MB" (decimal units, at most 3 significant digits). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B'
  let value = bytes
  let unit = 0
  while (value >= 999.5 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  if (unit === 0) return `${Math.round(value)} B`
  const text = value < 9.95 ? value.toFixed(1) : String(Math.round(value))
  return `${text} ${UNITS[unit]}`
}
