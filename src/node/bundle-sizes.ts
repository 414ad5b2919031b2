// Builds (into a temp dir) and measures what a page loads from the library, the <torrent-video> module
// and the app. Module graphs come from Vite's manifest; gzip is level 9, as Vite reports it.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { parseSync } from 'vite'

export const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..')

export interface Size {
  files: string[]
  raw: number
  gzip: number
}

/** What a page loads, step by step: each step counts only the files earlier steps have not loaded. */
export interface LibrarySizes {
  /** `import … from 'swarmstream.js'` (parsing, magnets, torrent creation work from here). */
  core: Size
  /** Added when a Client starts its first tracker (bittorrent-tracker, simple-peer, WebSocket). */
  tracker: Size
  /** Added when something first plays (our probing, MP4 remuxer, WebM player and MediaSource appenders). */
  media: Size
  /** Added (to a Client's) when a torrent with HTTP web seeds gets its metadata (Range requests, whole-file reads). */
  webSeeds: Size
  /** Added (to a Client's) when a BitTorrent v2 or hybrid torrent starts (hash store, hash exchange, per-block verification). */
  v2: Size
  /** Added when a torrent first keeps its pieces in the origin private file system (the OPFS store and its worker). */
  opfs: Size
  create: Size
}

export interface AppSizes {
  /** The page's own module and its static imports. */
  initial: Size
  /** Everything else the app may load later (tracker, players). */
  lazy: Size
}

type BuildMode = 'lib' | 'element' | 'app'

/** `vite build` of one mode into `outDir` (emptied), with a manifest. Throws with Vite's output on failure. */
export function viteBuild(mode: BuildMode, outDir: string): void {
  const args = [join(REPO, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--manifest', '--logLevel', 'error']
  if (mode !== 'app') args.push('--mode', mode)
  const run = spawnSync(process.execPath, args, { cwd: REPO, encoding: 'utf8', timeout: 300_000 })
  if (run.status !== 0) throw new Error(`vite build (${mode}) failed: ${run.error?.message ?? ''}\n${run.stdout}\n${run.stderr}`)
}

interface ManifestChunk {
  file: string
  name?: string
  isEntry?: boolean
  imports?: string[]
  dynamicImports?: string[]
}
type Manifest = Record<string, ManifestChunk>

function readManifest(outDir: string): Manifest {
  return JSON.parse(readFileSync(join(outDir, '.vite/manifest.json'), 'utf8')) as Manifest
}

/** The files a chunk loads by static import (itself included). */
function staticClosure(manifest: Manifest, key: string): Set<string> {
  const seen = new Set<string>()
  const visit = (k: string) => {
    if (seen.has(k)) return
    seen.add(k)
    for (const next of manifest[k]?.imports ?? []) visit(next)
  }
  visit(key)
  return new Set([...seen].map((k) => manifest[k]!.file))
}

function measure(outDir: string, files: Iterable<string>): Size {
  const list = [...files].filter((f) => f.endsWith('.js')).sort()
  let raw = 0
  let gzip = 0
  for (const file of list) {
    const bytes = readFileSync(join(outDir, file))
    raw += bytes.length
    gzip += gzipSync(bytes, { level: 9 }).length
  }
  return { files: list, raw, gzip }
}

function minus(files: Set<string>, ...loaded: Set<string>[]): Set<string> {
  return new Set([...files].filter((f) => !loaded.some((l) => l.has(f))))
}

function chunkKey(manifest: Manifest, test: (chunk: ManifestChunk) => boolean, what: string): string {
  const key = Object.keys(manifest).find((k) => test(manifest[k]!))
  if (!key) throw new Error(`The build has no ${what} (manifest: ${Object.keys(manifest).join(', ')}).`)
  return key
}

export function librarySizes(outDir: string): LibrarySizes {
  const manifest = readManifest(outDir)
  const closureOf = (name: string) => staticClosure(manifest, chunkKey(manifest, (c) => c.name === name && !c.isEntry, `${name} chunk`))
  const core = staticClosure(manifest, chunkKey(manifest, (c) => !!c.isEntry, 'entry'))
  const tracker = minus(closureOf('tracker'), core)
  const media = minus(closureOf('media'), core, tracker)
  const webSeeds = minus(closureOf('webseed'), core, tracker)
  const v2 = minus(closureOf('v2'), core, tracker)
  const opfs = minus(closureOf('opfs'), core, tracker)
  const create = minus(closureOf('create'), core) // a page that only creates torrents loads no tracker
  return {
    core: measure(outDir, core),
    tracker: measure(outDir, tracker),
    media: measure(outDir, media),
    webSeeds: measure(outDir, webSeeds),
    v2: measure(outDir, v2),
    opfs: measure(outDir, opfs),
    create: measure(outDir, create),
  }
}

export function elementSize(outDir: string): Size {
  return measure(outDir, ['torrent-video.js'])
}

export function appSizes(outDir: string): AppSizes {
  const manifest = readManifest(outDir)
  const initial = staticClosure(manifest, chunkKey(manifest, (c) => !!c.isEntry && c.file.endsWith('.js') && c.name === 'index', 'app entry'))
  const everything = new Set(Object.values(manifest).filter((c) => !c.isEntry || c.name !== 'sw').map((c) => c.file))
  return { initial: measure(outDir, initial), lazy: measure(outDir, minus(everything, initial)) }
}

/** Every module specifier in `code`: static imports, re-exports and `import()` (a computed one as '<computed>'). */
export function moduleSpecifiers(fileName: string, code: string): { specifier: string; dynamic: boolean }[] {
  const found: { specifier: string; dynamic: boolean }[] = []
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit)
    if (typeof node !== 'object' || node === null) return
    const n = node as { type?: string; source?: unknown }
    if (n.type && IMPORTING.has(n.type) && n.source) found.push({ specifier: constantString(n.source) ?? '<computed>', dynamic: n.type === 'ImportExpression' })
    for (const value of Object.values(node)) visit(value)
  }
  const result = parseSync(fileName, code, { sourceType: 'module' })
  if (result.errors.length > 0) throw new Error(`${fileName} does not parse: ${result.errors[0]!.message}`)
  visit(result.program)
  return found
}

const IMPORTING = new Set(['ImportDeclaration', 'ExportAllDeclaration', 'ExportNamedDeclaration', 'ImportExpression'])

/** A string literal, or a template literal without expressions (minifiers write those). */
function constantString(node: unknown): string | null {
  const n = node as { type?: string; value?: unknown; expressions?: unknown[]; quasis?: { value: { cooked?: string | null } }[] }
  if (n.type === 'Literal' && typeof n.value === 'string') return n.value
  if (n.type === 'TemplateLiteral' && n.expressions?.length === 0) return n.quasis?.[0]?.value.cooked ?? null
  return null
}
