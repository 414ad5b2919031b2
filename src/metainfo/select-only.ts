/** Most files a torrent may have (MAX_FILES), so a BEP 53 index at or past it can never select anything. */
export const MAX_SELECT_ONLY = 100_000

/**
 * Expands a BEP 53 range list (`0,2,4-6`) into sorted, deduped indexes. As libtorrent does, an item that is
 * malformed (`a`, `3-`, ` 1`), backwards (`7-4`) or names an index of MAX_SELECT_ONLY or more is skipped:
 * the rest of the link still works.
 */
export function parseSelectOnly(value: string): number[] {
  const selected = new Set<number>()
  for (const item of value.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(item)
    if (!m) continue
    const first = Number(m[1])
    const last = m[2] === undefined ? first : Number(m[2])
    if (last < first || last >= MAX_SELECT_ONLY) continue
    for (let i = first; i <= last; i++) selected.add(i)
  }
  return [...selected].sort((a, b) => a - b)
}

/** Compresses indexes into BEP 53 form: runs become `a-b`, others stay single. */
export function formatSelectOnly(indexes: readonly number[]): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b)
  const parts: string[] = []
  for (let i = 0; i < sorted.length; ) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`)
    i = j + 1
  }
  return parts.join(',')
}
