import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { localTracker } from './src/node/local-tracker.ts'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// The web app lives in src/ (src/index.html); `--mode lib` builds the self-contained library module.
export default defineConfig(({ mode }) => ({
  root: here('./src'),
  publicDir: here('./public'),
  define: { 'process.browser': 'true', 'process.env.NODE_DEBUG': 'false', global: 'globalThis' },
  plugins: [localTracker()],
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  build:
    mode === 'lib'
      ? {
          outDir: here('./dist'),
          emptyOutDir: false,
          lib: { entry: { swarmstream: here('./src/index.ts') }, formats: ['es' as const] },
        }
      : { outDir: here('./dist/app'), emptyOutDir: true },
  test: {
    root: here('.'),
    include: ['src/**/*.test.ts'],
    environment: 'node',
    alias: { 'webrtc-polyfill': here('./src/test-support/webrtc-stub.ts') },
    server: { deps: { inline: ['bittorrent-tracker', '@thaunknown/simple-peer'] } },
  },
}))
