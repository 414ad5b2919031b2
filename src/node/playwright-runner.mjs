// Runs `playwright test -c <config>`. As root with `unshare` and `ip` available, it runs inside a
// fresh network namespace where only loopback exists, so no test can reach (or depend on) the
// outside world; otherwise it runs directly. Used by the e2e suite and by the benchmarks.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

function onPath(cmd) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)))
}

/** null when a loopback-only namespace can be made, else why not. */
export function isolationUnavailable() {
  if (process.env.SWARMSTREAM_E2E_NO_NETNS) return 'disabled by SWARMSTREAM_E2E_NO_NETNS'
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not running as root'
  if (!onPath('unshare')) return '`unshare` not found'
  if (!onPath('ip')) return '`ip` not found'
  if (spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' }).status !== 0) return '`unshare -n` is not permitted here'
  return null
}

/**
 * Starts Playwright and exits with its status. `onMode` hears which mode was chosen (and may
 * return extra environment variables for the run).
 */
export function runPlaywright({ config, args = [], label, onMode = () => ({}) }) {
  const playwrightArgs = ['playwright', 'test', '-c', config, ...args]
  const reason = isolationUnavailable()
  const mode = reason === null ? 'isolated (fresh loopback-only network namespace via `unshare -n`)' : `direct (no network namespace: ${reason})`
  console.log(`[${label}] mode: ${mode}`)
  const env = { ...process.env, ...onMode(mode) }
  const [command, commandArgs] =
    reason === null
      ? ['unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec npx "$@"', 'sh', ...playwrightArgs]]
      : ['npx', playwrightArgs]
  // Own process group, so a signal reaches Playwright itself (npx does not forward it) and Playwright
  // can stop its web server and browsers instead of leaving them orphaned.
  const child = spawn(command, commandArgs, { cwd: repoRoot, stdio: 'inherit', detached: true, env })
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
    console.error(`[${label}] could not start ${command}: ${err.message}`)
    process.exit(127)
  })
  child.on('exit', (code, signal) => {
    if (signal) console.error(`[${label}] playwright was killed by ${signal}`)
    process.exit(signal ? 1 : (code ?? 1))
  })
}
