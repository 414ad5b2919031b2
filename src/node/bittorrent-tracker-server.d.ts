// The small part of `bittorrent-tracker/server` (untyped JS) that our Node tooling uses.
declare module 'bittorrent-tracker/server' {
  import type { EventEmitter } from 'node:events'
  import type { Server as HttpServer } from 'node:http'

  export interface TrackerServerOptions {
    http?: boolean
    udp?: boolean
    ws?: boolean
    stats?: boolean
    interval?: number
    trustProxy?: boolean
  }

  export interface TrackerSwarm {
    complete: number
    incomplete: number
  }

  export default class Server extends EventEmitter {
    constructor(opts?: TrackerServerOptions)
    http: HttpServer | null
    listening: boolean
    torrents: Record<string, TrackerSwarm>
    listen(port: number, hostname?: string, onListening?: () => void): void
    close(cb?: (err?: Error | null) => void): void
  }
}
