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
  sw: ['util'],
  ui: ['util'],
}
const folders = [...Object.keys(allowed), 'node', 'test-support']

function zonesFor(extra) {
  const zones = Object.entries(allowed).map(([target, ok]) => ({
    target: `./src/${target}`,
    from: folders.filter((f) => f !== target && !ok.includes(f) && !extra.includes(f)).map((f) => `./src/${f}`),
    message: `src/${target} may import only: ${ok.join(', ') || 'nothing in src'}.`,
  }))
  // The library entry points are faces too: they must not pull in Node tooling or test code.
  zones.push({ target: './src/*.ts', from: ['./src/node', './src/test-support'], message: 'Entry points never import Node tooling or test support.' })
  return zones
}
// Tests may also use the in-memory test support (and anything their own folder may use).
const testFiles = ['src/**/*.test.ts', 'src/**/test-helpers.ts']

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
      'import/no-restricted-paths': ['error', { zones: zonesFor([]) }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: testFiles,
    // Tests exercise a layer together with the layers it serves (e.g. a client-level liar peer test).
    rules: { 'import/no-restricted-paths': ['error', { zones: zonesFor(folders.filter((f) => f !== 'node')) }] },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/node/**', 'src/test-support/**', ...testFiles],
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
