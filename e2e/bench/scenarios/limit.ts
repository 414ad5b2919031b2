// (1) Raw RTCDataChannel between two pages (own origins): 16 KiB messages, bufferedAmount high 1 MiB /
// low 256 KiB. The ceiling any client can reach here.
import type { Page } from '@playwright/test'
import { MB, type BenchContext } from '../context.ts'
import { stat, type Row } from '../report.ts'
import { startWtServer } from '../wt-server.ts'

const MESSAGE = 16 * 1024
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

export async function runLimit(ctx: BenchContext): Promise<Row[]> {
  const size = ctx.opts.size
  const speeds: number[] = []
  const cpu: number[] = []
  for (let run = 0; run < ctx.opts.runs; run++) {
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
    }, size)
    const received = b.evaluate(() => window.benchReceived)
    const cpu0 = ctx.lab.cpuSeconds()
    const t0 = performance.now()
    await a.evaluate(
      async ({ size, MESSAGE, HIGH, LOW }) => {
        const dc = await window.benchChannel!
        const msg = new Uint8Array(MESSAGE)
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
              sent += MESSAGE
            }
            resolve()
          }
          pump()
        })
      },
      { size, MESSAGE, HIGH, LOW },
    )
    await received
    const seconds = (performance.now() - t0) / 1000
    const cpuSeconds = ctx.lab.cpuSeconds() - cpu0
    speeds.push(size / MB / seconds)
    cpu.push(cpuSeconds / (size / MB))
    ctx.log(`limit run ${run + 1}: ${(size / MB / seconds).toFixed(1)} MB/s, ${cpuSeconds.toFixed(1)} CPU-s`)
    await a.close()
    await b.close()
  }
  const sizeNote = `${(size / 2 ** 20).toFixed(0)} MiB`
  return [
    { scenario: 'limit', figure: `raw RTCDataChannel, 16 KiB msgs, ${sizeNote}`, unit: 'MB/s', value: stat(speeds), references: [], target: '', met: null },
    { scenario: 'limit', figure: 'raw RTCDataChannel browser CPU', unit: 'CPU-s/MB', value: stat(cpu), references: [], target: '', met: null },
  ]
}
