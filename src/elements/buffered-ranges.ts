/** Geometry of the thin "buffered" bar: fractions 0..1 of the file. Pure functions. */

export type Span = readonly [start: number, end: number]

const MAX_BUCKETS = 200

/**
 * The parts of a file whose pieces are verified, as merged spans of 0..1. Pieces are grouped into at
 * most 200 buckets (a bucket counts when all its pieces are there) so the bar stays a few elements.
 */
export function pieceSpans(file: { offset: number; length: number }, pieceLength: number, hasPiece: (index: number) => boolean): Span[] {
  if (file.length <= 0 || pieceLength <= 0) return []
  const first = Math.floor(file.offset / pieceLength)
  const last = Math.floor((file.offset + file.length - 1) / pieceLength)
  const count = last - first + 1
  const buckets = Math.min(count, MAX_BUCKETS)
  const spans: [number, number][] = []
  for (let b = 0; b < buckets; b++) {
    const from = first + Math.floor((b * count) / buckets)
    const to = first + Math.floor(((b + 1) * count) / buckets)
    let full = true
    for (let i = from; i < to && full; i++) full = hasPiece(i)
    if (!full) continue
    const start = b / buckets
    const end = (b + 1) / buckets
    const prev = spans[spans.length - 1]
    if (prev && prev[1] === start) prev[1] = end
    else spans.push([start, end])
  }
  return spans
}

/** `video.buffered` as spans of 0..1 of the duration (empty until the duration is known). */
export function timeSpans(ranges: { length: number; start(i: number): number; end(i: number): number }, duration: number): Span[] {
  if (!Number.isFinite(duration) || duration <= 0) return []
  const spans: Span[] = []
  for (let i = 0; i < ranges.length; i++) {
    const start = clamp(ranges.start(i) / duration)
    const end = clamp(ranges.end(i) / duration)
    if (end > start) spans.push([start, end])
  }
  return spans
}

function clamp(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x
}
