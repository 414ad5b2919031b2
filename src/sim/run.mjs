#!/usr/bin/env node
// `npm run sim -- <scenario> [options]`: builds the simulator (src/sim/cli.ts and the session code it
// runs, as one Node module, with Vite) into node_modules/.cache, then runs it. Node 20 cannot run the
// TypeScript sources directly; the bundle is plain, unminified code, so profiles (`--cpu-prof`) read well.
import { createHash } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'vite'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
// One build per checkout: worktrees that share node_modules must not run each other's code.
const checkout = createHash('sha1').update(root).digest('hex').slice(0, 8)
const outDir = join(root, 'node_modules/.cache/swarmstream-sim', checkout)
await mkdir(outDir, { recursive: true })
await build({
  root,
  configFile: false,
  publicDir: false,
  logLevel: 'warn',
  build: {
    ssr: join(root, 'src/sim/cli.ts'),
    outDir,
    emptyOutDir: true,
    minify: false,
    target: 'node20',
    rollupOptions: { output: { format: 'es', entryFileNames: 'cli.mjs' } },
  },
})
const { main } = await import(pathToFileURL(join(outDir, 'cli.mjs')).href)
process.exitCode = await main(process.argv.slice(2))
