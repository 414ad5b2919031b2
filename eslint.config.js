// Lint: TypeScript rules plus the architecture rule. Each src/ folder may import only the folders
// listed for it, so dependencies point inward: pure core → I/O adapters → session → client → faces.
import importPlugin from 'eslint-plugin-import'
import tseslint from 'typescript-eslint'

const allowed = {
  util: [],
  bencode: ['util'],
  merkle: ['util'],
  metainfo: ['util', 'bencode', 'merkle'],
  wire: ['util', 'bencode'],
  picker: ['util'],
  choker: ['util'],
  storage: ['util'],
  transport: ['util'],
  webseed: ['util'],
  tracker: ['util', 'transport'],
  peer: ['util', 'wire', 'transport'],
  torrent: ['util', 'bencode', 'merkle', 'metainfo', 'wire', 'picker', 'choker', 'storage', 'transport', 'tracker', 'peer', 'webseed'],
  media: ['util', 'torrent'],
  client: ['util', 'metainfo', 'storage', 'tracker', 'torrent', 'transport', 'media'],
  elements: ['util', 'client', 'media', 'torrent'],
  demo: ['elements'],
  serve: ['util', 'torrent', 'client'],
  sw: [],
  ui: ['util'],
  // Node tooling (the tracker, the e2e runner) uses nothing of the browser code.
  node: [],
  // The swarm simulator (Node tooling): runs the real session on test support; nothing imports it.
  sim: ['util', 'bencode', 'merkle', 'metainfo', 'wire', 'picker', 'choker', 'storage', 'transport', 'tracker', 'peer', 'webseed', 'torrent', 'media', 'test-support'],
}
// The entry points in src/ are faces too: the library (index.ts) and the app (main.ts).
const entries = {
  'index.ts': ['util', 'metainfo', 'torrent', 'client'],
  'main.ts': ['util', 'client', 'media', 'serve', 'ui'],
}
const folders = [...Object.keys(allowed), 'test-support']
const entryFiles = Object.keys(entries).map((f) => `./src/${f}`)

/** Everything a layer builds on, directly or through the layers it uses. */
function below(folder) {
  const seen = new Set()
  const visit = (f) => (allowed[f] ?? []).forEach((dep) => !seen.has(dep) && (seen.add(dep), visit(dep)))
  visit(folder)
  return [...seen]
}
// Test support builds real lower layers for tests (in-memory channels, clients, an attacker peer, the
// chunk-store compliance suite): anything below the faces.
allowed['test-support'] = below('client').concat('client')

/**
 * One zone per folder and per entry point. `okFor(folder)` lists what that folder's files may import;
 * nothing in a folder may import an entry point.
 */
function zones(okFor) {
  const list = folders.map((target) => {
    const ok = okFor(target)
    return {
      target: `./src/${target}`,
      from: [...folders.filter((f) => f !== target && !ok.includes(f)).map((f) => `./src/${f}`), ...entryFiles],
      message: `src/${target} may import only: ${ok.join(', ') || 'nothing in src'}.`,
    }
  })
  for (const [file, ok] of Object.entries(entries)) {
    list.push({
      target: `./src/${file}`,
      from: folders.filter((f) => !ok.includes(f)).map((f) => `./src/${f}`),
      message: `src/${file} may import only: ${ok.join(', ')}.`,
    })
  }
  return list
}
const testFiles = ['src/**/*.test.ts', 'src/**/test-helpers.ts']
// A test may use what its folder may use, plus test support. Two kinds of test reach further, never into
// a face: the client's tests are integration tests of the whole stack under it (every layer below the
// client), and the Node tooling's tests check the built library against the source (what test support may).
const testZones = zones((f) => {
  if (f === 'client') return [...below('client'), 'test-support']
  if (f === 'node') return [...allowed['test-support'], 'test-support']
  return [...allowed[f], 'test-support']
})

const noBuffer = { name: 'Buffer', message: 'Use Uint8Array: our code never uses Node Buffer.' }
// Session code takes time from the Clock in its deps (src/util/clock.ts), so tests and the swarm
// simulator can run it in virtual time.
const clockMessage = 'Session code reads time and starts timers through the injected Clock (deps.clock).'
const timerGlobals = ['performance', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval']
const clockZone = {
  'no-restricted-globals': ['error', noBuffer, ...timerGlobals.map((name) => ({ name, message: clockMessage }))],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: clockMessage },
    ...['globalThis', 'window', 'self'].flatMap((object) => timerGlobals.map((property) => ({ object, property, message: clockMessage }))),
  ],
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'e2e/artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'e2e/**/*.ts'],
    plugins: { import: importPlugin },
    settings: { 'import/resolver': { node: { extensions: ['.ts', '.js', '.mjs'] } } },
    rules: {
      'import/no-restricted-paths': ['error', { zones: zones((f) => allowed[f]) }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: testFiles,
    rules: { 'import/no-restricted-paths': ['error', { zones: testZones }] },
  },
  {
    // The service worker loads as a classic script: no import statement at all (types: `import('…').T`).
    files: ['src/sw/**/*.ts'],
    ignores: testFiles,
    rules: {
      'no-restricted-syntax': ['error', { selector: 'ImportDeclaration', message: "src/sw loads as a classic script: refer to types as import('…').Type, import nothing." }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/node/**', 'src/test-support/**', 'src/sim/**', ...testFiles],
    rules: {
      'no-restricted-globals': ['error', noBuffer],
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'Browser code cannot import Node built-ins.' }] }],
    },
  },
  {
    files: ['src/torrent/**/*.ts', 'src/peer/**/*.ts', 'src/choker/**/*.ts'],
    ignores: testFiles,
    rules: clockZone,
  },
)
