// A local TURN server (Debian's coturn, `turnserver`) on 127.0.0.1 for private-mode tests: long-term
// credentials, UDP only (no TLS/DTLS), relaying between loopback peers, which coturn refuses unless
// told otherwise. Started and stopped by the test's fixtures with a temp config.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const TURNSERVER_PATH = process.env['SWARMSTREAM_TURNSERVER'] ?? '/usr/bin/turnserver'

export interface TurnServer {
  /** e.g. turn:127.0.0.1:41234?transport=udp */
  url: string
  username: string
  credential: string
  /** Everything coturn logged so far (allocations, permissions, errors). */
  log(): string
  stop(): Promise<void>
}

/** A port free for both UDP and TCP right now (TURN listens on both). */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer()
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => {
        const address = server.address()
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
      })
    })
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4')
      socket.once('error', () => resolve(false))
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)))
    })
    if (udpFree) return port
  }
  throw new Error('No port is free for both UDP and TCP on 127.0.0.1.')
}

/** One STUN Binding request (RFC 5389); resolves true when a Binding success response comes back. */
function stunAnswers(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4')
    const id = randomBytes(12)
    const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), id])
    const finish = (ok: boolean) => {
      clearTimeout(timer)
      socket.close()
      resolve(ok)
    }
    const timer = setTimeout(() => finish(false), timeoutMs)
    socket.on('message', (msg) => finish(msg.length >= 20 && msg.readUInt16BE(0) === 0x0101 && msg.subarray(8, 20).equals(id)))
    socket.on('error', () => finish(false))
    socket.send(request, port, '127.0.0.1')
  })
}

/** Starts coturn on 127.0.0.1 with one long-term user; resolves once it answers STUN. */
export async function startTurnServer(): Promise<TurnServer> {
  if (!existsSync(TURNSERVER_PATH)) {
    throw new Error(`coturn not found at ${TURNSERVER_PATH}: install Debian's coturn (apt-get install coturn) or set SWARMSTREAM_TURNSERVER.`)
  }
  const dir = await mkdtemp(join(tmpdir(), 'swarmstream-turn-'))
  const port = await freePort()
  const username = 'swarmstream'
  const credential = randomBytes(9).toString('base64url')
  const config = [
    'listening-ip=127.0.0.1',
    'relay-ip=127.0.0.1',
    `listening-port=${port}`,
    // Relay ports: a narrow range of its own above the listening port's neighbourhood.
    'min-port=40000',
    'max-port=40999',
    'lt-cred-mech',
    `user=${username}:${credential}`,
    'realm=swarmstream.test',
    'fingerprint',
    'no-tls',
    'no-dtls',
    'no-cli',
    'no-rfc5780',
    'no-stun-backward-compatibility',
    // coturn refuses to relay to loopback peers by default; every peer of the test is on 127.0.0.1.
    'allow-loopback-peers',
    'no-multicast-peers',
    `userdb=${join(dir, 'turndb')}`,
    `pidfile=${join(dir, 'turnserver.pid')}`,
    'log-file=stdout',
    'simple-log',
    'verbose',
  ]
  const configPath = join(dir, 'turnserver.conf')
  await writeFile(configPath, config.join('\n') + '\n')

  let output = ''
  const child: ChildProcess = spawn(TURNSERVER_PATH, ['-c', configPath], { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  let exited = false
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())))

  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM')
      await exit
    }
    await rm(dir, { recursive: true, force: true })
  }
  // Readiness is an answer, not a delay: ask until it answers (or it died, or 30 tries went unanswered).
  for (let attempt = 0; ; attempt++) {
    if (exited || attempt === 30) {
      await stop()
      throw new Error(`coturn did not start on 127.0.0.1:${port}:\n${output.slice(-3000)}`)
    }
    if (await stunAnswers(port, 500)) break
  }
  return { url: `turn:127.0.0.1:${port}?transport=udp`, username, credential, log: () => output, stop }
}
