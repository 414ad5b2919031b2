/**
 * `npm run sim -- <scenario> [options]` (see USAGE). Runs scenarios in virtual time, prints their targets
 * and speed, and writes figures, pages and plots under docs/sim (or --out).
 */
import { setRunLimit } from './simulation.ts'
import { figuresJson, previousFigures, writeOutput } from './report.ts'
import type { ScenarioOptions, ScenarioOutput } from './scenario.ts'
import { churn } from './scenarios/churn.ts'
import { flashCrowd } from './scenarios/flash-crowd.ts'
import { freeRiders } from './scenarios/free-riders.ts'
import { lastPiecesScenario } from './scenarios/last-pieces.ts'
import { validate } from './scenarios/validate.ts'
import { viewers } from './scenarios/viewers.ts'

const USAGE = `usage: npm run sim -- <scenario> [--peers N] [--seed S] [--stay] [--linger S] [--size MiB] [--resolution ms] [--until s] [--out DIR] [--timeline FILE] [--check] [--no-write] [--quiet]
scenarios:
  validate      the browser bench's swarm (seeder capped 4 MB/s, 4 leechers, 64 MiB) against its measured figures
  flash-crowd   one seeder capped 4 MB/s, N leechers within 10 s (default: 100, 300 and 1,000, leaving when done)
  churn         a crowd of N (300), then 5 arrivals/s for 90 s; 30 % give up mid-download
  free-riders   N (300) leechers, 20 % of each class never upload
  viewers       N (300) viewers of one 0.5 MB/s video, seeder uplink 3× the bitrate
  last-pieces   95 % → 100 % in a flash crowd of N (300) that stays
  all           every scenario above, as docs/sim shows them
options:
  --seed S      seed of every random choice (default 1); the same seed gives the same figures
  --until S     stop every run at S virtual seconds (a sample or a profile; its figures are of an unfinished run)
  --stay        leechers stay and seed once done (flash-crowd, free-riders)
  --linger S    leechers leave S seconds after done instead of at once (flash-crowd)
  --trace       print why things happen (viewers: each stall, the piece it waits for, who showed it; flash-crowd: links and connections each second)
  --timeline FILE  write each peer's timeline, every second (rates, interest, unchokes, requests), as JSON (flash-crowd, free-riders)
  --start-buffer S  viewers: a fixed S seconds of video buffered before the first frame and after a stall
                (default: the app's rule, StartGate, to start; 1 s after a stall)
  --check       compare the figures with those already written (same seed → same figures); exit 1 if they differ
  --no-write    print only
  --quiet       no progress lines`

type Runner = (opts: ScenarioOptions) => Promise<{ output: ScenarioOutput; sim?: { shutdown(): Promise<void>; peers: readonly { totals(): { received: number } }[] } }>

const RUNNERS: Record<string, Runner> = {
  validate,
  'flash-crowd': flashCrowd,
  churn,
  'free-riders': freeRiders,
  viewers,
  'last-pieces': lastPiecesScenario,
}

/** What `all` runs: the set docs/sim/README.md reports. */
const ALL: [string, Partial<ScenarioOptions>][] = [
  ['validate', {}],
  ['flash-crowd', { peers: 100 }],
  ['flash-crowd', { peers: 300 }],
  ['flash-crowd', { peers: 1000 }],
  ['flash-crowd', { peers: 300, stay: true }],
  ['flash-crowd', { peers: 1000, stay: true }],
  ['churn', {}],
  ['free-riders', {}],
  ['viewers', {}],
  ['last-pieces', {}],
]

interface Args {
  scenario: string
  opts: ScenarioOptions
  out: string
  check: boolean
  write: boolean
}

