// The browser's processes from /proc: which belong to the bench's Chromium (its command line names our
// profile, plus every descendant), what each one is (renderer, network service, storage, browser, …)
// and its CPU time (utime+stime).
import { readdirSync, readFileSync } from 'node:fs'

const CLOCK_TICKS = 100

export type ProcessKind = 'renderer' | 'network' | 'storage' | 'browser' | 'gpu' | 'other'

export interface ProcStat {
  pid: number
  ppid: number
  /** CPU seconds (user + system) since the process started. */
  cpu: number
}

export interface BrowserProcess extends ProcStat {
  kind: ProcessKind
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
    return { pid, ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS }
  } catch {
    return null
  }
}

function commandLine(pid: number): string {
  try {
    // Chromium may rewrite cmdline with spaces instead of NULs (LAB.md pitfall 8): substring tests cover both.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
  } catch {
    return ''
  }
}

/** What a Chromium process does, from its command line. */
export function classify(cmdline: string): ProcessKind {
  const type = /--type=([\w-]+)/.exec(cmdline)?.[1]
  if (type === undefined) return cmdline.includes('--user-data-dir=') ? 'browser' : 'other'
  if (type === 'zygote') return 'other'
  if (type === 'renderer') return 'renderer'
  if (type === 'gpu-process') return 'gpu'
  if (type === 'utility' && cmdline.includes('network.mojom.NetworkService')) return 'network'
  if (type === 'utility' && cmdline.includes('storage.mojom.StorageService')) return 'storage'
  return 'other'
}

/** Every process of the browser started with `--user-data-dir=<profileDir>`, with its kind and CPU time. */
export function browserProcesses(profileDir: string): BrowserProcess[] {
  const stats: ProcStat[] = []
  const roots = new Set<number>()
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid)) continue
    const stat = readStat(pid)
    if (!stat) continue
    stats.push(stat)
    if (commandLine(pid).includes(`--user-data-dir=${profileDir}`)) roots.add(pid)
  }
  const mine = new Set(roots)
  let grew = true
  while (grew) {
    grew = false
    for (const s of stats) {
      if (!mine.has(s.pid) && mine.has(s.ppid)) {
        mine.add(s.pid)
        grew = true
      }
    }
  }
  return stats.filter((s) => mine.has(s.pid)).map((s) => ({ ...s, kind: classify(commandLine(s.pid)) }))
}

/** CPU seconds by process, taken at one moment; `since` gives what each process used in between. */
export class CpuSnapshot {
  private constructor(readonly byPid: ReadonlyMap<number, BrowserProcess>) {}

  static take(profileDir: string): CpuSnapshot {
    return new CpuSnapshot(new Map(browserProcesses(profileDir).map((p) => [p.pid, p])))
  }

  get total(): number {
    let sum = 0
    for (const p of this.byPid.values()) sum += p.cpu
    return sum
  }

  /**
   * CPU seconds used since `earlier`, by role: a renderer named in `pages` (pid → role, e.g. "seeder")
   * gets that role, other processes their kind. A process that exited in between is not counted.
   */
  since(earlier: CpuSnapshot, pages: ReadonlyMap<number, string> = new Map()): Map<string, number> {
    const out = new Map<string, number>()
    for (const [pid, now] of this.byPid) {
      const used = now.cpu - (earlier.byPid.get(pid)?.cpu ?? 0)
      if (used <= 0) continue
      const role = pages.get(pid) ?? (now.kind === 'renderer' ? 'other renderers' : now.kind)
      out.set(role, (out.get(role) ?? 0) + used)
    }
    return out
  }
}
