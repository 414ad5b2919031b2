/** One file of a torrent, in torrent order. */
export interface TorrentFileEntry {
  /** '/'-joined and sanitized; starts with the torrent name for multi-file torrents (WebTorrent's `file.path`). */
  path: string
  /** Last path component. */
  name: string
  length: number
  /** Byte offset of the file's first byte in the torrent. */
  offset: number
}

/** A validated BEP 3 info dictionary. */
export interface InfoDictionary {
  name: string
  pieceLength: number
  /** 20 bytes each; subarrays of `raw`. */
  pieceHashes: Uint8Array[]
  files: TorrentFileEntry[]
  /** Total length of all files. */
  length: number
  private: boolean
  /** The exact bencoded info bytes (their SHA-1 is the info hash). */
  raw: Uint8Array
}

export interface Metainfo {
  infoHash: Uint8Array
  infoHashHex: string
  info: InfoDictionary
  /** Flattened and deduped: announce-list tiers in order, else announce. */
  announce: string[]
  /** BEP 19 web seeds. */
  urlList: string[]
  comment?: string
  createdBy?: string
  /** Unix seconds, as stored in the file. */
  creationDate?: number
}

export interface MagnetLink {
  infoHash: Uint8Array
  infoHashHex: string
  name?: string
  trackers: string[]
  webSeeds: string[]
  /** BEP 53 `so=`: expanded, sorted, deduped file indexes. */
  selectOnly?: number[]
  /** `xl`: exact length in bytes. */
  exactLength?: number
  /** `xs`: exact source URL. */
  exactSource?: string
}
