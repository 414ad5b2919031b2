// What every scenario gets: the browser, options, a fresh tracker per client, cached test files.
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTracker, type LocalTracker } from '../../src/node/local-tracker.ts'
import { writeTestFile } from '../support/files.ts'
import type { Lab } from './lab.ts'
import type { BenchOptions } from './options.ts'
import type { ClientKind } from './peers.ts'
import type { ExtraTable, Row } from './report.ts'
import type { Breakdown } from './breakdown.ts'

export const MB = 1e6
export const MiB = 2 ** 20
export const CLIENTS: ClientKind[] = ['swarmstream', 'webtorrent']

/** Test files live here between bench runs (a 1 GiB file is written once). */
const FILE_DIR = join(tmpdir(), 'swarmstream-bench-files')

export interface BenchContext {
  lab: Lab
  opts: BenchOptions
  /** Figures of earlier scenarios of this run, by scenario name (e.g. the limit). */
  results: Map<string, Row[]>
  /** Where each transfer's CPU went (by process, by function), by client label, for the side-by-side tables. */
  breakdowns: Map<string, Breakdown>
  /** Tables printed after the figures. */
  tables: ExtraTable[]
  log(message: string): void
}

/** A pseudo-random file of `size` bytes for `name`, reused if it is already on disk. */
export async function testFile(name: string, size: number, seed: number): Promise<string> {
  mkdirSync(FILE_DIR, { recursive: true })
  const rel = `${name}-${size}-${seed}.bin`
  const path = join(FILE_DIR, rel)
  if (existsSync(path) && statSync(path).size === size) return path
  return writeTestFile(FILE_DIR, rel, size, seed)
}

/** Fresh trackers for one block (closed at the end), so that blocks of one run never share a swarm. */
export async function withTrackers<T>(fn: (make: () => Promise<LocalTracker>) => Promise<T>): Promise<T> {
  const trackers: LocalTracker[] = []
  try {
    return await fn(async () => {
      const t = await startTracker({ port: 0 })
      trackers.push(t)
      return t
    })
  } finally {
    for (const t of trackers) await t.close().catch(() => undefined)
  }
}
