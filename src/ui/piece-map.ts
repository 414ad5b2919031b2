import { el, updateAttr } from './dom.ts'

/** At most this many redraws per second per map. */
const MIN_REDRAW_MS = 250

/** The pieces of a torrent folded into at most `buckets` columns. */
export interface PieceBuckets {
  /** Per column: fraction of its pieces that are verified (0..1). */
  have: Float32Array
  /** Per column: 1 when one of its missing pieces has blocks in flight. */
  downloading: Uint8Array
  haveCount: number
  downloadingCount: number
}

/** What the piece map needs from a torrent. */
export interface PieceSource {
  readonly bitfield: Uint8Array | null
  readonly numPieces: number
  requestedPieces?(): number[]
}

/** Whether piece `index` is set in a BEP 3 bitfield (high bit of byte 0 is piece 0). */
export function hasPiece(bitfield: Uint8Array, index: number): boolean {
  return ((bitfield[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0
}

/** Folds `numPieces` pieces into `min(numPieces, buckets)` columns; O(pieces), cheap for 10,000+ pieces. */
export function bucketPieces(bitfield: Uint8Array | null, numPieces: number, requested: readonly number[], buckets: number): PieceBuckets {
  const n = Math.max(0, Math.floor(numPieces))
  const columns = Math.max(0, Math.min(n, Math.floor(buckets)))
  const have = new Float32Array(columns)
  const downloading = new Uint8Array(columns)
  const sizes = new Uint32Array(columns)
  const column = (i: number): number => Math.floor((i * columns) / n)
  let haveCount = 0
  for (let i = 0; i < n && columns > 0; i++) {
    const c = column(i)
    sizes[c] = (sizes[c] ?? 0) + 1
    if (bitfield && hasPiece(bitfield, i)) {
      have[c] = (have[c] ?? 0) + 1
      haveCount++
    }
  }
  for (let c = 0; c < columns; c++) have[c] = (have[c] ?? 0) / Math.max(1, sizes[c] ?? 1)
  let downloadingCount = 0
  for (const i of new Set(requested)) {
    if (!Number.isInteger(i) || i < 0 || i >= n || (bitfield && hasPiece(bitfield, i))) continue
    downloading[column(i)] = 1
    downloadingCount++
  }
  return { have, downloading, haveCount, downloadingCount }
}

/** "Pieces: 120 of 400 verified, 4 downloading" (also the canvas's accessible name). */
export function describePieces(numPieces: number, haveCount: number, downloadingCount: number): string {
  if (numPieces <= 0) return 'Pieces: waiting for the torrent’s metadata'
  const busy = downloadingCount > 0 ? `, ${downloadingCount} downloading` : ''
  return `Pieces: ${haveCount} of ${numPieces} verified${busy}`
}

/** Whether two foldings draw the same strip. */
export function sameBuckets(a: PieceBuckets, b: PieceBuckets): boolean {
  if (a.haveCount !== b.haveCount || a.downloadingCount !== b.downloadingCount || a.have.length !== b.have.length) return false
  for (let c = 0; c < a.have.length; c++) if (a.have[c] !== b.have[c] || a.downloading[c] !== b.downloading[c]) return false
  return true
}

/**
 * A canvas strip with one column per piece (or per bucket of pieces when there are more pieces
 * than device pixels): have / downloading / missing, with a legend. Redraws at most 4 times a second,
 * only when what it shows changed, and not while the page is hidden. Its size comes from a ResizeObserver:
 * reading the layout after the row's text changed forced a layout at each draw, ~6 ms in a busy page.
 */
export class PieceMap {
  readonly element: HTMLDivElement
  readonly #canvas: HTMLCanvasElement
  readonly #source: PieceSource
  #lastDraw = 0
  #timer: ReturnType<typeof setTimeout> | null = null
  #resize: ResizeObserver | null = null
  #size: { width: number; height: number } | null = null
  #drawn: { buckets: PieceBuckets; numPieces: number; width: number; height: number } | null = null
  readonly #onVisible = (): void => {
    if (!document.hidden) this.update()
  }
  /** The colours come from the theme: a strip that no longer changes is repainted when the theme does. */
  readonly #scheme: MediaQueryList | null = globalThis.matchMedia?.('(prefers-color-scheme: dark)') ?? null
  readonly #onScheme = (): void => {
    this.#drawn = null
    this.update()
  }

  constructor(source: PieceSource) {
    this.#source = source
    this.#canvas = el('canvas', { class: 'piece-map', 'data-testid': 'piece-map', role: 'img', height: 12 })
    const swatch = (kind: string, label: string): HTMLSpanElement =>
      el('span', { class: 'legend-item' }, [el('span', { class: `swatch swatch-${kind}`, 'aria-hidden': 'true' }), label])
    this.element = el('div', { class: 'pieces' }, [
      this.#canvas,
      el('p', { class: 'piece-legend', 'aria-hidden': 'true' }, [swatch('have', 'have'), swatch('downloading', 'downloading'), swatch('missing', 'missing')]),
    ])
    if (typeof ResizeObserver === 'function') {
      this.#resize = new ResizeObserver((entries) => {
        const entry = entries[entries.length - 1]
        if (!entry) return
        const dpr = globalThis.devicePixelRatio || 1
        const box = entry.devicePixelContentBoxSize?.[0]
        this.#size = box
          ? { width: Math.max(1, Math.round(box.inlineSize)), height: Math.max(1, Math.round(box.blockSize)) }
          : { width: Math.max(1, Math.round(entry.contentRect.width * dpr)), height: Math.max(1, Math.round(entry.contentRect.height * dpr)) }
        this.#draw()
      })
      this.#resize.observe(this.#canvas)
    }
    document.addEventListener('visibilitychange', this.#onVisible)
    this.#scheme?.addEventListener('change', this.#onScheme)
  }

  /** Asks for a redraw; draws now unless the last one was under 250 ms ago, then once that time is up. */
  update(): void {
    if (this.#timer !== null) return
    const wait = this.#lastDraw + MIN_REDRAW_MS - performance.now()
    if (wait <= 0) {
      this.#draw()
      return
    }
    this.#timer = setTimeout(() => {
      this.#timer = null
      this.#draw()
    }, wait)
  }

  destroy(): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
    this.#resize?.disconnect()
    this.#resize = null
    document.removeEventListener('visibilitychange', this.#onVisible)
    this.#scheme?.removeEventListener('change', this.#onScheme)
  }

  #draw(): void {
    if (document.hidden) return
    this.#lastDraw = performance.now()
    const canvas = this.#canvas
    const { bitfield, numPieces } = this.#source
    // Until the observer's first report (or without one), the layout is read.
    const dpr = globalThis.devicePixelRatio || 1
    const { width, height } = this.#size ?? {
      width: Math.max(1, Math.round(canvas.clientWidth * dpr)),
      height: Math.max(1, Math.round(canvas.clientHeight * dpr)),
    }
    const requested = this.#source.requestedPieces?.() ?? []
    const buckets = bucketPieces(bitfield, numPieces, requested, width)
    const last = this.#drawn
    if (last && last.numPieces === numPieces && last.width === width && last.height === height && sameBuckets(last.buckets, buckets)) return
    this.#drawn = { buckets, numPieces, width, height }
    if (canvas.width !== width) canvas.width = width
    if (canvas.height !== height) canvas.height = height
    const label = describePieces(numPieces, buckets.haveCount, buckets.downloadingCount)
    updateAttr(canvas, 'aria-label', label)
    updateAttr(canvas, 'title', label)
    updateAttr(canvas, 'data-pieces', numPieces)
    updateAttr(canvas, 'data-have', buckets.haveCount)
    updateAttr(canvas, 'data-downloading', buckets.downloadingCount)
    const ctx = canvas.getContext('2d')
    if (!ctx) return
    const style = getComputedStyle(canvas)
    const color = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback
    const colors = { missing: color('--piece-missing', '#d5dae1'), have: color('--piece-have', '#1f5fbf'), downloading: color('--piece-downloading', '#e0a020') }
    ctx.globalAlpha = 1
    ctx.fillStyle = colors.missing
    ctx.fillRect(0, 0, width, height)
    const columns = buckets.have.length
    for (let c = 0; c < columns; c++) {
      const x0 = Math.round((c * width) / columns)
      const x1 = Math.round(((c + 1) * width) / columns)
      const had = buckets.have[c] ?? 0
      if (buckets.downloading[c]) {
        ctx.globalAlpha = 1
        ctx.fillStyle = colors.downloading
      } else if (had > 0) {
        // A column that is partly verified is drawn lighter.
        ctx.globalAlpha = 0.35 + 0.65 * had
        ctx.fillStyle = colors.have
      } else continue
      ctx.fillRect(x0, 0, Math.max(1, x1 - x0), height)
    }
    ctx.globalAlpha = 1
  }
}
