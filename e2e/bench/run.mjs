#!/usr/bin/env node
// `npm run bench -- [--quick] [--runs N] [--size MiB] [--only a,b]`: runs e2e/bench/bench.bench.ts with
// Playwright. As root with `unshare` and `ip`, inside a fresh loopback-only network namespace (like
// src/node/run-e2e.mjs); otherwise directly. Results: stdout and e2e/artifacts/bench/latest.{json,md}.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const SCENARIOS = ['limit', 'one-to-one', 'swarm', 'seed', 'heap', 'stream']

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
  --runs N    runs per scenario (default 3; stream: at least 5 unless --quick)
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

function onPath(cmd) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)))
}

function canIsolate() {
  if (process.env.SWARMSTREAM_E2E_NO_NETNS) return 'disabled by SWARMSTREAM_E2E_NO_NETNS'
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not running as root'
  if (!onPath('unshare')) return '`unshare` not found'
  if (!onPath('ip')) return '`ip` not found'
  if (spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' }).status !== 0) return '`unshare -n` is not permitted here'
  return null
}

const opts = parseArgs(process.argv.slice(2))
const playwrightArgs = ['playwright', 'test', '-c', 'e2e/bench/playwright.config.ts']
const reason = canIsolate()
const netns = reason === null ? 'isolated (loopback-only network namespace)' : `direct (${reason})`
console.log(`[bench] mode: ${netns}`)
const [command, args] =
  reason === null
    ? ['unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec npx "$@"', 'sh', ...playwrightArgs]]
    : ['npx', playwrightArgs]

const env = { ...process.env, SWARMSTREAM_BENCH: JSON.stringify({ ...opts, netns }) }
const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit', detached: true, env })
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    try {
      process.kill(-child.pid, signal)
    } catch {
      child.kill(signal)
    }
  })
}
child.on('error', (err) => fail(`could not start ${command}: ${err.message}`))
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)))
