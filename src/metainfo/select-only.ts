import { InvalidMagnetError } from './errors.ts'

/** Most file indexes a BEP 53 `so=` value may select once expanded. */
export const MAX_SELECT_ONLY = 100_000

/** Expands a BEP 53 range list (`0,2,4-6`) into sorted, deduped indexes. */
export function parseSelectOnly(value: string): number[] {
  const selected = new Set<number>()
  let expanded = 0
  for (const item of value.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(item.trim())
    if (!m) {
      throw new InvalidMagnetError(
        `The magnet link's file selection "so=${value}" is malformed at "${item}": use indexes and ranges like 0,2,4-6.`,
      )
    }
    const first = Number(m[1])
    const last = m[2] === undefined ? first : Number(m[2])
    if (last < first) {
      throw new InvalidMagnetError(`The magnet link's file selection has a backwards range "${item}": write it as ${last}-${first}.`)
    }
    expanded += last - first + 1
    if (!Number.isSafeInteger(last) || expanded > MAX_SELECT_ONLY) {
      throw new InvalidMagnetError(
        `The magnet link's file selection "so=" covers more than ${MAX_SELECT_ONLY} files; select fewer files.`,
      )
    }
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
