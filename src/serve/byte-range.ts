/** What a `Range` header asks of a representation of `length` bytes (RFC 9110 §14). Pure. */
export type RangeRequest =
  | { kind: 'full' }
  /** Bytes start..end, both inclusive. */
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' }

/**
 * Parses `bytes=a-b`, `bytes=a-` and `bytes=-n`. A missing, malformed or multi-range header is
 * ignored (a server may always answer with the whole representation).
 */
export function parseRange(header: string | null | undefined, length: number): RangeRequest {
  if (!header) return { kind: 'full' }
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!match) return { kind: 'full' }
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return { kind: 'full' }
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0 || length === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', start: Math.max(0, length - suffix), end: length - 1 }
  }
  const start = Number(first)
  if (start >= length) return { kind: 'unsatisfiable' }
  if (last === '') return { kind: 'partial', start, end: length - 1 }
  const end = Number(last)
  if (end < start) return { kind: 'full' }
  return { kind: 'partial', start, end: Math.min(end, length - 1) }
}
