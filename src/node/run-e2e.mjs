#!/usr/bin/env node
// Runs the Playwright end-to-end suite (inside a loopback-only network namespace when possible).
// Extra arguments go to `playwright test`.
import { runPlaywright } from './playwright-runner.mjs'

runPlaywright({ config: 'e2e/playwright.config.ts', args: process.argv.slice(2), label: 'run-e2e' })
