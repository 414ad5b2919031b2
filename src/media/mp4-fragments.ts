import { concatBytes, writeUint32BE } from '../util/bytes.ts'
import { children, type Box } from './mp4-boxes.ts'
import type { Mp4Movie, Mp4Track } from './mp4-movie.ts'

// Writes what MediaSource takes: per track an init segment (the track with empty sample tables and a
// `trex`), then movie fragments (`moof` + `mdat`) holding runs of its samples.

function box(type: string, ...parts: Uint8Array[]): Uint8Array {
  const body = concatBytes(parts)
  const out = new Uint8Array(8 + body.length)
  writeUint32BE(out, 0, out.length)
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i)
  out.set(body, 8)
  return out
}

/** A full box's version and flags, then 32-bit fields. */
function fields(version: number, flags: number, ...values: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * values.length)
  writeUint32BE(out, 0, (version << 24) | flags)
  values.forEach((v, i) => writeUint32BE(out, 4 + 4 * i, v))
  return out
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0))

/** The `ftyp` and `moov` MediaSource needs before `track`'s fragments. */
export function initSegment(movie: Mp4Movie, track: Mp4Track): Uint8Array {
  const ftyp = box('ftyp', ascii('isom'), fields(0, 0).subarray(0, 4), ascii('isomiso5iso6mp41'))
  const trex = box('trex', fields(0, 0, track.id, 1, 0, 0, 0))
  return concatBytes([ftyp, box('moov', movie.mvhd, box('mvex', trex), rewriteTrak(track.trak))])
}

/** The track without its edit list (applied as a timestamp offset instead) and with empty sample tables. */
function rewriteTrak(trak: Uint8Array): Uint8Array {
  const rebuild = (parent: Box, keep: (b: Box) => Uint8Array | null): Uint8Array =>
    box(parent.type, ...children(trak, parent.body, parent.end).flatMap((b) => keep(b) ?? []))
  const copy = (b: Box) => trak.subarray(b.start, b.end)
  const stbl = (b: Box) =>
    box(
      'stbl',
      ...children(trak, b.body, b.end)
        .filter((c) => c.type === 'stsd')
        .map(copy),
      box('stts', fields(0, 0, 0)),
      box('stsc', fields(0, 0, 0)),
      box('stsz', fields(0, 0, 0, 0)),
      box('stco', fields(0, 0, 0)),
    )
  const minf = (b: Box) => rebuild(b, (c) => (c.type === 'stbl' ? stbl(c) : copy(c)))
  const mdia = (b: Box) => rebuild(b, (c) => (c.type === 'minf' ? minf(c) : copy(c)))
  const root = children(trak, 0, trak.length)[0]!
  return rebuild(root, (c) => (c.type === 'edts' ? null : c.type === 'mdia' ? mdia(c) : copy(c)))
}

const SYNC = 0x02000000 // depends on no other sample
const NON_SYNC = 0x01010000 // depends on others; not a sync sample

/** One `moof` + `mdat` with samples [from, to) of `track`; `data` holds their bytes in order. */
export function fragment(track: Mp4Track, from: number, to: number, data: readonly Uint8Array[], sequence: number): Uint8Array {
  const count = to - from
  const payload = data.reduce((n, d) => n + d.length, 0)
  const moofSize = 88 + 16 * count
  const out = new Uint8Array(moofSize + 8 + payload)
  const view = new DataView(out.buffer)
  let at = 0
  const header = (size: number, type: string) => {
    view.setUint32(at, size)
    for (let i = 0; i < 4; i++) out[at + 4 + i] = type.charCodeAt(i)
    at += 8
  }
  const u32 = (value: number) => {
    view.setUint32(at, value >>> 0)
    at += 4
  }
  header(moofSize, 'moof')
  header(16, 'mfhd')
  u32(0)
  u32(sequence)
  header(moofSize - 24, 'traf')
  header(16, 'tfhd')
  u32(0x020000) // default-base-is-moof
  u32(track.id)
  header(20, 'tfdt')
  u32(0x01000000)
  const base = track.dts[from]!
  u32(Math.floor(base / 2 ** 32))
  u32(base % 2 ** 32)
  header(20 + 16 * count, 'trun')
  u32(0x01000f01) // version 1 (signed offsets); data offset, duration, size, flags, composition offset
  u32(count)
  u32(moofSize + 8)
  for (let i = from; i < to; i++) {
    u32(track.duration[i]!)
    u32(track.size[i]!)
    u32(track.sync[i] ? SYNC : NON_SYNC)
    u32(track.cto[i]!)
  }
  header(8 + payload, 'mdat')
  for (const d of data) {
    out.set(d, at)
    at += d.length
  }
  return out
}
