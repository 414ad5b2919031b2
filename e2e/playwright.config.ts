// End-to-end tests: Debian Chromium (launched by e2e/support/browser.ts, never Playwright's bundled
// browsers) against the Vite dev server. Run with `npm run test:e2e` (src/node/run-e2e.mjs).
import { join } from 'node:path'
import { defineConfig } from '@playwright/test'

const port = Number(process.env['SWARMSTREAM_E2E_PORT'] ?? 5199)
const baseURL = `http://127.0.0.1:${port}`

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: 'artifacts/test-results',
  // Transfers are CPU-bound on 2 cores and every test opens several contexts: one test at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env['CI'],
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL,
    acceptDownloads: true,
    actionTimeout: 30_000,
    navigationTimeout: 30_000,
  },
  // Specs under firefox/ also drive Debian's Firefox ESR (puppeteer-core over WebDriver BiDi).
  projects: [
    { name: 'chromium', testIgnore: join(import.meta.dirname, 'firefox', '**') },
    { name: 'firefox', testDir: 'firefox' },
  ],
  webServer: {
    command: `npx vite --host 127.0.0.1 --port ${port} --strictPort`,
    cwd: '..',
    // Always served by Vite in dev, whether or not the app's index.html exists yet.
    url: `${baseURL}/@vite/client`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    // The dev server's own tracker is not used by the tests (each worker starts one); any free port.
    env: { SWARMSTREAM_TRACKER_PORT: '0', SWARMSTREAM_E2E: '1' },
  },
})
