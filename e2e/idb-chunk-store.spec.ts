// The chunk-store compliance suite (src/test-support/chunk-store-compliance.ts, which the memory store
// runs in Vitest) against the IndexedDB store in real Chromium, with a disk-backed profile as users have
// (a plain browser context keeps IndexedDB in memory: LAB.md pitfall 4). One Playwright test per case.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from '@playwright/test'
import { chunkStoreCompliance } from '../src/test-support/chunk-store-compliance.ts'
import { CHROMIUM_FLAGS, CHROMIUM_PATH, forwardPageErrors } from './support/browser.ts'
import { expect, test } from './support/tracker.ts'

type ComplianceModule = typeof import('../src/test-support/chunk-store-compliance.ts')
type IdbModule = typeof import('../src/storage/idb-chunk-store.ts')

/** Served by Vite as plain text: a document of the app's origin in which no app code runs. */
const BLANK_PATH = '/@vite/env'
const OPTIONS = { persistent: true }
/** The same modules, as the page imports them from the dev server (its root is src/). */
const MODULES = { compliance: '/test-support/chunk-store-compliance.ts', idb: '/storage/idb-chunk-store.ts' }

// The case names, read by registering the suite in Node without running it.
const CASES: string[] = []
chunkStoreCompliance(
  () => {
    throw new Error('the compliance cases run in the page')
  },
  { test: (name) => CASES.push(name), expectEqual: () => undefined },
  OPTIONS,
)

test.describe('IndexedDB chunk store compliance in Chromium (disk-backed profile)', () => {
  let context: BrowserContext
  let page: Page
  let profile: string

  test.beforeAll(async ({ baseURL }) => {
    profile = mkdtempSync(join(tmpdir(), 'swarmstream-idb-profile-'))
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      ignoreDefaultArgs: true,
      args: ['--remote-debugging-pipe', `--user-data-dir=${profile}`, ...CHROMIUM_FLAGS],
      headless: true,
      baseURL: baseURL!,
    })
    page = await context.newPage()
    forwardPageErrors(page, 'idb compliance')
    await page.goto(BLANK_PATH)
  })

  test.afterAll(async () => {
    await context?.close()
    if (profile) rmSync(profile, { recursive: true, force: true })
  })

  test('every case of the suite is here', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15)
    expect(CASES, 'the persistence cases run too').toContain('data survives close and reopen')
  })

  for (const name of CASES) {
    test(name, async () => {
      const outcome = await page.evaluate(
        async ({ name, options, modules }) => {
          const [{ chunkStoreCompliance }, { IdbChunkStore }] = (await Promise.all([
            import(/* @vite-ignore */ modules.compliance),
            import(/* @vite-ignore */ modules.idb),
          ])) as [ComplianceModule, IdbModule]
          let run: (() => Promise<void>) | null = null
          let checks = 0
          chunkStoreCompliance(
            (opts) => IdbChunkStore.open(opts),
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
        { name, options: OPTIONS, modules: MODULES },
      )
      expect(outcome.error).toBeNull()
      expect(outcome.checks, 'the case checked something').toBeGreaterThan(0)
    })
  }
})
