// Minimal types for the npm packages the metainfo tests compare against (dev dependencies only).
declare module 'create-torrent' {
  interface CreateTorrentOptions {
    name?: string
    pieceLength?: number
    announceList?: string[][]
    urlList?: string[]
    private?: boolean
    createdBy?: string
    creationDate?: number
    comment?: string
  }
  type Callback = (err: Error | null, torrent: Uint8Array) => void
  export default function createTorrent(input: unknown, opts: CreateTorrentOptions, cb: Callback): void
}

declare module 'piece-length' {
  export default function pieceLength(bytes: number): number
}

declare module 'bencode' {
  const bencode: { encode(value: unknown): Uint8Array; decode(bytes: Uint8Array): Record<string, unknown> }
  export default bencode
}
