#!/usr/bin/env node
// `npm run bench -- [--quick] [--runs N] [--size MiB] [--only a,b]`: runs e2e/bench/bench.bench.ts with
// Playwright. As root with `unshare` and `ip`, inside a fresh loopback-only network namespace (like
// src/node/run-e2e.mjs); otherwise directly. Results: stdout and e2e/artifacts/bench/latest.{json,md}.
import { runPlaywright } from '../../src/node/playwright-runner.mjs'

const SCENARIOS = ['limit', 'one-to-one', 'swarm', 'seed', 'heap', 'stream', 'shaped', 'remux']

function parseArgs(argv) {
  const opts = { quick: false, runs: null, sizeMiB: null, only: null }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      const v = argv[++i]
      if (v === undefined) fail(`${arg} needs a value.`)
      return v
    }
    if (arg === '--quick') opts.quick = true
    else if (arg === '--runs') opts.runs = positiveInt(value(), arg)
    else if (arg === '--size') opts.sizeMiB = positiveInt(value(), arg)
    else if (arg === '--only') opts.only = value().split(',').map((s) => s.trim()).filter(Boolean)
    else if (arg === '--help' || arg === '-h') {
      console.log(`usage: npm run bench -- [--quick] [--runs N] [--size MiB] [--only ${SCENARIOS.join(',')}]
  --quick     1 run, --size 32 (a smoke test; figures are not comparable with a full run)
  --runs N    runs per scenario (default 3; stream and shaped: at least 5 unless --quick)
  --size MiB  limit, one-to-one and seed use MiB; swarm MiB/4 per leecher; heap 4×MiB (default 256)
  --only a,b  scenarios to run (one-to-one also runs limit, its reference)`)
      process.exit(0)
    } else fail(`Unknown option ${arg}; try --help.`)
  }
  for (const name of opts.only ?? []) if (!SCENARIOS.includes(name)) fail(`Unknown scenario "${name}"; pick from ${SCENARIOS.join(', ')}.`)
  return opts
}

function positiveInt(text, flag) {
  const n = Number(text)
  if (!Number.isInteger(n) || n <= 0) fail(`${flag} needs a positive integer, got "${text}".`)
  return n
}

function fail(message) {
  console.error(`[bench] ${message}`)
  process.exit(2)
}

const opts = parseArgs(process.argv.slice(2))
runPlaywright({
  config: 'e2e/bench/playwright.config.ts',
  label: 'bench',
  onMode: (netns) => ({ SWARMSTREAM_BENCH: JSON.stringify({ ...opts, netns }) }),
})
