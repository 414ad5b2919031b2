import { describe, expect, it } from 'vitest'
import { concatBytes } from '../util/bytes.ts'
import { cueFor, parseCues, parseWebmHead, readCues, readWebmLayout, type WebmLayout } from './webm-cues.ts'

// A tiny EBML writer: IDs as written in the spec, sizes as 8-byte vints (like ffmpeg's placeholders).
function idBytes(id: number): number[] {
  const out: number[] = []
  for (let v = id; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff)
  return out
}
function el(id: number, ...payload: Uint8Array[]): Uint8Array {
  const body = concatBytes(payload)
  const size = [0x01, 0, 0, 0, 0, 0, 0, 0]
  for (let i = 7, v = body.length; i > 0; i--, v = Math.floor(v / 256)) size[i] = v & 0xff
  return concatBytes([new Uint8Array([...idBytes(id), ...size]), body])
}
function uint(id: number, value: number, bytes = 4): Uint8Array {
  const out = new Uint8Array(bytes)
  for (let i = bytes - 1, v = value; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v & 0xff
  return el(id, out)
}
function float64(id: number, value: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setFloat64(0, value)
  return el(id, out)
}
const text = (id: number, s: string) => el(id, new TextEncoder().encode(s))

const cuePoint = (time: number, position: number) =>
  el(0xbb, uint(0xb3, time), el(0xb7, uint(0xf7, 1, 1), uint(0xf1, position)))
const cluster = (timecode: number, size: number) => el(0x1f43b675, uint(0xe7, timecode), el(0xa3, new Uint8Array(size)))

/** A WebM with 3 clusters; Cues at the end (found through the SeekHead) or before the first cluster. */
function webm(cuesAtFront: boolean): { file: Uint8Array; segmentStart: number; clusters: number[] } {
  const ebml = el(0x1a45dfa3, text(0x4282, 'webm'))
  const info = el(0x1549a966, uint(0x2ad7b1, 1_000_000), float64(0x4489, 6000))
  const tracks = el(0x1654ae6b, el(0xae, uint(0xd7, 1, 1), text(0x86, 'V_VP9'), uint(0x83, 1, 1)))
  const clusterBytes = [cluster(0, 300), cluster(2000, 300), cluster(4000, 300)]
  const seekHeadSize = el(0x114d9b74, el(0x4dbb, uint(0x53ab, 0x1c53bb6b), uint(0x53ac, 0))).length
  const before = seekHeadSize + info.length + tracks.length
  const cuesFor = (first: number) => {
    let at = first
    const positions = clusterBytes.map((c) => ((at += c.length), at - c.length))
    return el(0x1c53bb6b, cuePoint(4000, positions[2]!), cuePoint(0, positions[0]!), cuePoint(2000, positions[1]!))
  }
  const cuesLength = cuesFor(0).length
  const firstCluster = before + (cuesAtFront ? cuesLength : 0)
  const cues = cuesFor(firstCluster)
  const clustersEnd = firstCluster + clusterBytes.reduce((n, c) => n + c.length, 0)
  const seekHead = el(0x114d9b74, el(0x4dbb, uint(0x53ab, 0x1c53bb6b), uint(0x53ac, cuesAtFront ? before : clustersEnd)))
  const body = cuesAtFront ? [seekHead, info, tracks, cues, ...clusterBytes] : [seekHead, info, tracks, ...clusterBytes, cues]
  const segment = el(0x18538067, ...body)
  const segmentStart = ebml.length + 12
  let at = segmentStart + firstCluster
  const clusters = clusterBytes.map((c) => ((at += c.length), at - c.length))
  return { file: concatBytes([ebml, segment]), segmentStart, clusters }
}

function reader(file: Uint8Array, log: [number, number][] = []) {
  return async (start: number, end: number) => {
    log.push([start, end])
    return file.slice(start, Math.min(end, file.length))
  }
}

describe('WebM Cues', () => {
  it('parseCues turns CueTime into seconds and CueClusterPosition into file offsets, sorted by time', () => {
    const body = concatBytes([cuePoint(3000, 500), cuePoint(0, 100), cuePoint(1500, 300)])
    expect(parseCues(body, 40, 1_000_000)).toEqual([
      { time: 0, offset: 140 },
      { time: 1.5, offset: 340 },
      { time: 3, offset: 540 },
    ])
    expect(parseCues(concatBytes([cuePoint(90, 7)]), 0, 100_000_000)).toEqual([{ time: 9, offset: 7 }])
  })

  it('cueFor picks the last cluster that starts at or before the time', () => {
    const cues = [{ time: 0.5, offset: 10 }, { time: 2, offset: 20 }, { time: 4, offset: 30 }]
    expect(cueFor(cues, 0.2)).toBeNull()
    expect(cueFor(cues, 2)).toEqual({ time: 2, offset: 20 })
    expect(cueFor(cues, 3.9)?.offset).toBe(20)
    expect(cueFor(cues, 100)?.offset).toBe(30)
    expect(cueFor([], 1)).toBeNull()
  })

  it('parseWebmHead finds the init segment, the time scale, the duration and the SeekHead entry of Cues at the end', () => {
    const { file, segmentStart, clusters } = webm(false)
    const layout = parseWebmHead(file) as WebmLayout
    expect(layout.firstCluster).toBe(clusters[0])
    expect(layout.init).toEqual(file.subarray(0, clusters[0]))
    expect(layout.segmentStart).toBe(segmentStart)
    expect(layout.duration).toBe(6)
    expect(layout.cues).toBeNull()
    expect(layout.cuesOffset).toBe(clusters[2]! + (clusters[2]! - clusters[1]!))
  })

  it('parseWebmHead reads Cues written before the first cluster', () => {
    const { file, clusters } = webm(true)
    const layout = parseWebmHead(file) as WebmLayout
    expect(layout.cues?.map((c) => c.offset)).toEqual(clusters)
    expect(layout.cues?.map((c) => c.time)).toEqual([0, 2, 4])
  })

  it('parseWebmHead asks for more bytes before the first cluster, and rejects what is not WebM', () => {
    const { file, clusters } = webm(false)
    expect(parseWebmHead(file.subarray(0, clusters[0]! - 5))).toBe('more')
    expect(parseWebmHead(file.subarray(0, 3))).toBe('more')
    expect(parseWebmHead(new Uint8Array([0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70]))).toBeNull()
  })

  it('readCues reads Cues at the end with two small ranged reads', async () => {
    const { file, clusters } = webm(false)
    const layout = (await readWebmLayout(reader(file), file.length))!
    const log: [number, number][] = []
    const cues = await readCues(reader(file, log), file.length, layout)
    expect(cues).toEqual([{ time: 0, offset: clusters[0] }, { time: 2, offset: clusters[1] }, { time: 4, offset: clusters[2] }])
    expect(log).toHaveLength(2)
    expect(log.every(([start]) => start >= layout.cuesOffset!)).toBe(true)
  })

  it('readCues gives no cue points when there is no Cues element', async () => {
    const { file } = webm(false)
    const layout = { ...(parseWebmHead(file) as WebmLayout), cuesOffset: null }
    expect(await readCues(reader(file), file.length, layout)).toEqual([])
    const wrong = { ...layout, cuesOffset: layout.firstCluster }
    expect(await readCues(reader(file), file.length, wrong)).toEqual([])
  })
})