function parse(argv: string[]): Args {
  const args: Args = { scenario: '', opts: { seed: 1, progress: (line) => process.stderr.write(`  … ${line}\n`) }, out: 'docs/sim', check: false, write: true }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const value = () => {
      const v = argv[++i]
      if (v === undefined || !Number.isFinite(Number(v))) throw new Error(`${a} needs a number`)
      return Number(v)
    }
    if (a === '--peers') args.opts.peers = value()
    else if (a === '--seed') args.opts.seed = value()
    else if (a === '--size') args.opts.sizeMiB = value()
    else if (a === '--resolution') args.opts.resolutionMs = value()
    else if (a === '--until') setRunLimit(1000 * value())
    else if (a === '--stay') args.opts.stay = true
    else if (a === '--linger') args.opts.lingerSeconds = value()
    else if (a === '--trace') args.opts.trace = true
    else if (a === '--start-buffer') args.opts.startBufferSeconds = value()
    else if (a === '--timeline') args.opts.timeline = argv[++i] ?? ''
    else if (a === '--out') args.out = argv[++i] ?? args.out
    else if (a === '--check') args.check = true
    else if (a === '--no-write') args.write = false
    else if (a === '--quiet') delete args.opts.progress
    else if (a === '--help' || a === '-h') throw new Error(USAGE)
    else if (!a.startsWith('-') && !args.scenario) args.scenario = a
    else throw new Error(`Unknown option ${a}\n${USAGE}`)
  }
  if (!args.scenario) throw new Error(USAGE)
  return args
}

function plan(args: Args): [string, ScenarioOptions][] {
  if (args.scenario === 'all') return ALL.map(([name, o]) => [name, { ...args.opts, ...o }])
  if (!RUNNERS[args.scenario]) throw new Error(`Unknown scenario ${args.scenario}\n${USAGE}`)
  if (args.scenario === 'flash-crowd' && args.opts.peers === undefined) return [100, 300, 1000].map((peers) => [args.scenario, { ...args.opts, peers }])
  return [[args.scenario, args.opts]]
}

function commandOf(name: string, o: ScenarioOptions): string {
  const flags = [o.peers !== undefined ? `--peers ${o.peers}` : '', o.stay ? '--stay' : '', o.lingerSeconds ? `--linger ${o.lingerSeconds}` : '', o.seed !== 1 ? `--seed ${o.seed}` : '', o.sizeMiB ? `--size ${o.sizeMiB}` : '', o.startBufferSeconds !== undefined ? `--start-buffer ${o.startBufferSeconds}` : '']
  return `npm run sim -- ${name} ${flags.filter(Boolean).join(' ')}`.trim()
}

export async function main(argv: string[]): Promise<number> {
  let args: Args
  try {
    args = parse(argv)
  } catch (err) {
    console.error((err as Error).message)
    return 2
  }
  let failed = 0
  for (const [name, opts] of plan(args)) {
    const { output, sim } = await RUNNERS[name]!(opts)
    // Blocks received by every peer, before shutdown: what the CPU per block below is per.
    const blocks = (sim?.peers ?? []).reduce((n, p) => n + p.totals().received, 0) / 16384
    await sim?.shutdown()
    const s = output.speed
    console.log(`\n${output.title}  [${output.path}]`)
    for (const t of output.targets) console.log(`  ${t.met ? 'MET ' : 'MISS'} ${t.figure}: ${t.value} (target ${t.target})`)
    console.log(`  ${output.run.virtualSeconds} s virtual in ${s.wallSeconds.toFixed(1)} s wall (${s.simPerWall.toFixed(2)} sim s per wall s, ${s.cpuSeconds.toFixed(1)} CPU s), digest ${output.run.digest}`)
    if (blocks > 0) console.log(`  ${output.run.events} timer events, ${Math.round(blocks)} blocks received, ${((1e6 * s.cpuSeconds) / blocks).toFixed(1)} µs CPU per block`)
    if (args.check) {
      const before = await previousFigures(output, args.out)
      const same = before === figuresJson(output)
      console.log(`  ${before === null ? 'no figures written before' : same ? 'same figures as written before' : 'FIGURES DIFFER from those written before'}`)
      if (!same) failed++
    }
    if (args.write && !args.check) console.log(`  wrote ${await writeOutput(output, args.out, commandOf(name, opts))}`)
  }
  return failed > 0 ? 1 : 0
}
