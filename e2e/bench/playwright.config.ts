// `npm run bench` (e2e/bench/run.mjs): one long Playwright test against its own Vite dev server.
import { defineConfig } from '@playwright/test'

const port = Number(process.env['SWARMSTREAM_BENCH_PORT'] ?? 5288)

export default defineConfig({
  testDir: '.',
  testMatch: '*.bench.ts',
  outputDir: '../artifacts/bench/test-results',
  workers: 1,
  retries: 0,
  timeout: 0,
  reporter: [['list']],
  use: { baseURL: `http://127.0.0.1:${port}` },
  webServer: {
    command: `npx vite --host 127.0.0.1 --port ${port} --strictPort`,
    cwd: '../..',
    url: `http://127.0.0.1:${port}/@vite/client`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: { SWARMSTREAM_TRACKER_PORT: '0' },
  },
})
