/*
 * Drives a libtorrent 2.0 session (libtorrent-peer.py under Debian's /usr/bin/python3) from a test:
 * commands as JSON lines on its stdin, events back as JSON lines. Test tooling only.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const PYTHON = '/usr/bin/python3'
const SCRIPT = fileURLToPath(new URL('./libtorrent-peer.py', import.meta.url))

export interface LtEvent {
  event: string
  id?: number
  [key: string]: unknown
}

export interface LtStatus extends LtEvent {
  state: string
  progress: number
  total_done: number
  num_peers: number
  seeding: boolean
  has_metadata: boolean
  downloaded: number
  uploaded: number
  error: string | null
}

/** The libtorrent version python3-libtorrent provides, or null when it cannot be imported. */
export function libtorrentVersion(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import libtorrent; print(libtorrent.__version__)'], { encoding: 'utf8' })
  return probe.status === 0 ? probe.stdout.trim() : null
}

export class LibtorrentPeer {
  readonly events: LtEvent[] = []
  port = 0
  version = ''
  readonly #proc: ChildProcessWithoutNullStreams
  readonly #waiters = new Set<() => void>()
  #buffer = ''
  #exited: string | null = null
  #stderr = ''

  private constructor() {
    this.#proc = spawn(PYTHON, [SCRIPT, ...(process.env['LT_VERBOSE'] ? ['--verbose'] : [])], { stdio: ['pipe', 'pipe', 'pipe'] })
    this.#proc.stdout.setEncoding('utf8')
    this.#proc.stdout.on('data', (text: string) => this.#onText(text))
    this.#proc.stderr.on('data', (text: Buffer) => (this.#stderr += text.toString()))
    this.#proc.on('exit', (code) => {
      this.#exited = `libtorrent-peer.py exited (${code}): ${this.#stderr.slice(-2000)}`
      this.#wake()
    })
  }

  /** Starts a session listening on 127.0.0.1. */
  static async start(): Promise<LibtorrentPeer> {
    const peer = new LibtorrentPeer()
    const listening = await peer.waitFor((e) => e.event === 'listening')
    peer.port = listening['port'] as number
    peer.version = listening['version'] as string
    return peer
  }

  /** Adds a torrent (a .torrent's bytes or a magnet link); resolves with its id and libtorrent's info hashes. */
  async add(source: { torrent: Uint8Array } | { magnet: string }, savePath: string): Promise<{ id: number; v1: string | null; v2: string | null }> {
    const from = this.events.length
    const body = 'torrent' in source ? { torrent: Buffer.from(source.torrent).toString('base64') } : { magnet: source.magnet }
    this.#send({ cmd: 'add', save_path: savePath, ...body })
    const added = await this.waitFor((e) => e.event === 'added' || e.event === 'error', from)
    if (added.event === 'error') throw new Error(`libtorrent refused the torrent: ${String(added['message'])}`)
    return { id: added.id!, v1: added['v1'] as string | null, v2: added['v2'] as string | null }
  }

  /** libtorrent dials our listener on 127.0.0.1:port. */
  connect(id: number, port: number): void {
    this.#send({ cmd: 'connect', id, port })
  }

  async status(id: number): Promise<LtStatus> {
    const from = this.events.length
    this.#send({ cmd: 'status', id })
    return (await this.waitFor((e) => e.event === 'status' && e.id === id, from)) as LtStatus
  }

  /** Resolves with the first event (from index `from` on) that matches. */
  waitFor(match: (e: LtEvent) => boolean, from = 0): Promise<LtEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.slice(from).find(match)
        if (found) {
          this.#waiters.delete(check)
          resolve(found)
        } else if (this.#exited) {
          this.#waiters.delete(check)
          reject(new Error(this.#exited))
        }
      }
      this.#waiters.add(check)
      check()
    })
  }

  async stop(): Promise<void> {
    if (this.#exited) return
    const exited = new Promise<void>((resolve) => this.#proc.once('exit', () => resolve()))
    this.#send({ cmd: 'quit' })
    this.#proc.stdin.end()
    await exited
  }

  #send(command: object): void {
    if (this.#exited) throw new Error(this.#exited)
    this.#proc.stdin.write(`${JSON.stringify(command)}\n`)
  }

  #onText(text: string): void {
    this.#buffer += text
    let newline: number
    while ((newline = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, newline)
      this.#buffer = this.#buffer.slice(newline + 1)
      if (line.trim()) this.events.push(JSON.parse(line) as LtEvent)
    }
    this.#wake()
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter()
  }
}
