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

declare module 'parse-torrent' {
  interface ParsedTorrent {
    infoHash: string
    name: string
    files: { path: string; name: string; length: number; offset: number }[]
    announce: string[]
    urlList: string[]
  }
  export default function parseTorrent(torrentId: Uint8Array | string): Promise<ParsedTorrent>
  export function toMagnetURI(parsed: object): string
}

declare module 'magnet-uri' {
  interface DecodedMagnet {
    infoHash?: string
    infoHashV2?: string
    name?: string | string[]
    announce: string[]
    urlList: string[]
    peerAddresses: string[]
    so?: number[] | number[][]
    xl?: string | string[]
    xs?: string | string[]
  }
  export function decode(uri: string): DecodedMagnet
  export function encode(parsed: object): string
}
