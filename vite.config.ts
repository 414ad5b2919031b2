import { fileURLToPath } from 'node:url'
import { readFile } from 'node:fs/promises'
import { defineConfig, transformWithOxc, type Plugin } from 'vite'
import { seamGroups } from './src/node/library-chunks.ts'
import { localTracker } from './src/node/local-tracker.ts'
import { appShell } from './src/node/app-shell.ts'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// Dependencies swapped for small equivalents in every build, without changing what the code does: the `debug`
// logging of bittorrent-tracker, simple-peer and simple-websocket is compiled out (a no-op logger,
// as an ES module or CommonJS like its importer), and streamx's text decoder, reached only through
// `setEncoding` (which neither simple-peer nor simple-websocket calls), is the platform's TextDecoder instead
// of one that brings its own Buffer helpers (b4a).
const NOOP_DEBUG = 'function noop() {}\nnoop.enabled = false\nnoop.extend = () => noop\nfunction debug() { return noop }\n'
const node = (packages: string) => new RegExp(`[\\\\/]node_modules[\\\\/](${packages})[\\\\/]`)
const SHIMS: { source: string; importer: RegExp; code: string }[] = [
  { source: 'debug', importer: node('bittorrent-tracker|@thaunknown/simple-(peer|websocket)'), code: `${NOOP_DEBUG}export default debug` },
  {
    source: 'text-decoder',
    importer: node('streamx'),
    code: `module.exports = class TextDecoder {
  constructor(encoding = 'utf8') {
    if (!/^utf-?8$/i.test(encoding)) throw new Error('Unsupported encoding: ' + encoding)
    this.encoding = 'utf8'
    this.decoder = new globalThis.TextDecoder()
  }
  get remaining() { return 0 }
  push(data) { return typeof data === 'string' ? data : this.decoder.decode(data, { stream: true }) }
  write(data) { return this.push(data) }
  end(data) { return (data ? this.push(data) : '') + this.decoder.decode() }
}`,
  },
]
const SHIM_PREFIX = '\0swarmstream-shim:'
function dependencyShims(): Plugin {
  return {
    name: 'swarmstream:dependency-shims',
    enforce: 'pre',
    resolveId(source, importer) {
      const index = SHIMS.findIndex((shim) => shim.source === source && importer !== undefined && shim.importer.test(importer))
      return index < 0 ? null : `${SHIM_PREFIX}${index}:${source}`
    },
    load(id) {
      return id.startsWith(SHIM_PREFIX) ? SHIMS[Number.parseInt(id.slice(SHIM_PREFIX.length), 10)]?.code : null
    },
  }
}

// The file server worker (src/sw/sw.ts, one self-contained file) must be served at /sw.js so that
// its scope can be /. In dev it is transpiled on request; the app build emits it as its own entry.
const SW_SOURCE = here('./src/sw/sw.ts')
function serviceWorker(): Plugin {
  return {
    name: 'swarmstream:service-worker',
    configureServer(server) {
      server.middlewares.use('/sw.js', (req, res, next) => {
        if (req.url !== '/' && !req.url?.startsWith('/?')) return next()
        readFile(SW_SOURCE, 'utf8')
          .then((source) => transformWithOxc(source, SW_SOURCE, { lang: 'ts' }))
          .then((result) => {
            res.setHeader('Content-Type', 'text/javascript; charset=utf-8')
            res.setHeader('Cache-Control', 'no-cache')
            res.end(result.code)
          }, next)
      })
    },
  }
}

// The library's lazily loaded siblings: WebRTC/WebSocket code loads with a Client's first tracker,
// the players when something plays, the HTTP web seed code with the first torrent that has web seeds,
// the OPFS store with the first torrent that stores pieces there, torrent creation with the first seed.
// Listed first wins what both share: a page that plays has a Client.
const LIBRARY_SEAMS = [
  { name: 'tracker', root: /[\\/]src[\\/]tracker[\\/]tracker-module\.ts$/ },
  { name: 'media', root: /[\\/]src[\\/]media[\\/]index\.ts$/ },
  { name: 'webseed', root: /[\\/]src[\\/]torrent[\\/]web-seed-worker\.ts$/ },
  { name: 'v2', root: /[\\/]src[\\/]torrent[\\/]v2[\\/]v2-session\.ts$/ },
  { name: 'opfs', root: /[\\/]src[\\/]storage[\\/]opfs-chunk-store\.ts$/ },
  { name: 'create', root: /[\\/]src[\\/]client[\\/]create\.ts$/ },
]

// The web app lives in src/ (src/index.html); `--mode lib` builds the minified library (dist/swarmstream.js
// and its siblings), `--mode element` the self-contained <torrent-video> module (dist/torrent-video.js).
export default defineConfig(({ mode }) => ({
  root: here('./src'),
  publicDir: here('./public'),
  define: { 'process.browser': 'true', 'process.env.NODE_DEBUG': 'false', global: 'globalThis' },
  plugins: [
    dependencyShims(),
    localTracker(),
    serviceWorker(),
    // The offline app: the worker learns the build's files (only the app build has a worker chunk).
    appShell({ worker: 'sw.js', publicDir: here('./public'), skip: /^screenshot\.png$/ }),
  ],
  optimizeDeps: {
    rolldownOptions: { plugins: [dependencyShims()] },
  },
  // The e2e suite turns off HMR and file watching: an edit must never reload a page mid-test.
  server: process.env['SWARMSTREAM_E2E']
    ? { host: '127.0.0.1', port: 5173, hmr: false, watch: null }
    : { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  build:
    mode === 'lib'
      ? {
          // The first step of `npm run build`: starts dist/ afresh, so no chunk of an earlier build lingers.
          outDir: here('./dist'),
          emptyOutDir: true,
          copyPublicDir: false,
          lib: { entry: { swarmstream: here('./src/index.ts') }, formats: ['es' as const] },
          rolldownOptions: {
            // The media sibling is one chunk on purpose: its inner lazy imports need not split further.
            onLog(level, log, handler) {
              if (log.code !== 'INEFFECTIVE_DYNAMIC_IMPORT') handler(level, log)
            },
            output: {
              minify: true,
              chunkFileNames: 'swarmstream-[name]-[hash].js',
              codeSplitting: { groups: seamGroups(here('./src/index.ts'), LIBRARY_SEAMS) },
            },
          },
        }
      : mode === 'element'
        ? {
            // `<torrent-video>` as one self-contained ES module: every dependency inlined, no chunks (inlined
            // dynamic imports still run only when reached: the tracker and players stay lazy inside it).
            outDir: here('./dist'),
            emptyOutDir: false,
            copyPublicDir: false,
            lib: { entry: here('./src/elements/torrent-video.ts'), fileName: 'torrent-video', formats: ['es' as const] },
            rolldownOptions: { output: { minify: true, codeSplitting: false } },
          }
        : {
            outDir: here('./dist/app'),
            emptyOutDir: true,
            rolldownOptions: {
              input: { index: here('./src/index.html'), sw: SW_SOURCE },
              output: { entryFileNames: (chunk: { name: string }) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js') },
            },
          },
  test: {
    root: here('.'),
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // Peer-to-peer tests run real timers; a loaded 2-core CI machine can be several times slower.
    testTimeout: 20_000,
    alias: { 'webrtc-polyfill': here('./src/test-support/webrtc-stub.ts') },
    server: { deps: { inline: ['bittorrent-tracker', '@thaunknown/simple-peer'] } },
  },
}))
