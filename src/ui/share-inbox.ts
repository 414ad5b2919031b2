/**
 * The page's half of the share target: the service worker (src/sw/sw.ts) put what was shared into
 * Cache Storage under `/share-target/<id>/meta` and `/share-target/<id>/<n>`; this reads it back as
 * Files. Entries are dropped once the files are no longer needed (seeded into storage, or declined).
 */

/** Same names as in src/sw/sw.ts (the worker imports nothing at run time). */
const SHARE_ACTION = '/share-target'
const SHARE_CACHE = 'swarmstream-share-target'

export interface SharedItems {
  files: File[]
  title: string
  text: string
  url: string
}

interface SharedMeta {
  title: string
  text: string
  url: string
  files: { name: string; type: string; lastModified: number }[]
}

function cacheStorage(): CacheStorage | null {
  return typeof caches === 'undefined' ? null : caches
}

/** What was shared under `id`; null when there is nothing (already taken, or from another browser profile). */
export async function openShare(id: string): Promise<SharedItems | null> {
  const storage = cacheStorage()
  if (!storage) return null
  const cache = await storage.open(SHARE_CACHE)
  const metaResponse = await cache.match(`${SHARE_ACTION}/${id}/meta`)
  if (!metaResponse) return null
  const meta = (await metaResponse.json()) as SharedMeta
  const files = await Promise.all(
    meta.files.map(async (info, i) => {
      const body = await cache.match(`${SHARE_ACTION}/${id}/${i}`)
      if (!body) throw new Error(`The shared file ${info.name} is missing: share it again.`)
      return new File([await body.blob()], info.name, { type: info.type, lastModified: info.lastModified })
    }),
  )
  return { files, title: meta.title, text: meta.text, url: meta.url }
}

/** Deletes the share `id`, or every share but `keep` (left over from visits that never used theirs). */
export async function discardShares(opts: { id?: string; keep?: string }): Promise<void> {
  const storage = cacheStorage()
  if (!storage || !(await storage.has(SHARE_CACHE))) return
  const cache = await storage.open(SHARE_CACHE)
  for (const request of await cache.keys()) {
    const id = new URL(request.url).pathname.slice(SHARE_ACTION.length + 1).split('/')[0]
    if ((opts.id !== undefined && id !== opts.id) || (opts.keep !== undefined && id === opts.keep)) continue
    await cache.delete(request)
  }
}
