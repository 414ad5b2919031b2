#!/usr/bin/env node
// Runs the Playwright end-to-end suite. As root with `unshare` and `ip` available, it runs inside a
// fresh network namespace where only loopback exists, so no test can reach (or depend on) the
// outside world; otherwise it runs directly. Extra arguments go to `playwright test`.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const playwrightArgs = ['playwright', 'test', '-c', 'e2e/playwright.config.ts', ...process.argv.slice(2)]

function onPath(cmd) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)))
}

function canIsolate() {
  if (process.env.SWARMSTREAM_E2E_NO_NETNS) return 'disabled by SWARMSTREAM_E2E_NO_NETNS'
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not running as root'
  if (!onPath('unshare')) return '`unshare` not found'
  if (!onPath('ip')) return '`ip` not found'
  const probe = spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' })
  if (probe.status !== 0) return '`unshare -n` is not permitted here'
  return null
}

const reason = canIsolate()
let command
let args
if (reason === null) {
  console.log('[run-e2e] mode: isolated (fresh loopback-only network namespace via `unshare -n`)')
  command = 'unshare'
  args = ['-n', 'sh', '-c', 'ip link set lo up && exec npx "$@"', 'sh', ...playwrightArgs]
} else {
  console.log(`[run-e2e] mode: direct (no network namespace: ${reason})`)
  command = 'npx'
  args = playwrightArgs
}

// Own process group, so a signal reaches Playwright itself (npx does not forward it) and Playwright
// can stop its web server and browsers instead of leaving them orphaned.
const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit', detached: true })
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    try {
      process.kill(-child.pid, signal)
    } catch {
      child.kill(signal)
    }
  })
}
child.on('error', (err) => {
  console.error(`[run-e2e] could not start ${command}: ${err.message}`)
  process.exit(127)
})
child.on('exit', (code, signal) => {
  if (signal) {
    console.error(`[run-e2e] playwright was killed by ${signal}`)
    process.exit(1)
  }
  process.exit(code ?? 1)
})
