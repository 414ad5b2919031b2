// Figures, their references and targets → a text table (stdout), latest.json and latest.md.
import { mkdirSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'

export interface Stat {
  median: number
  min: number
  max: number
  n: number
}

export function stat(values: number[]): Stat {
  if (values.length === 0) throw new Error('stat() needs at least one value')
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, n: sorted.length }
}

export interface Reference {
  label: string
  value: Stat | number
}

export interface Row {
  scenario: string
  figure: string
  unit: string
  value: Stat
  references: Reference[]
  /** e.g. "≥ 90 % of limit"; empty when there is none. */
  target: string
  /** null: no target. */
  met: boolean | null
}

export interface Machine {
  cores: number
  cpuModel: string
  memoryGiB: number
  chromium: string
  node: string
  network: string
  loadBefore: number[]
  loadAfter: number[]
}

/** A table beside the figures (e.g. CPU by process, top costs of a profile); cells are preformatted. */
export interface ExtraTable {
  title: string
  header: string[]
  rows: string[][]
  notes?: string[]
}

export interface BenchResult {
  date: string
  options: Record<string, unknown>
  machine: Machine
  notes: string[]
  rows: Row[]
  tables?: ExtraTable[]
}

function fmt(x: number): string {
  const a = Math.abs(x)
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toFixed(3)
}

export function fmtStat(v: Stat | number): string {
  if (typeof v === 'number') return fmt(v)
  return v.n > 1 ? `${fmt(v.median)} (${fmt(v.min)}–${fmt(v.max)})` : fmt(v.median)
}

function cells(row: Row): string[] {
  const refs = row.references.map((r) => `${r.label}: ${fmtStat(r.value)}`).join('; ') || '–'
  const met = row.met === null ? '–' : row.met ? 'yes' : 'NO'
  return [row.scenario, `${row.figure} (${row.unit})`, fmtStat(row.value), refs, row.target || '–', met]
}

const HEADER = ['scenario', 'figure', 'measured: median (min–max)', 'reference(s), same run', 'target', 'met']

function machineLine(m: Machine): string {
  return (
    `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB RAM, Chromium ${m.chromium}, Node ${m.node}; ` +
    `network: ${m.network}; load average before ${m.loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${m.loadAfter.map((x) => x.toFixed(2)).join(' ')}`
  )
}

function plainTable(header: string[], body: string[][]): string[] {
  const rows = [header, ...body]
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) => header.map((_, i) => (r[i] ?? '').padEnd(widths[i]!)).join(' | ')
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.slice(1).map(line)]
}

function extraText(t: ExtraTable): string[] {
  return ['', `${t.title}:`, ...plainTable(t.header, t.rows), ...(t.notes ?? []).map((n) => `  ${n}`)]
}

export function textTable(result: BenchResult): string {
  const out = plainTable(HEADER, result.rows.map(cells))
  const extras = (result.tables ?? []).flatMap(extraText)
  return [...out, ...extras, '', `Machine: ${machineLine(result.machine)}`, ...result.notes.map((n) => `Note: ${n}`)].join('\n')
}

function extraMarkdown(t: ExtraTable): string[] {
  const esc = (s: string) => s.replace(/\|/g, '\\|')
  return [
    '',
    `**${t.title}**`,
    '',
    `| ${t.header.map(esc).join(' | ')} |`,
    `|${t.header.map(() => '---').join('|')}|`,
    ...t.rows.map((r) => `| ${t.header.map((_, i) => esc(r[i] ?? '')).join(' | ')} |`),
    ...(t.notes ?? []).flatMap((n) => ['', n]),
  ]
}

export function markdown(result: BenchResult): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|')
  const lines = [
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map(() => '---').join('|')}|`,
    ...result.rows.map((r) => `| ${cells(r).map(esc).join(' | ')} |`),
    ...(result.tables ?? []).flatMap(extraMarkdown),
    '',
    `Measured ${result.date} with \`npm run bench\` (${JSON.stringify(result.options)}). Machine: ${machineLine(result.machine)}.`,
    ...result.notes.map((n) => `\n${n}`),
  ]
  return lines.join('\n') + '\n'
}

export const ARTIFACTS = resolve(import.meta.dirname, '..', 'artifacts', 'bench')

export function writeResult(result: BenchResult): void {
  mkdirSync(ARTIFACTS, { recursive: true })
  writeFileSync(resolve(ARTIFACTS, 'latest.json'), JSON.stringify(result, null, 2) + '\n')
  writeFileSync(resolve(ARTIFACTS, 'latest.md'), markdown(result))
}
