// The least a helper needs of a page in either browser: run a script, choose files. Playwright's Page
// fits it as is; a Firefox page (puppeteer-core) through firefoxDriver() in firefox-app.ts.
import { expect } from '@playwright/test'
import type { WaitOptions } from './app.ts'

export interface PageDriver {
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>
  evaluate<R>(fn: () => R | Promise<R>): Promise<R>
  setInputFiles(selector: string, files: string[]): Promise<void>
}

/**
 * Polls `probe(arg)` in the page every 100 ms for an expect matcher (e.g. `.toBe(true)`), as
 * Playwright's `expect(locator)` matchers do for Chromium pages.
 */
export function pollPage<A, R>(page: PageDriver, what: string, probe: (arg: A) => R, arg: A, opts: WaitOptions = {}) {
  return expect.poll(() => page.evaluate(probe, arg), { message: what, timeout: opts.timeout ?? 30_000, intervals: [100] })
}
