// (1) Raw RTCDataChannel between two pages (own origins): 16 KiB messages, bufferedAmount high 1 MiB /
// low 256 KiB. The ceiling any client can reach here. Also 64 KiB messages (what coalescing can reach),
// CPU by process and a profile of both pages for the side-by-side tables.
import type { Page } from '@playwright/test'
import { profileTransfer, summarizeRuns, TransferProbe, type RunMeasure } from '../breakdown.ts'
import { MB, type BenchContext } from '../context.ts'
import { stat, type Row, type Stat } from '../report.ts'
import { startWtServer } from '../wt-server.ts'

export const LIMIT_LABEL = 'raw channel, 16 KiB'
const HIGH = 1024 * 1024
const LOW = 256 * 1024

declare global {
  interface Window {
    benchPc?: RTCPeerConnection
    benchDc?: RTCDataChannel
    benchChannel?: Promise<RTCDataChannel>
    benchReceived?: Promise<void>
  }
}

async function blankPage(ctx: BenchContext, label: string): Promise<Page> {
  const server = await startWtServer(ctx.lab.nextHost())
  ctx.lab.own(server)
  return ctx.lab.openPage(server.url, '/blank.html', label)
}

/** Connects two pages (non-trickle offer/answer relayed here); the channel is window.benchDc / benchChannel. */
async function connect(a: Page, b: Page): Promise<void> {
  const offer = await a.evaluate(async () => {
    const pc = new RTCPeerConnection({ iceServers: [] })
    window.benchPc = pc
    const dc = pc.createDataChannel('bench', { ordered: true })
    dc.binaryType = 'arraybuffer'
    window.benchChannel = new Promise((resolve) => (dc.onopen = () => resolve(dc)))
    await pc.setLocalDescription(await pc.createOffer())
    await new Promise<void>((r) => (pc.iceGatheringState === 'complete' ? r() : (pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r())))
    return pc.localDescription!.toJSON()
  })
  const answer = await b.evaluate(async (offer) => {
    const pc = new RTCPeerConnection({ iceServers: [] })
    window.benchPc = pc
    window.benchChannel = new Promise((resolve) => {
      pc.ondatachannel = (e) => {
        e.channel.binaryType = 'arraybuffer'
        resolve(e.channel)
      }
    })
    await pc.setRemoteDescription(offer)
    await pc.setLocalDescription(await pc.createAnswer())
    await new Promise<void>((r) => (pc.iceGatheringState === 'complete' ? r() : (pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r())))
    return pc.localDescription!.toJSON()
  }, offer)
  await a.evaluate(async (answer) => {
    await window.benchPc!.setRemoteDescription(answer)
    await window.benchChannel
  }, answer)
  await b.evaluate(() => window.benchChannel!.then(() => undefined))
}

interface Pair {
  a: Page
  b: Page
}

async function openPair(ctx: BenchContext): Promise<Pair> {
  const a = await blankPage(ctx, 'limit sender')
  const b = await blankPage(ctx, 'limit receiver')
  await connect(a, b)
  // The receiver listens before the first byte is sent (messages without a listener are lost).
  await b.evaluate(async (size) => {
    const dc = await window.benchChannel!
    let got = 0
    window.benchReceived = new Promise<void>((resolve) => {
      dc.onmessage = (e: MessageEvent<ArrayBuffer>) => {
        got += e.data.byteLength
        if (got >= size) resolve()
      }
    })
  }, ctx.opts.size)
  return { a, b }
}

/** Sends `size` bytes in `message`-byte messages within the flow-control marks; resolves once all arrived. */
async function pump({ a, b }: Pair, size: number, message: number): Promise<void> {
  const received = b.evaluate(() => window.benchReceived)
  await a.evaluate(
    async ({ size, message, HIGH, LOW }) => {
      const dc = await window.benchChannel!
      const msg = new Uint8Array(message)
      dc.bufferedAmountLowThreshold = LOW
      let sent = 0
      await new Promise<void>((resolve) => {
        const pump = () => {
          while (sent < size) {
            if (dc.bufferedAmount > HIGH) {
              dc.onbufferedamountlow = () => {
                dc.onbufferedamountlow = null
                pump()
              }
              return
            }
            dc.send(msg)
            sent += message
          }
          resolve()
        }
        pump()
      })
    },
    { size, message, HIGH, LOW },
  )
  await received
}

async function closePair({ a, b }: Pair): Promise<void> {
  await a.close()
  await b.close()
}

export interface RawRun {
  mbps: number
  cpuMsPerMB: number
  measure: RunMeasure
}

/** One raw-channel transfer of the bench's size between two fresh pages. */
export async function rawRun(ctx: BenchContext, message: number, label: string): Promise<RawRun> {
  const size = ctx.opts.size
  const pair = await openPair(ctx)
  const probe = await TransferProbe.start(ctx.lab, pair.a, [pair.b])
  const t0 = performance.now()
  await pump(pair, size, message)
  const seconds = (performance.now() - t0) / 1000
  const measure = await probe.stop(size)
  const cpuSeconds = [...measure.cpu.values()].reduce((x, y) => x + y, 0)
  ctx.log(`${label}: ${(size / MB / seconds).toFixed(1)} MB/s, ${cpuSeconds.toFixed(1)} CPU-s`)
  await closePair(pair)
  return { mbps: size / MB / seconds, cpuMsPerMB: (1000 * cpuSeconds) / (size / MB), measure }
}

async function measureLimit(ctx: BenchContext, message: number): Promise<{ speed: Stat; cpu: Stat; runs: RunMeasure[] }> {
  const runs: RawRun[] = []
  for (let run = 0; run < ctx.opts.runs; run++) runs.push(await rawRun(ctx, message, `limit ${message / 1024} KiB run ${run + 1}`))
  return { speed: stat(runs.map((r) => r.mbps)), cpu: stat(runs.map((r) => r.cpuMsPerMB)), runs: runs.map((r) => r.measure) }
}

export async function runLimit(ctx: BenchContext): Promise<Row[]> {
  const size = ctx.opts.size
  const small = await measureLimit(ctx, 16 * 1024)
  const large = await measureLimit(ctx, 64 * 1024)
  const breakdown = summarizeRuns(LIMIT_LABEL, small.runs)
  const pair = await openPair(ctx)
  breakdown.profile = await profileTransfer({ page: pair.a }, { page: pair.b }, size, () => pump(pair, size, 16 * 1024))
  await closePair(pair)
  ctx.breakdowns.set(LIMIT_LABEL, breakdown)
  const sizeNote = `${(size / 2 ** 20).toFixed(0)} MiB`
  return [
    { scenario: 'limit', figure: `raw RTCDataChannel, 16 KiB msgs, ${sizeNote}`, unit: 'MB/s', value: small.speed, references: [], target: '', met: null },
    { scenario: 'limit', figure: 'raw RTCDataChannel browser CPU, 16 KiB msgs', unit: 'CPU ms/MB', value: small.cpu, references: [], target: '', met: null },
    { scenario: 'limit', figure: `raw RTCDataChannel, 64 KiB msgs, ${sizeNote}`, unit: 'MB/s', value: large.speed, references: [{ label: '16 KiB', value: small.speed }], target: '', met: null },
    { scenario: 'limit', figure: 'raw RTCDataChannel browser CPU, 64 KiB msgs', unit: 'CPU ms/MB', value: large.cpu, references: [{ label: '16 KiB', value: small.cpu }], target: '', met: null },
  ]
}
