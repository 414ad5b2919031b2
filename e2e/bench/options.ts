// Options given by e2e/bench/run.mjs through SWARMSTREAM_BENCH (JSON), with the sizes they imply.
export const SCENARIOS = ['limit', 'one-to-one', 'swarm', 'seed', 'heap', 'stream', 'shaped', 'remux'] as const
export type ScenarioName = (typeof SCENARIOS)[number]

export interface BenchOptions {
  quick: boolean
  runs: number
  /** Streaming runs (the brief asks for at least 5 in a full run). */
  streamRuns: number
  /** limit, one-to-one and seed. */
  size: number
  /** Each leecher of the swarm fetches this much. */
  swarmSize: number
  heapSize: number
  only: Set<ScenarioName>
  netns: string
}

const MiB = 2 ** 20

export function loadOptions(): BenchOptions {
  const raw = JSON.parse(process.env['SWARMSTREAM_BENCH'] ?? '{}') as {
    quick?: boolean
    runs?: number | null
    sizeMiB?: number | null
    only?: string[] | null
    netns?: string
  }
  const quick = raw.quick === true
  const runs = raw.runs ?? (quick ? 1 : 3)
  const sizeMiB = raw.sizeMiB ?? (quick ? 32 : 256)
  const only = new Set<ScenarioName>((raw.only ?? SCENARIOS) as ScenarioName[])
  // The one-to-one figures are judged against the raw-channel limit of the same run.
  if (only.has('one-to-one')) only.add('limit')
  return {
    quick,
    runs,
    streamRuns: quick ? (raw.runs ?? 1) : Math.max(5, runs),
    size: sizeMiB * MiB,
    swarmSize: Math.max(1, Math.round(sizeMiB / 4)) * MiB,
    heapSize: sizeMiB * 4 * MiB,
    only,
    netns: raw.netns ?? 'unknown (run through npm run bench)',
  }
}
