/**
 * Small SVG charts for the simulator's report: lines (time series, CDFs) and grouped bars. Plain
 * strings, fixed layout, no dependency; the output is deterministic so the files diff cleanly.
 */

export interface Series {
  name: string
  points: readonly (readonly [number, number])[]
  /** Draw as steps (a CDF) rather than straight segments. */
  step?: boolean
  dashed?: boolean
}

export interface Marker {
  /** A vertical (x) or horizontal (y) reference line. */
  x?: number
  y?: number
  label: string
}

export interface LineChart {
  title: string
  xLabel: string
  yLabel: string
  series: readonly Series[]
  markers?: readonly Marker[]
  yMin?: number
  yMax?: number
  xMin?: number
  xMax?: number
}

export interface BarChart {
  title: string
  yLabel: string
  categories: readonly string[]
  series: readonly { name: string; values: readonly number[] }[]
  markers?: readonly Marker[]
}

const W = 720
const H = 400
const M = { left: 70, right: 20, top: 40, bottom: 80 }
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f']

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function fmt(v: number): string {
  if (v === 0) return '0'
  const a = Math.abs(v)
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1)
  return String(Math.round(v * 1000) / 1000)
}

/** About `count` round tick values (1, 2, 5 × 10^k) covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo]
  const raw = (hi - lo) / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag
  const out: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step)
  return out
}

function frame(title: string, xLabel: string, yLabel: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="${M.left + (W - M.left - M.right) / 2}" y="${H - 46}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(16 ${M.top + (H - M.top - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n')
}

function legend(names: readonly string[], dashed: readonly boolean[] = []): string[] {
  const out: string[] = []
  let x = M.left
  const y = H - 22
  names.forEach((name, i) => {
    const color = COLORS[i % COLORS.length]
    out.push(`<line x1="${x}" y1="${y - 4}" x2="${x + 22}" y2="${y - 4}" stroke="${color}" stroke-width="2.5"${dashed[i] ? ' stroke-dasharray="6 4"' : ''}/>`)
    out.push(`<text x="${x + 28}" y="${y}">${esc(name)}</text>`)
    x += 40 + name.length * 7
  })
  return out
}

function axes(x0: number, x1: number, y0: number, y1: number, sx: (v: number) => number, sy: (v: number) => number): string[] {
  const out: string[] = []
  const bottom = H - M.bottom
  for (const t of ticks(y0, y1)) {
    out.push(`<line x1="${M.left}" y1="${sy(t).toFixed(1)}" x2="${W - M.right}" y2="${sy(t).toFixed(1)}" stroke="#e5e5e5"/>`)
    out.push(`<text x="${M.left - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`)
  }
  for (const t of ticks(x0, x1, 8)) {
    out.push(`<line x1="${sx(t).toFixed(1)}" y1="${bottom}" x2="${sx(t).toFixed(1)}" y2="${bottom + 5}" stroke="#333"/>`)
    out.push(`<text x="${sx(t).toFixed(1)}" y="${bottom + 18}" text-anchor="middle">${fmt(t)}</text>`)
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#333"/>`)
  return out
}

export function lineChart(c: LineChart): string {
  const xs = c.series.flatMap((s) => s.points.map((p) => p[0])).concat((c.markers ?? []).flatMap((m) => (m.x === undefined ? [] : [m.x])))
  const ys = c.series.flatMap((s) => s.points.map((p) => p[1])).concat((c.markers ?? []).flatMap((m) => (m.y === undefined ? [] : [m.y])))
  const x0 = c.xMin ?? Math.min(0, ...xs)
  const x1 = c.xMax ?? Math.max(x0 + 1, ...xs)
  const y0 = c.yMin ?? Math.min(0, ...ys)
  const y1 = c.yMax ?? Math.max(y0 + 1, ...ys) * 1.05
  const sx = (v: number) => M.left + ((v - x0) / (x1 - x0)) * (W - M.left - M.right)
  const sy = (v: number) => H - M.bottom - ((v - y0) / (y1 - y0)) * (H - M.top - M.bottom)
  const body = axes(x0, x1, y0, y1, sx, sy)
  c.series.forEach((s, i) => {
    const pts: string[] = []
    s.points.forEach(([x, y], k) => {
      if (s.step && k > 0) pts.push(`${sx(x).toFixed(1)},${sy(s.points[k - 1]![1]).toFixed(1)}`)
      pts.push(`${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
    })
    const color = COLORS[i % COLORS.length]
    body.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts.join(' ')}"/>`)
  })
  let xMarkers = 0
  for (const m of c.markers ?? []) {
    if (m.x !== undefined) {
      body.push(`<line x1="${sx(m.x).toFixed(1)}" y1="${M.top}" x2="${sx(m.x).toFixed(1)}" y2="${H - M.bottom}" stroke="#555" stroke-dasharray="3 3"/>`)
      // Each vertical marker's label on its own line, so close markers stay readable.
      body.push(`<text x="${(sx(m.x) + 4).toFixed(1)}" y="${M.top + 14 * ++xMarkers}" fill="#555">${esc(m.label)}</text>`)
    }
    if (m.y !== undefined) {
      body.push(`<line x1="${M.left}" y1="${sy(m.y).toFixed(1)}" x2="${W - M.right}" y2="${sy(m.y).toFixed(1)}" stroke="#555" stroke-dasharray="3 3"/>`)
      body.push(`<text x="${W - M.right - 4}" y="${(sy(m.y) - 4).toFixed(1)}" text-anchor="end" fill="#555">${esc(m.label)}</text>`)
    }
  }
  body.push(...legend(c.series.map((s) => s.name), c.series.map((s) => s.dashed ?? false)))
  return frame(c.title, c.xLabel, c.yLabel, body)
}

export function barChart(c: BarChart): string {
  const values = c.series.flatMap((s) => s.values).concat((c.markers ?? []).flatMap((m) => (m.y === undefined ? [] : [m.y])))
  const y1 = Math.max(1e-9, ...values) * 1.1
  const sy = (v: number) => H - M.bottom - (v / y1) * (H - M.top - M.bottom)
  const body: string[] = []
  for (const t of ticks(0, y1)) {
    body.push(`<line x1="${M.left}" y1="${sy(t).toFixed(1)}" x2="${W - M.right}" y2="${sy(t).toFixed(1)}" stroke="#e5e5e5"/>`)
    body.push(`<text x="${M.left - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`)
  }
  const groupW = (W - M.left - M.right) / Math.max(1, c.categories.length)
  const barW = (groupW * 0.7) / Math.max(1, c.series.length)
  c.categories.forEach((cat, g) => {
    const gx = M.left + g * groupW + groupW * 0.15
    c.series.forEach((s, i) => {
      const v = s.values[g] ?? 0
      const x = gx + i * barW
      body.push(`<rect x="${x.toFixed(1)}" y="${sy(v).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(H - M.bottom - sy(v)).toFixed(1)}" fill="${COLORS[i % COLORS.length]}"/>`)
      body.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${(sy(v) - 4).toFixed(1)}" text-anchor="middle" font-size="10">${fmt(v)}</text>`)
    })
    body.push(`<text x="${(M.left + g * groupW + groupW / 2).toFixed(1)}" y="${H - M.bottom + 18}" text-anchor="middle">${esc(cat)}</text>`)
  })
  for (const m of c.markers ?? []) {
    if (m.y === undefined) continue
    body.push(`<line x1="${M.left}" y1="${sy(m.y).toFixed(1)}" x2="${W - M.right}" y2="${sy(m.y).toFixed(1)}" stroke="#555" stroke-dasharray="3 3"/>`)
    body.push(`<text x="${W - M.right - 4}" y="${(sy(m.y) - 4).toFixed(1)}" text-anchor="end" fill="#555">${esc(m.label)}</text>`)
  }
  body.push(`<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#333"/>`)
  body.push(...legend(c.series.map((s) => s.name)))
  return frame(c.title, '', c.yLabel, body)
}

/** Points of an empirical CDF of `values` (x: value, y: fraction ≤ x). */
export function cdf(values: readonly number[]): [number, number][] {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.map((v, i) => [v, (i + 1) / sorted.length])
}
