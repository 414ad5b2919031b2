import { createFile, type MP4BoxBuffer, type Sample } from 'mp4box'
import { describe, expect, it } from 'vitest'
import { concatBytes, readUint32BE, writeUint32BE } from '../util/bytes.ts'
import { ByteWindow } from './byte-window.ts'
import { fragment, initSegment } from './mp4-fragments.ts'
import { readMovie, type Mp4Movie } from './mp4-movie.ts'

// A small MP4 writer for the tests: each table is written as the spec lays it out.
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0))
function u32(...values: number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length)
  values.forEach((v, i) => writeUint32BE(out, 4 * i, v >>> 0))
  return out
}
const u8 = (...values: number[]) => Uint8Array.from(values)
const box = (type: string, ...parts: Uint8Array[]) => {
  const body = concatBytes(parts)
  return concatBytes([u32(8 + body.length), ascii(type), body])
}
const full = (type: string, version: number, flags: number, ...parts: Uint8Array[]) => box(type, u32((version << 24) | flags), ...parts)

interface TrackSpec {
  id: number
  kind: 'vide' | 'soun'
  timescale: number
  sizes: number[]
  /** Samples per chunk, in order (chunks are placed by the file layout). */
  chunks: number[]
  deltas: number[]
  cto?: number[]
  sync?: number[] // 1-based sample numbers
  mediaTime?: number
  narrowSizes?: boolean
  wideOffsets?: boolean
}

function sampleEntry(kind: 'vide' | 'soun'): Uint8Array {
  if (kind === 'vide') {
    const visual = concatBytes([new Uint8Array(6), u8(0, 1), new Uint8Array(16), u8(1, 64, 0, 180), u32(0x480000, 0x480000, 0), u8(0, 1), new Uint8Array(32), u8(0, 24, 0xff, 0xff)])
    return box('avc1', visual, box('avcC', u8(1, 0x64, 0x00, 0x1f, 0xff, 0xe0, 0)))
  }
  return box('mp4a', new Uint8Array(6), u8(0, 1), new Uint8Array(8), u8(0, 2, 0, 16, 0, 0, 0, 0), u32(48000 * 65536))
}

function trak(t: TrackSpec, chunkOffsets: number[]): Uint8Array {
  const runs: Uint8Array[] = []
  t.chunks.forEach((n, i) => {
    if (i === 0 || n !== t.chunks[i - 1]) runs.push(u32(i + 1, n, 1))
  })
  const tables = [
    full('stsd', 0, 0, u32(1), sampleEntry(t.kind)),
    full('stts', 0, 0, u32(t.deltas.length), ...t.deltas.map((d) => u32(1, d))),
    full('stsc', 0, 0, u32(runs.length), ...runs),
    t.narrowSizes ? full('stz2', 0, 0, u32(8, t.sizes.length), u8(...t.sizes)) : full('stsz', 0, 0, u32(0, t.sizes.length, ...t.sizes)),
    t.wideOffsets
      ? full('co64', 0, 0, u32(chunkOffsets.length), ...chunkOffsets.map((o) => u32(0, o)))
      : full('stco', 0, 0, u32(chunkOffsets.length, ...chunkOffsets)),
  ]
  if (t.cto) tables.push(full('ctts', 1, 0, u32(t.cto.length), ...t.cto.map((c) => u32(1, c))))
  if (t.sync) tables.push(full('stss', 0, 0, u32(t.sync.length, ...t.sync)))
  const edts = t.mediaTime === undefined ? [] : [box('edts', full('elst', 0, 0, u32(1, 1000, t.mediaTime, 0x10000)))]
  return box(
    'trak',
    full('tkhd', 0, 3, u32(0, 0, t.id, 0, 1000)),
    ...edts,
    box(
      'mdia',
      full('mdhd', 0, 0, u32(0, 0, t.timescale, 0), u8(0x55, 0xc4, 0, 0)),
      full('hdlr', 0, 0, u32(0), ascii(t.kind), new Uint8Array(13)),
      box('minf', t.kind === 'vide' ? full('vmhd', 0, 1, new Uint8Array(8)) : full('smhd', 0, 0, new Uint8Array(4)), box('stbl', ...tables)),
    ),
  )
}

/** Sample bytes that say which track and sample they are. */
function sampleBytes(track: number, index: number, size: number): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = (track * 31 + index * 7 + i) & 0xff
  return out
}

