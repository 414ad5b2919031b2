/**
 * The slice of the library API the UI uses. `src/ui` codes against these interfaces only,
 * so it typechecks and can be driven by a stand-in client; the real `Client` satisfies them.
 */

/** An error as the library emits it: a message in words plus a stable code. */
export interface UiError extends Error {
  readonly code?: string
}

export interface UiTorrentFile {
  readonly name: string
  readonly path: string
  readonly length: number
  readonly progress: number
  readonly done: boolean
  /** BEP 53: deselected files are not fetched (except pieces they share with selected files). */
  readonly selected: boolean
  /** A pad file (zeros aligning the next file in v2 and hybrid torrents): not shown. */
  readonly padding?: boolean
  select(): void
  deselect(): void
  blob(): Promise<Blob>
}

/** One tracker: how it is doing and what it reports about the swarm. */
export interface UiTrackerStats {
  readonly url: string
  /** connecting: no answer yet; connected: it answers; failing: see `error` (tried again later). */
  readonly status: 'connecting' | 'connected' | 'failing'
  readonly error?: string
  /** When it last answered an announce (ms since the epoch); null before. */
  readonly lastAnnounce: number | null
  /** Peers it introduced whose connection opened. */
  readonly peers: number
  readonly seeders: number
  readonly leechers: number
}

/** One HTTP web seed (BEP 19) and what it delivered. */
export interface UiWebSeedStats {
  readonly url: string
  /** Piece bytes it delivered. */
  readonly downloaded: number
  readonly failures: number
  readonly demoted: boolean
  /** idle: not asked yet; working; failing (tried again later); demoted or dropped: not used any more. */
  readonly status?: 'idle' | 'working' | 'failing' | 'demoted' | 'dropped'
  /** Why it is failing, demoted or dropped, in words. */
  readonly error?: string
  /** The HTTP status of its last failed answer, when there was one. */
  readonly httpStatus?: number
}

export interface UiTorrentEvents {
  infoHash(): void
  metadata(): void
  ready(): void
  download(bytes: number): void
  upload(bytes: number): void
  wire(peer: unknown): void
  done(): void
  /** A piece passed its hash check. */
  verified(index: number): void
  paused(): void
  resumed(): void
  /** A seed's pieces are all copied from its files into storage. */
  persisted(): void
  warning(err: UiError): void
  error(err: UiError): void
  close(): void
}

export interface UiTorrent {
  readonly infoHash: string
  readonly magnetURI: string
  readonly torrentFile: Uint8Array | null
  readonly name: string
  readonly length: number
  readonly files: readonly UiTorrentFile[]
  readonly progress: number
  readonly downloadSpeed: number
  readonly uploadSpeed: number
  readonly numPeers: number
  readonly trackerStats: readonly UiTrackerStats[]
  readonly webSeeds?: readonly UiWebSeedStats[]
  /** Uploaded ÷ received, or ÷ length when nothing was received. */
  readonly ratio: number
  /** Block bytes sent to peers. */
  readonly uploaded: number
  /** Distinct peers that were sent at least one block so far. */
  readonly peersServed: number
  /** ms until done at the current speed (Infinity: unknown). */
  readonly timeRemaining: number
  readonly ready: boolean
  readonly done: boolean
  readonly hashingProgress: number
  readonly error: UiError | null
  /** Verified pieces, BEP 3 bit order (high bit of byte 0 = piece 0); null before metadata. */
  readonly bitfield: Uint8Array | null
  readonly numPieces: number
  /** Paused: no requests and no uploads; connections stay open. */
  readonly paused: boolean
  /** Paused because storage ran out (QUOTA_EXCEEDED); `resume()` tries the writes again. */
  readonly storageFull: boolean
  pause(): void
  resume(): void
  /** Pieces with blocks in flight (optional: without it the piece map shows have / missing only). */
  requestedPieces?(): number[]
  on<K extends keyof UiTorrentEvents>(event: K, listener: UiTorrentEvents[K]): unknown
  off<K extends keyof UiTorrentEvents>(event: K, listener: UiTorrentEvents[K]): unknown
}

export interface UiClientEvents {
  torrent(torrent: UiTorrent): void
  error(err: UiError): void
}

/** What `client.seed()` accepts from the UI: files carry folder structure in `webkitRelativePath` or `path`. */
export type SeedInput = File[]

/** The torrent format of a share: v1 (WebTorrent's), v2 only, or hybrid (both). */
export type SeedVersion = 'v1' | 'v2' | 'hybrid'

export interface UiSeedOptions {
  /** The torrent's name (a multi-file torrent's top folder). */
  name?: string
  version?: SeedVersion
}

export interface UiClient {
  readonly torrents: readonly UiTorrent[]
  announce: string[]
  /** Bytes/s; Infinity or 0 = unlimited. */
  uploadLimit: number
  downloadLimit: number
  /** Bytes uploaded since the page opened, over all torrents (removed ones too). */
  readonly uploaded: number
  readonly uploadSpeed: number
  /** Settles once torrents of an earlier visit are back in `torrents`. */
  readonly restored?: Promise<unknown>
  add(torrentId: string | File): UiTorrent
  seed(input: SeedInput, opts?: UiSeedOptions): UiTorrent
  /** Someone is about to share files: start what seeding needs (its code, hashing workers). */
  prepareSeed?(): void
  /** Declared with `string` too so the library's `remove(torrent: Torrent | string)` fits this port. */
  remove(torrent: UiTorrent | string, opts?: { destroyStore?: boolean }): Promise<void>
  on<K extends keyof UiClientEvents>(event: K, listener: UiClientEvents[K]): unknown
  off<K extends keyof UiClientEvents>(event: K, listener: UiClientEvents[K]): unknown
}
