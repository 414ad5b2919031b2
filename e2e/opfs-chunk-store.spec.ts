// The OPFS chunk store in real Chromium (disk-backed profile): the whole compliance suite, then what only
// a file with an exclusive lock has: a torrent open in two stores of one page, the same torrent in a second
// tab, and which store 'auto' picks.
import { BLANK_PATH, describeStoreCompliance, diskBackedChromium } from './support/store-compliance.ts'
import { expect, test } from './support/tracker.ts'

describeStoreCompliance('OPFS', '/storage/opfs-chunk-store.ts', 'OpfsChunkStore')

type StorageModule = typeof import('../src/storage/index.ts')
type OpfsModule = typeof import('../src/storage/opfs-chunk-store.ts')

/** src/storage/index.ts and the OPFS store (which it loads on first use) as the dev server serves them. */
const STORAGE = '/storage/index.ts'
const OPFS = '/storage/opfs-chunk-store.ts'
test.describe('OPFS chunk store: locks and the automatic choice', () => {
  test('two stores of one torrent in a page share its files; another tab is refused with STORE_LOCKED and loses nothing', async ({ baseURL }) => {
    const browser = await diskBackedChromium(baseURL!)
    try {
      const [a, b] = [await browser.context.newPage(), await browser.context.newPage()]
      for (const p of [a, b]) await p.goto(BLANK_PATH)
      const opts = { name: 'ab'.repeat(20), chunkLength: 1000, length: 3000 }
      const inA = await a.evaluate(async ({ path, opts }) => {
        const { OpfsChunkStore } = await (import(/* @vite-ignore */ path) as Promise<OpfsModule>)
        const one = await OpfsChunkStore.open(opts)
        const two = await OpfsChunkStore.open(opts)
        await one.put(1, new Uint8Array(1000).fill(7))
        const seen = await two.get(1, 10, 2)
        const w = window as unknown as { held: unknown }
        w.held = two
        await one.close()
        return { seen: [...(seen ?? [])], keys: await two.keys() }
      }, { path: OPFS, opts })
      expect(inA).toEqual({ seen: [7, 7], keys: [1] })
      const inB = await b.evaluate(async ({ path, opts }) => {
        const { createChunkStore } = await (import(/* @vite-ignore */ path) as Promise<StorageModule>)
        try {
          await createChunkStore('auto', opts)
          return 'opened'
        } catch (err) {
          return (err as { code?: string }).code
        }
      }, { path: STORAGE, opts })
      expect(inB, 'the other tab must not open a second copy').toBe('STORE_LOCKED')
      const after = await a.evaluate(async () => {
        const held = (window as unknown as { held: { keys(): Promise<number[]>; destroy(): Promise<void> } }).held
        const keys = await held.keys()
        await held.destroy()
        return keys
      })
      expect(after).toEqual([1])
    } finally {
      await browser.close()
    }
  })

  test('a torrent whose files the page before a reload still holds opens once they are let go, with its pieces', async ({ baseURL }) => {
    const browser = await diskBackedChromium(baseURL!)
    try {
      const [before, after] = [await browser.context.newPage(), await browser.context.newPage()]
      for (const p of [before, after]) await p.goto(BLANK_PATH)
      const opts = { name: 'ef'.repeat(20), chunkLength: 1000, length: 3000 }
      await before.evaluate(async ({ path, opts }) => {
        const { OpfsChunkStore } = await (import(/* @vite-ignore */ path) as Promise<OpfsModule>)
        const store = await OpfsChunkStore.open(opts)
        await store.put(2, new Uint8Array(1000).fill(9))
        ;(window as unknown as { held: unknown }).held = store
      }, { path: OPFS, opts })
      // The new page asks while the old one still holds the files; the old page goes a moment later
      // (as a reloaded page's busy worker does).
      const opening = after.evaluate(async ({ path, opts }) => {
        const { createChunkStore } = await (import(/* @vite-ignore */ path) as Promise<StorageModule>)
        const store = await createChunkStore('auto', opts)
        const keys = await store.keys()
        await store.destroy()
        return { kind: store.constructor.name, keys }
      }, { path: STORAGE, opts })
      await after.waitForTimeout(300)
      await before.close()
      expect(await opening).toEqual({ kind: 'OpfsChunkStore', keys: [2] })
    } finally {
      await browser.close()
    }
  })

  test('one read gives a run of pieces: the stored ones, the last one short, null for those not stored, even past the end of the file', async ({ baseURL }) => {
    const browser = await diskBackedChromium(baseURL!)
    try {
      const page = await browser.context.newPage()
      await page.goto(BLANK_PATH)
      const run = await page.evaluate(async (path) => {
        const { OpfsChunkStore } = await (import(/* @vite-ignore */ path) as Promise<OpfsModule>)
        const store = await OpfsChunkStore.open({ name: 'cd'.repeat(20), chunkLength: 1000, length: 4500 })
        const put = (i: number) => store.put(i, new Uint8Array(i === 4 ? 500 : 1000).fill(10 + i))
        const shape = (pieces: (Uint8Array | null)[]) => pieces.map((p) => (p ? [p.length, p[0], p[p.length - 1]] : null))
        for (const i of [1, 2]) await put(i)
        // The file ends with piece 2: the run reaches past its end.
        const beforeEnd = shape(await store.getRun(1, 4))
        await put(4)
        const pieces = shape(await store.getRun(1, 8))
        const none = await store.getRun(0, 1)
        await store.destroy()
        return { beforeEnd, pieces, none }
      }, OPFS)
      expect(run).toEqual({ beforeEnd: [[1000, 11, 11], [1000, 12, 12], null, null], pieces: [[1000, 11, 11], [1000, 12, 12], null, [500, 14, 14]], none: [null] })
    } finally {
      await browser.close()
    }
  })

  test("'auto' stores a new torrent in OPFS, and keeps one that IndexedDB already holds there", async ({ baseURL }) => {
    const browser = await diskBackedChromium(baseURL!)
    try {
      const page = await browser.context.newPage()
      await page.goto(BLANK_PATH)
      const kinds = await page.evaluate(async ({ path, opfs }) => {
        const { createChunkStore, IdbChunkStore } = await (import(/* @vite-ignore */ path) as Promise<StorageModule>)
        const { OpfsChunkStore } = await (import(/* @vite-ignore */ opfs) as Promise<OpfsModule>)
        const fresh = { name: 'cd'.repeat(20), chunkLength: 1000, length: 2000 }
        const old = { name: 'ef'.repeat(20), chunkLength: 1000, length: 2000 }
        const legacy = await IdbChunkStore.open(old)
        await legacy.put(0, new Uint8Array(1000).fill(3))
        await legacy.close()
        const a = await createChunkStore('auto', fresh)
        const b = await createChunkStore('auto', old)
        const out = {
          fresh: a instanceof OpfsChunkStore ? 'opfs' : 'other',
          old: b instanceof IdbChunkStore ? 'indexeddb' : 'other',
          oldKeys: await b.keys(),
        }
        await a.destroy()
        await b.destroy()
        return out
      }, { path: STORAGE, opfs: OPFS })
      expect(kinds).toEqual({ fresh: 'opfs', old: 'indexeddb', oldKeys: [0] })
    } finally {
      await browser.close()
    }
  })
})
