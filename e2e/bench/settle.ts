// Waits, before a scenario or a timed run of several pages, until the machine is quiet again, so that what
// an earlier scenario left behind (dirty pages of gigabytes written to the profile, pages and stores being
// torn down) does not land in the next figure.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** Idle share of all cores over one sample that counts as quiet (2 cores: under ~0.3 of a core busy). */
export const QUIET_IDLE = 0.85
const SAMPLE_MS = 500
/** Never wait longer: a machine busy with someone else's work stays busy, and the run notes say so. */
export const SETTLE_MAX_MS = 30_000

function cpuTimes(): { idle: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal: idle and iowait are idle time.
  const idle = fields[3]! + (fields[4] ?? 0)
  return { idle, total: fields.slice(0, 8).reduce((a, b) => a + b, 0) }
}

export interface Settled {
  waitedMs: number
  /** Idle share of the last sample. */
  idle: number
}

/** Flushes dirty pages, then samples the CPU until one sample is quiet or SETTLE_MAX_MS passed. */
export async function settle(): Promise<Settled> {
  const t0 = performance.now()
  try {
    execFileSync('sync')
  } catch {
    // No sync (not Linux): sampling alone.
  }
  let idle = 0
  for (;;) {
    const a = cpuTimes()
    await new Promise((r) => setTimeout(r, SAMPLE_MS))
    const b = cpuTimes()
    idle = b.total > a.total ? (b.idle - a.idle) / (b.total - a.total) : 1
    const waitedMs = performance.now() - t0
    if (idle >= QUIET_IDLE || waitedMs >= SETTLE_MAX_MS) return { waitedMs, idle }
  }
}
