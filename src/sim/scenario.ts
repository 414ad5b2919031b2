/** What every scenario shares: the torrent, the output it produces, and the speed it reports. */
import { choosePieceLength } from '../metainfo/create-torrent.ts'
import { cheapDigest, makeContent, makeData, type SimContent } from './content.ts'
import { distribution, seconds, type Distribution } from './metrics.ts'
import type { RunResult, Sample, Simulation } from './simulation.ts'
import { lineChart } from './svg.ts'

export const MiB = 2 ** 20

export interface ScenarioOptions {
  seed: number
  /** Leechers (or viewers); each scenario has its default. */
  peers?: number
  /** Stay and seed after completing instead of leaving (flash crowd). */
  stay?: boolean
  /** Leechers that leave do so this many seconds after completing (flash crowd; default 0: at once). */
  lingerSeconds?: number
  /** Torrent size, MiB (default 64). */
  sizeMiB?: number
  /** Virtual-time resolution, ms. */
  resolutionMs?: number
  /** Status lines while running. */
  progress?: (line: string) => void
  /** Print a trace of why things happen (viewers: every stall). */
  trace?: boolean
  /** Viewers: a fixed startup buffer, also the buffer after a stall (default: the app's StartGate to start, 1 s after a stall). */
  startBufferSeconds?: number
  /** Write each peer's timeline to this file as JSON (timeline.ts). */
  timeline?: string
}

export interface Target {
  figure: string
  value: number
  target: string
  met: boolean
}

export interface Plot {
  file: string
  caption: string
  svg: string
}

/** A scenario's result: `figures` and `targets` are deterministic for a seed; `speed` is not. */
export interface ScenarioOutput {
  /** Output folder under docs/sim, e.g. 'flash-crowd/1000-leave'. */
  path: string
  title: string
  params: Record<string, unknown>
  figures: Record<string, unknown>
  targets: Target[]
  plots: Plot[]
  /** Markdown sections (tables) for the figures page. */
  tables: string[]
  run: RunFigures
  speed: Speed
}

export interface RunFigures {
  virtualSeconds: number
  timedOut: boolean
  events: number
  ticks: number
  digest: string
}

export interface Speed {
  wallSeconds: number
  cpuSeconds: number
  /** Simulated seconds per wall-clock second. */
  simPerWall: number
  simPerCpu: number
}

const contents = new Map<string, SimContent>()

/** The torrent of a scenario: `sizeMiB` of stamped bytes, the piece length the client would choose, the cheap digest. */
export function scenarioContent(sizeMiB = 64): SimContent {
  const key = String(sizeMiB)
  let content = contents.get(key)
  if (!content) {
    const length = sizeMiB * MiB
    const pieceLength = choosePieceLength(length)
    contents.set(key, (content = makeContent(makeData(length, pieceLength), pieceLength, cheapDigest)))
  }
  return content
}

export function runFigures(r: RunResult): RunFigures {
  return { virtualSeconds: seconds(r.endMs), timedOut: r.timedOut, events: r.events, ticks: r.ticks, digest: r.digest }
}

export function speedOf(r: RunResult): Speed {
  return {
    wallSeconds: r.wallMs / 1000,
    cpuSeconds: r.cpuMs / 1000,
    simPerWall: r.endMs / Math.max(1, r.wallMs),
    simPerCpu: r.endMs / Math.max(1, r.cpuMs),
  }
}

/** Rounds every number in a figures object to 4 significant digits (stable JSON, readable tables). */
export function rounded<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v) ? Number(v.toPrecision(4)) : v))) as T
}

export function fmtDist(d: Distribution, unit = 's'): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2) : '–')
  return `${f(d.median)} ${unit} (p5 ${f(d.p5)}, p95 ${f(d.p95)}, max ${f(d.max)}; n = ${d.n})`
}

export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(3)) : v)
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n')
}

/** Piece availability and progress over time. */
export function availabilityPlot(samples: readonly Sample[], leechers: number, title: string): Plot {
  return {
    file: 'availability.svg',
    caption: 'Fewest present peers holding any one piece (the seeder counts), and leechers done, over time.',
    svg: lineChart({
      title,
      xLabel: 'virtual time (s)',
      yLabel: 'peers',
      series: [
        { name: 'minimum piece availability', points: samples.map((s) => [s.t / 1000, s.minAvailability]) },
        { name: `leechers done (of ${leechers})`, points: samples.map((s) => [s.t / 1000, s.done]), dashed: true },
        { name: 'peers present', points: samples.map((s) => [s.t / 1000, s.present]), dashed: true },
      ],
    }),
  }
}

export function target(figure: string, value: number, limit: number, op: '<=' | '>=', unit = ''): Target {
  // An unfinished run (--until) has no median (null once rounded): the figure is NaN and the target missed.
  const v = value ?? NaN
  const met = op === '<=' ? v <= limit : v >= limit
  return { figure, value: Number(v.toPrecision(4)), target: `${op === '<=' ? '≤' : '≥'} ${limit}${unit}`, met }
}

export { distribution }
export type { Simulation }
