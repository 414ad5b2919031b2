import { toHex } from '../util/bytes.ts'
import { boxAt, children, type Box } from './mp4-boxes.ts'
import type { ProbeResult, RangeReader } from './probe-types.ts'

const MAX_MOOV = 64 * 1024 * 1024
const MAX_TOP_LEVEL_BOXES = 1000
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl'])
const VIDEO = new Set(['avc1', 'avc3', 'hev1', 'hvc1', 'av01', 'vp08', 'vp09', 'mp4v', 'dvh1', 'dvhe'])

/**
 * Each box header is read with the 64 KiB after it: a `moov` at the end of a download then arrives
 * with its header in one wait for the tail pieces, not two.
 */
const HEADER_READ_BYTES = 64 * 1024

/** Finds the top-level `moov` box, reading box headers only (it may sit after `mdat`, at the end). */
export async function readMoov(read: RangeReader, length: number): Promise<Uint8Array | null> {
  let chunk: { start: number; bytes: Uint8Array } = { start: 0, bytes: new Uint8Array(0) }
  const cached = (start: number, end: number) =>
    start >= chunk.start && end <= chunk.start + chunk.bytes.length ? chunk.bytes.subarray(start - chunk.start, end - chunk.start) : null
  for (let at = 0, count = 0; at + 8 <= length && count < MAX_TOP_LEVEL_BOXES; count++) {
    let head = cached(at, Math.min(length, at + 16))
    if (!head) {
      chunk = { start: at, bytes: await read(at, Math.min(length, at + HEADER_READ_BYTES)) }
      head = chunk.bytes.subarray(0, 16)
    }
    const box = boxAt(head, 0, length - at)
    if (!box || box.end - box.start < 8 || !/^[\x20-\x7e]{4}$/.test(box.type)) return null
    if (box.type === 'moov') {
      if (box.end - box.start > MAX_MOOV) return null
      return cached(at, at + box.end) ?? read(at, at + box.end)
    }
    at += box.end
  }
  return null
}

/** RFC 6381 codec string of one sample entry (`stsd` child). */
export function sampleEntryCodec(bytes: Uint8Array, entry: Box): string {
  const type = entry.type
  if (VIDEO.has(type)) {
    const inner = children(bytes, entry.body + 78, entry.end)
    const config = (name: string) => inner.find((b) => b.type === name)
    const avcC = config('avcC')
    if ((type === 'avc1' || type === 'avc3') && avcC && avcC.end - avcC.body >= 4) {
      return `${type}.${toHex(bytes.subarray(avcC.body + 1, avcC.body + 4))}`
    }
    const av1C = config('av1C')
    if (type === 'av01' && av1C && av1C.end - av1C.body >= 3) {
      const b1 = bytes[av1C.body + 1]!
      const b2 = bytes[av1C.body + 2]!
      const depth = b2 & 0x40 ? (b2 & 0x20 ? 12 : 10) : 8
      return `av01.${b1 >> 5}.${String(b1 & 0x1f).padStart(2, '0')}${b2 & 0x80 ? 'H' : 'M'}.${String(depth).padStart(2, '0')}`
    }
    const vpcC = config('vpcC')
    if (type === 'vp09' && vpcC && vpcC.end - vpcC.body >= 7) {
      const b = (i: number) => bytes[vpcC.body + 4 + i]!
      return `vp09.${String(b(0)).padStart(2, '0')}.${String(b(1)).padStart(2, '0')}.${String(b(2) >> 4).padStart(2, '0')}`
    }
    return type
  }
  if (type === 'mp4a') {
    const version = (bytes[entry.body + 8]! << 8) | bytes[entry.body + 9]!
    const skip = 28 + (version === 1 ? 16 : version === 2 ? 36 : 0)
    const esds = children(bytes, entry.body + skip, entry.end).find((b) => b.type === 'esds')
    return esds ? esdsCodec(bytes.subarray(esds.body + 4, esds.end)) : 'mp4a.40.2'
  }
  if (type === 'Opus') return 'opus'
  if (type === 'fLaC') return 'flac'
  return type
}

/** `mp4a.OO[.A]` from an ES descriptor: object type indication and, for AAC, the audio object type. */
function esdsCodec(d: Uint8Array): string {
  let oti = 0
  for (let at = 0; at < d.length; ) {
    const tag = d[at++]!
    let size = 0
    for (let i = 0; i < 4 && at < d.length; i++) {
      const b = d[at++]!
      size = (size << 7) | (b & 0x7f)
      if (!(b & 0x80)) break
    }
    if (tag === 0x03) {
      const flags = d[at + 2]!
      at += 3 + (flags & 0x80 ? 2 : 0)
      if (flags & 0x40) at += 1 + d[at]!
      if (flags & 0x20) at += 2
    } else if (tag === 0x04) {
      oti = d[at]!
      at += 13
    } else if (tag === 0x05) {
      if (oti !== 0x40 || size === 0) break
      const aot = d[at]! >> 3
      return `mp4a.40.${aot === 31 ? 32 + ((d[at]! & 7) << 3 | d[at + 1]! >> 5) : aot}`
    } else {
      at += size
    }
  }
  return oti ? `mp4a.${oti.toString(16).padStart(2, '0')}` : 'mp4a.40.2'
}

function collect(bytes: Uint8Array, box: Box, out: { codecs: string[]; video: boolean; fragmented: boolean }): void {
  for (const child of children(bytes, box.body, box.end)) {
    if (child.type === 'mvex') out.fragmented = true
    else if (CONTAINERS.has(child.type)) collect(bytes, child, out)
    else if (child.type === 'stsd') {
      for (const entry of children(bytes, child.body + 8, child.end)) {
        if (VIDEO.has(entry.type)) out.video = true
        out.codecs.push(sampleEntryCodec(bytes, entry))
      }
    }
  }
}

/** Codecs of an MP4 (ISO BMFF) file, or null if it has no readable `moov`. */
export async function probeMp4(read: RangeReader, length: number): Promise<ProbeResult | null> {
  const moov = await readMoov(read, length)
  return moov && probeMoov(moov)
}

/** Codecs of an MP4 from its `moov` box. */
export function probeMoov(moov: Uint8Array): ProbeResult | null {
  const root = boxAt(moov, 0, moov.length)
  if (!root) return null
  const found = { codecs: [] as string[], video: false, fragmented: false }
  collect(moov, root, found)
  if (found.codecs.length === 0) return null
  const codecs = [...new Set(found.codecs)]
  const mime = found.video ? 'video/mp4' : 'audio/mp4'
  return { container: 'mp4', type: `${mime}; codecs="${codecs.join(', ')}"`, codecs, fragmented: found.fragmented }
}
