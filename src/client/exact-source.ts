/*
 * A magnet's `xs=` (exact source): the URL of its .torrent. Fetched when no peer has given the metadata
 * after a short grace (at once when the torrent has no tracker, so no peer could), checked against the
 * info hash, then handed to the torrent like a .torrent file — which starts its web seeds.
 */
import { SwarmstreamError } from '../util/errors.ts'
import { parseTorrentFile } from '../metainfo/torrent-file.ts'
import type { Metainfo } from '../metainfo/types.ts'
import { fetchTorrentFile } from './torrent-id.ts'

/** How long peers get to send the metadata before the exact source is asked. */
export const EXACT_SOURCE_GRACE_MS = 3_000

/** What the exact-source fetch needs from the torrent (and the client around it). */
export interface ExactSourceTarget {
  readonly infoHash: string
  /** The metadata is known (from a peer, or from an earlier source). */
  readonly ready: boolean
  readonly destroyed: boolean
  /** Runs `listener` once, when the torrent gets its metadata or closes. */
  onSettled(listener: () => void): void
  warn(error: SwarmstreamError): void
  /** Gives the torrent the verified .torrent (same info hash). */
  useTorrentFile(meta: Metainfo, bytes: Uint8Array): Promise<void>
}

export interface ExactSourceOptions {
  /** No tracker: no peer can give the metadata, so do not wait. */
  immediate: boolean
  graceMs?: number
  fetch?: typeof fetch
}

/** Schedules the fetch of `url` for `target`; returns a function that cancels it. */
export function scheduleExactSource(url: string, target: ExactSourceTarget, opts: ExactSourceOptions): () => void {
  const abort = new AbortController()
  let timer: ReturnType<typeof setTimeout> | null = null
  const cancel = () => {
    if (timer !== null) clearTimeout(timer)
    abort.abort()
  }
  target.onSettled(cancel)
  if (!/^https?:\/\//i.test(url)) {
    target.warn(new SwarmstreamError('EXACT_SOURCE_FAILED', `The magnet link's xs= ${url} is not an http:// or https:// URL, so it is not fetched; the metadata has to come from peers.`))
    return cancel
  }
  const run = () => {
    timer = null
    if (!target.ready && !target.destroyed) void loadExactSource(url, target, abort.signal, opts.fetch)
  }
  if (opts.immediate) queueMicrotask(run)
  else timer = setTimeout(run, opts.graceMs ?? EXACT_SOURCE_GRACE_MS)
  return cancel
}

async function loadExactSource(url: string, target: ExactSourceTarget, signal: AbortSignal, fetcher?: typeof fetch): Promise<void> {
  let bytes: Uint8Array
  let meta: Metainfo
  try {
    bytes = await fetchTorrentFile(url, { signal, ...(fetcher ? { fetch: fetcher } : {}) })
    meta = await parseTorrentFile(bytes)
  } catch (err) {
    if (signal.aborted || target.ready || target.destroyed) return
    const reason = err instanceof Error ? err.message : String(err)
    target.warn(new SwarmstreamError('EXACT_SOURCE_FAILED', `The .torrent of the magnet link's xs= could not be used: ${reason} The metadata has to come from peers.`))
    return
  }
  if (signal.aborted || target.ready || target.destroyed) return
  if (meta.infoHashHex !== target.infoHash) {
    target.warn(
      new SwarmstreamError(
        'EXACT_SOURCE_MISMATCH',
        `The .torrent at ${url} (the magnet link's xs=) is another torrent (info hash ${meta.infoHashHex}, not ${target.infoHash}); it was ignored.`,
      ),
    )
    return
  }
  await target.useTorrentFile(meta, bytes)
}