/**
 * An MP4 with `moov` first, then an `mdat` whose chunks are laid out by `order` ([track, chunk] pairs).
 * Returns the file, the `moov` box and each track's samples as written.
 */
function mp4(tracks: TrackSpec[], order: [number, number][], extraMoov: Uint8Array[] = []) {
  const chunkBytes = tracks.map((t) => {
    let sample = 0
    return t.chunks.map((n) => {
      const parts = Array.from({ length: n }, (_, k) => sampleBytes(t.id, sample + k, t.sizes[sample + k]!))
      sample += n
      return concatBytes(parts)
    })
  })
  const build = (offsets: number[][]) =>
    box('moov', full('mvhd', 0, 0, u32(0, 0, 1000, 2000), new Uint8Array(80)), ...tracks.map((t, i) => trak(t, offsets[i]!)), ...extraMoov)
  const ftyp = box('ftyp', ascii('isom'), u32(0x200), ascii('isom'))
  const moovSize = build(tracks.map((t) => t.chunks.map(() => 0))).length
  const offsets = tracks.map((t) => t.chunks.map(() => 0))
  let at = ftyp.length + moovSize + 8
  for (const [track, chunk] of order) {
    offsets[track]![chunk] = at
    at += chunkBytes[track]![chunk]!.length
  }
  const moov = build(offsets)
  const mdat = box('mdat', ...order.map(([track, chunk]) => chunkBytes[track]![chunk]!))
  const samples = tracks.map((t) => t.sizes.map((size, i) => sampleBytes(t.id, i, size)))
  return { file: concatBytes([ftyp, moov, mdat]), moov, samples }
}

const VIDEO: TrackSpec = {
  id: 1,
  kind: 'vide',
  timescale: 15360,
  sizes: [900, 300, 200, 250, 800, 310, 220],
  chunks: [3, 4],
  deltas: [1024, 1024, 1024, 1024, 1024, 1024, 1024],
  cto: [2048, 4096, 1024, 0, 2048, -1024, 1024],
  sync: [1, 5],
  mediaTime: 2048,
}
const AUDIO: TrackSpec = {
  id: 2,
  kind: 'soun',
  timescale: 48000,
  sizes: [100, 120, 110, 90, 130],
  chunks: [2, 3],
  deltas: [1024, 1024, 1024, 1024, 1024],
  narrowSizes: true,
  wideOffsets: true,
  mediaTime: 1024,
}
const INTERLEAVED: [number, number][] = [
  [0, 0],
  [1, 0],
  [0, 1],
  [1, 1],
]

describe('readMovie', () => {
  it('reads where each sample is, its times and sync flags, from every kind of table', () => {
    const { file, moov, samples } = mp4([VIDEO, AUDIO], INTERLEAVED)
    const movie = readMovie(moov)!
    expect(movie.interleaved).toBe(true)
    const [video, audio] = movie.tracks
    expect(video!.kind).toBe('video')
    expect(video!.codec).toBe('avc1.64001f')
    expect(audio!.codec).toBe('mp4a.40.2')
    expect(video!.shift).toBeCloseTo(-2048 / 15360)
    expect(audio!.shift).toBeCloseTo(-1024 / 48000)
    expect([...video!.dts]).toEqual([0, 1024, 2048, 3072, 4096, 5120, 6144])
    expect([...video!.cto]).toEqual(VIDEO.cto)
    expect([...video!.sync]).toEqual([1, 0, 0, 0, 1, 0, 0])
    expect([...audio!.sync]).toEqual([1, 1, 1, 1, 1])
    for (const [t, track] of movie.tracks.entries()) {
      for (let i = 0; i < track.count; i++) {
        const at = track.offset[i]!
        expect(file.subarray(at, at + track.size[i]!), `track ${t} sample ${i}`).toEqual(samples[t]![i])
      }
    }
    expect(movie.duration).toBeCloseTo(7 * 1024 / 15360 - 2048 / 15360)
  })

  it('says when the tracks are too far apart in the file for one pass', () => {
    const big = { ...VIDEO, sizes: VIDEO.sizes.map(() => 200_000) }
    const audio = { ...AUDIO, deltas: AUDIO.deltas.map(() => 4608) } // as long as the video
    const apart = mp4([big, audio], [[1, 0], [1, 1], [0, 0], [0, 1]])
    expect(readMovie(apart.moov)!.interleaved).toBe(false)
    expect(readMovie(mp4([big, audio], INTERLEAVED).moov)!.interleaved).toBe(true)
  })

  it('skips a track without samples', () => {
    const empty = { ...AUDIO, sizes: [], chunks: [], deltas: [] }
    const movie = readMovie(mp4([VIDEO, empty], [[0, 0], [0, 1]]).moov)!
    expect(movie.tracks.map((t) => t.kind)).toEqual(['video'])
  })

  it('refuses what the remuxer cannot take: movie fragments, samples out of file order', () => {
    expect(readMovie(mp4([VIDEO, AUDIO], INTERLEAVED, [box('mvex')]).moov)).toBeNull()
    expect(readMovie(mp4([VIDEO], [[0, 1], [0, 0]]).moov)).toBeNull()
    expect(readMovie(box('free'))).toBeNull()
  })

  it('refuses, without throwing, tables that claim more entries than they hold', () => {
    const withCount = (count: number) => {
      const moov = mp4([VIDEO], [[0, 0], [0, 1]]).moov.slice()
      const at = String.fromCharCode(...moov).indexOf('stsz') + 12
      writeUint32BE(moov, at, count)
      return moov
    }
    expect(readMovie(withCount(VIDEO.sizes.length))).not.toBeNull()
    expect(readMovie(withCount(1000))).toBeNull()
    expect(readMovie(withCount(0xffffffff))).toBeNull()
  })
})

