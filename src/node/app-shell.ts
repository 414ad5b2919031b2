// Build-time half of the offline app: tells the service worker which files make up this build.
// It prepends `self.__SWARMSTREAM_SHELL__ = { version, files }` to the worker chunk (src/sw/sw.ts
// reads it), so every build with different files or contents is a new worker that caches anew.
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import type { Plugin } from 'vite'

export interface AppShellOptions {
  /** File name of the worker chunk in the bundle. */
  worker: string
  /** Vite's public folder (copied into the build as is). */
  publicDir: string
  /** Public files the app never loads (e.g. the README screenshot). */
  skip?: RegExp
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
}

export function appShell({ worker, publicDir, skip }: AppShellOptions): Plugin {
  return {
    name: 'swarmstream:app-shell',
    apply: 'build',
    async generateBundle(_options, bundle) {
      const sw = bundle[worker]
      if (!sw || sw.type !== 'chunk') return
      const hash = createHash('sha256')
      const built = Object.keys(bundle)
        .filter((name) => name !== worker && !name.endsWith('.map'))
        .sort()
      for (const name of built) {
        const out = bundle[name]!
        hash.update(name).update(out.type === 'chunk' ? out.code : out.source)
      }
      const copied = (await listFiles(publicDir)).filter((name) => !skip?.test(name)).sort()
      for (const name of copied) hash.update(name).update(await readFile(join(publicDir, name)))
      const files = ['/', ...built.filter((name) => name !== 'index.html'), ...copied].map((name) => (name === '/' ? name : `/${name}`))
      const shell = { version: hash.digest('hex').slice(0, 16), files }
      sw.code = `self.__SWARMSTREAM_SHELL__ = ${JSON.stringify(shell)};\n${sw.code}`
    },
  }
}
