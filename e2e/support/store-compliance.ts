// The chunk-store compliance suite (src/test-support/chunk-store-compliance.ts, which the memory store
// runs in Vitest) against a browser store (IndexedDB, OPFS) in real Chromium, with a disk-backed profile as
// users have (a plain browser context keeps storage in memory: LAB.md pitfall 4). One Playwright test per case.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from '@playwright/test'
import { chunkStoreCompliance } from '../../src/test-support/chunk-store-compliance.ts'
import { CHROMIUM_FLAGS, CHROMIUM_PATH, forwardPageErrors } from './browser.ts'
import { expect, test } from './tracker.ts'

type ComplianceModule = typeof import('../../src/test-support/chunk-store-compliance.ts')
type StoreModule = Record<string, { open(opts: import('../../src/storage/chunk-store.ts').ChunkStoreOptions): Promise<import('../../src/storage/chunk-store.ts').ChunkStore> }>

/** Served by Vite as plain text: a document of the app's origin in which no app code runs. */
export const BLANK_PATH = '/@vite/env'
const OPTIONS = { persistent: true }
const COMPLIANCE_MODULE = '/test-support/chunk-store-compliance.ts'

// The case names, read by registering the suite in Node without running it.
const CASES: string[] = []
chunkStoreCompliance(
  () => {
    throw new Error('the compliance cases run in the page')
  },
  { test: (name) => CASES.push(name), expectEqual: () => undefined },
  OPTIONS,
)

/** Launches Chromium with a fresh disk-backed profile; close it with the returned function. */
export async function diskBackedChromium(baseURL: string): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'swarmstream-store-profile-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    ignoreDefaultArgs: true,
    args: ['--remote-debugging-pipe', `--user-data-dir=${profile}`, ...CHROMIUM_FLAGS],
    headless: true,
    baseURL,
  })
  return {
    context,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/**
 * Every case of the suite against `exportName` of `module` (a path under src/ as the dev server serves it,
 * e.g. '/storage/idb-chunk-store.ts'; the export has a static `open(opts)`).
 */
export function describeStoreCompliance(label: string, module: string, exportName: string): void {
  test.describe(`${label} chunk store compliance in Chromium (disk-backed profile)`, () => {
    let browser: { context: BrowserContext; close(): Promise<void> }
    let page: Page

    test.beforeAll(async ({ baseURL }) => {
      browser = await diskBackedChromium(baseURL!)
      page = await browser.context.newPage()
      forwardPageErrors(page, `${label} compliance`)
      await page.goto(BLANK_PATH)
    })

    test.afterAll(async () => {
      await browser?.close()
    })

    test('every case of the suite is here', () => {
      expect(CASES.length).toBeGreaterThanOrEqual(15)
      expect(CASES, 'the persistence cases run too').toContain('data survives close and reopen')
    })

    for (const name of CASES) {
      test(name, async () => {
        const outcome = await page.evaluate(
          async ({ name, options, modules, exportName }) => {
            const [{ chunkStoreCompliance }, stores] = (await Promise.all([
              import(/* @vite-ignore */ modules.compliance),
              import(/* @vite-ignore */ modules.store),
            ])) as [ComplianceModule, StoreModule]
            const Store = stores[exportName]!
            let run: (() => Promise<void>) | null = null
            let checks = 0
            chunkStoreCompliance(
              (opts) => Store.open(opts),
              {
                test: (caseName, fn) => {
                  if (caseName === name) run = fn
                },
                expectEqual: (actual, expected, msg) => {
                  checks++
                  const [a, b] = [JSON.stringify(actual), JSON.stringify(expected)]
                  if (a !== b) throw new Error(`${msg ?? 'values differ'}: expected ${b}, got ${a}`)
                },
              },
              options,
            )
            if (!run) return { error: `no case named "${name}" in the page`, checks }
            try {
              await (run as () => Promise<void>)()
              return { error: null, checks }
            } catch (err) {
              return { error: String((err as Error).stack ?? err), checks }
            }
          },
          { name, options: OPTIONS, modules: { compliance: COMPLIANCE_MODULE, store: module }, exportName },
        )
        expect(outcome.error).toBeNull()
        expect(outcome.checks, 'the case checked something').toBeGreaterThan(0)
      })
    }
  })
}
