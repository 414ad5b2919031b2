// Hashing a large share on workers, in Firefox ESR and Chromium alike: the workers read the Blobs through
// BYOB readers where Blob streams are byte streams (else arrayBuffer()), and give the hashes the page's
// own hashing gives.
import { expect, test } from '../support/firefox-peers.ts'

for (const browser of ['firefox', 'chromium'] as const) {
  test(`${browser}: a 40 MiB share hashed on workers equals the page's own hashing`, async ({ openAppPeer }) => {
    const peer = await openAppPeer(browser, `hasher ${browser}`)
    const result = await peer.evaluate(
      async ({ workersModule, hasherModule }) => {
        const { hashPiecesParallel } = (await import(/* @vite-ignore */ workersModule)) as typeof import('../../src/client/hash-workers.ts')
        const { hashPieces } = (await import(/* @vite-ignore */ hasherModule)) as typeof import('../../src/metainfo/piece-hasher.ts')
        let workers = 0
        const NativeWorker = window.Worker
        window.Worker = class extends NativeWorker {
          constructor(...args: ConstructorParameters<typeof Worker>) {
            super(...args)
            workers++
          }
        }
        const parts = [40 * 2 ** 20 + 12_345, 999].map((length, f) => {
          const bytes = new Uint8Array(length)
          for (let i = 0; i < length; i += 4096) bytes[i] = (i / 4096 + f * 13) & 0xff
          return new File([bytes], `f${f}.bin`)
        })
        const sources = parts.map((blob, i) => ({ path: `f${i}.bin`, length: blob.size, blob, read: async (s: number, e: number) => new Uint8Array(await blob.slice(s, e).arrayBuffer()) }))
        const byob = (() => {
          try {
            new Blob().stream().getReader({ mode: 'byob' }).releaseLock()
            return true
          } catch {
            return false
          }
        })()
        const onWorkers = await hashPiecesParallel(sources, 65_536)
        window.Worker = NativeWorker
        const onPage = await hashPieces(sources, 65_536)
        return { workers, byob, equal: onWorkers.length === onPage.length && onWorkers.every((b, i) => b === onPage[i]), pieces: onPage.length / 20 }
      },
      { workersModule: '/client/hash-workers.ts', hasherModule: '/metainfo/piece-hasher.ts' },
    )
    console.log(`${browser}: Blob streams are byte streams: ${result.byob}; ${result.workers} workers; ${result.pieces} pieces`)
    expect(result.workers, 'hashed on workers').toBeGreaterThanOrEqual(2)
    expect(result.pieces).toBe(Math.ceil((40 * 2 ** 20 + 12_345 + 999) / 65_536))
    expect(result.equal, 'the same hashes as the page computes').toBe(true)
  })
}
