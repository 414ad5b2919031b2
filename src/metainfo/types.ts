/** Which halves a torrent has: BEP 3 (SHA-1 per piece), BEP 52 (a SHA-256 merkle tree per file), or both. */
export type TorrentVersion = 'v1' | 'v2' | 'hybrid'

/** One file of a torrent, in torrent order. */
export interface TorrentFileEntry {
  /**
   * '/'-joined and sanitized; starts with the torrent name for multi-file torrents (WebTorrent's `file.path`).
   * Unique within the torrent (case-insensitively): a duplicate is renamed like libtorrent does, `a.txt` → `a.1.txt`.
   */
  path: string
  /** Last path component. */
  name: string
  length: number
  /** Byte offset of the file's first byte in the torrent. */
  offset: number
  /**
   * BEP 47 pad file: zeros that align the next file to a piece boundary. Not a real file: never list,
   * select or save it. Its bytes are zeros, part of the v1 pieces only.
   */
  padding?: true
  /** BEP 47 symbolic link (`attr` l): the path it points to, inside the torrent. It carries no data (length 0). */
  symlink?: string
  /** BEP 47 `attr` x. */
  executable?: true
  /** BEP 47 `attr` h. */
  hidden?: true
  /**
   * BEP 52 `pieces root` (v2 and hybrid torrents): the 32-byte root of the file's merkle tree. Absent for
   * empty files, pad files and symlinks, which have no tree.
   */
  piecesRoot?: Uint8Array
}

/** A validated info dictionary: BEP 3, BEP 52 or both. */
export interface InfoDictionary {
  name: string
  pieceLength: number
  /**
   * 20-byte SHA-1 per piece; subarrays of `raw`. Empty for a v2-only torrent (`version` 'v2'), which has no
   * SHA-1 hashes: its pieces are checked against the files' merkle trees (`files[i].piecesRoot` and the
   * piece layers). Count pieces with `pieceCount()` (layout.ts), not with this array.
   */
  pieceHashes: Uint8Array[]
  /**
   * Every file, laid end to end in the piece space. In v2 and hybrid torrents each non-empty file starts
   * on a piece boundary and pad files (`padding`) fill the gaps, as BEP 47 says. A hybrid torrent lists its
   * pad files itself; for a v2-only torrent they are derived the way libtorrent does, so that every torrent
   * has one layout of files in one piece space.
   */
  files: TorrentFileEntry[]
  /** Size of the piece space: all files, pad files included. */
  length: number
  private: boolean
  /** The exact bencoded info bytes (their SHA-1 is the v1 info hash, their SHA-256 the v2 one). */
  raw: Uint8Array
  version: TorrentVersion
}

export interface Metainfo {
  /**
   * 20 bytes that name the swarm: the v1 info hash (SHA-1); for a v2-only torrent the v2 info hash
   * truncated to 20 bytes, which is what BEP 52 has trackers and handshakes use.
   */
  infoHash: Uint8Array
  infoHashHex: string
  /** BEP 52: the SHA-256 of the info bytes (v2 and hybrid torrents). */
  infoHashV2?: Uint8Array
  infoHashV2Hex?: string
  info: InfoDictionary
  /**
   * BEP 52 `piece layers`: hex pieces root → one 32-byte hash per piece of that file, each layer checked
   * against its root. Files of at most one piece have none (their root is their piece hash); layers the
   * .torrent leaves out are fetched from peers with `hash request`.
   */
  pieceLayers: Map<string, Uint8Array[]>
  /** Flattened and deduped: announce-list tiers in order, else announce. */
  announce: string[]
  /** BEP 19 web seeds, as libtorrent reads them: unsafe characters escaped, a folder URL ending in `/`. */
  urlList: string[]
  comment?: string
  createdBy?: string
  /** Unix seconds, as stored in the file. */
  creationDate?: number
}

export interface MagnetLink {
  /**
   * 20 bytes that name the swarm: the `urn:btih` info hash; for a v2-only link (`urn:btmh` alone) the
   * v2 info hash truncated to 20 bytes, which trackers and handshakes use (BEP 52).
   */
  infoHash: Uint8Array
  infoHashHex: string
  /** 'hybrid' when the link carries both hashes. */
  version: TorrentVersion
  /** BEP 52 `xt=urn:btmh:1220…`: the SHA-256 info hash. */
  infoHashV2?: Uint8Array
  infoHashV2Hex?: string
  name?: string
  trackers: string[]
  webSeeds: string[]
  /** BEP 53 `so=`: expanded, sorted, deduped file indexes; malformed items are skipped as libtorrent does. */
  selectOnly?: number[]
  /** `xl`: exact length in bytes. */
  exactLength?: number
  /** `xs`: exact source URL. */
  exactSource?: string
  /** BEP 9 `x.pe`: peer addresses (`1.2.3.4:5`, `[::1]:5`), kept for the link but never dialled from a browser. */
  peerAddresses?: string[]
}