/** The samples mp4box.js reads back from an init segment and fragments. */
function parse(segments: Uint8Array[], trackId: number): Promise<Sample[]> {
  const file = createFile()
  const out: Sample[] = []
  file.onReady = () => {
    file.setExtractionOptions(trackId, null, { nbSamples: 1000 })
    file.start()
  }
  file.onSamples = (_id, _user, samples) => void out.push(...samples)
  const bytes = concatBytes(segments)
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as MP4BoxBuffer
  buffer.fileStart = 0
  file.appendBuffer(buffer)
  file.flush()
  return Promise.resolve(out)
}

describe('fragments', () => {
  it('carry every sample with its bytes, decode and presentation times and sync flag (read back by mp4box.js)', async () => {
    const { moov, samples } = mp4([VIDEO, AUDIO], INTERLEAVED)
    const movie: Mp4Movie = readMovie(moov)!
    for (const [t, track] of movie.tracks.entries()) {
      const cut = 3
      const segments = [
        initSegment(movie, track),
        fragment(track, 0, cut, samples[t]!.slice(0, cut), 1),
        fragment(track, cut, track.count, samples[t]!.slice(cut), 2),
      ]
      const read = await parse(segments, track.id)
      expect(read.map((s) => s.dts)).toEqual([...track.dts])
      expect(read.map((s) => s.cts)).toEqual([...track.dts].map((d, i) => d + track.cto[i]!))
      expect(read.map((s) => (s.is_sync ? 1 : 0))).toEqual([...track.sync])
      expect(read.map((s) => s.duration)).toEqual([...track.duration])
      read.forEach((s, i) => expect(new Uint8Array(s.data!), `track ${t} sample ${i}`).toEqual(samples[t]![i]))
    }
  })

  it('leave the edit list out of the init segment (it becomes the timestamp offset) and keep the sample description', async () => {
    const { moov } = mp4([VIDEO, AUDIO], INTERLEAVED)
    const movie = readMovie(moov)!
    const init = initSegment(movie, movie.tracks[0]!)
    const text = String.fromCharCode(...init)
    expect(text).not.toContain('edts')
    expect(text).toContain('avcC')
    expect(text).toContain('trex')
    expect(readMovie(init.subarray(readUint32BE(init, 0)))).toBeNull() // its moov has mvex: a fragmented file
  })
})

describe('ByteWindow', () => {
  it('cuts ranges inside one chunk as views and across chunks as copies, and forgets chunks behind', () => {
    const window = new ByteWindow(100)
    window.push(u8(0, 1, 2, 3))
    window.push(u8(4, 5))
    window.push(u8(6, 7, 8))
    expect(window.end).toBe(109)
    const inside = window.take(101, 2)
    expect([...inside]).toEqual([1, 2])
    expect(inside.byteOffset).toBe(1)
    expect([...window.take(103, 5)]).toEqual([3, 4, 5, 6, 7])
    window.dropBefore(106)
    expect([...window.take(106, 3)]).toEqual([6, 7, 8])
  })
})
