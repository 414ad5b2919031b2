import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, utf8Encode, writeUint32BE } from '../util/bytes.ts'
import { probeMedia, type RangeReader } from './probe.ts'

// --- MP4 (ISO BMFF) boxes -------------------------------------------------------------------------
function box(type: string, ...body: Uint8Array[]): Uint8Array {
  const payload = concatBytes(body)
  const head = new Uint8Array(8)
  writeUint32BE(head, 0, 8 + payload.length)
  head.set(utf8Encode(type), 4)
  return concatBytes([head, payload])
}
const zeros = (n: number) => new Uint8Array(n)
const hex = (h: string) => fromHex(h)!

const avc1 = box('avc1', zeros(78), box('avcC', hex('0164001effe1')))
// ES_Descriptor(0x03) → DecoderConfig(0x04, oti 0x40) → DecSpecificInfo(0x05, AAC LC = 2 → 0x12 0x10)
const esds = box('esds', zeros(4), hex('0317000100040f4015000000000000000000000005021210'))
const mp4a = box('mp4a', zeros(28), esds)
const hvc1 = box('hvc1', zeros(78), box('hvcC', zeros(23)))
const trak = (entry: Uint8Array) => box('trak', box('mdia', box('minf', box('stbl', box('stsd', hex('0000000000000001'), entry)))))
const moov = (...extra: Uint8Array[]) => box('moov', box('mvhd', zeros(100)), trak(avc1), trak(mp4a), ...extra)
const ftyp = box('ftyp', utf8Encode('isom'), zeros(4))
const mdat = box('mdat', zeros(200_000))

function reader(bytes: Uint8Array): RangeReader & { read: number } {
  const r = Object.assign(
    async (start: number, end: number) => {
      r.read += Math.min(end, bytes.length) - start
      return bytes.slice(start, end)
    },
    { read: 0 },
  )
  return r
}

describe('probeMedia: MP4', () => {
  it('reads H.264 + AAC codecs from a faststart file', async () => {
    const file = concatBytes([ftyp, moov(), mdat])
    expect(await probeMedia(reader(file), file.length)).toEqual({
      container: 'mp4',
      type: 'video/mp4; codecs="avc1.64001e, mp4a.40.2"',
      codecs: ['avc1.64001e', 'mp4a.40.2'],
      fragmented: false,
    })
  })

  it('finds moov after mdat by reading box headers (with 64 KiB after each), not the whole media data', async () => {
    const file = concatBytes([ftyp, mdat, moov()])
    const read = reader(file)
    const probe = await probeMedia(read, file.length)
    expect(probe?.codecs).toEqual(['avc1.64001e', 'mp4a.40.2'])
    expect(read.read).toBeLessThan(2 * 65_536 + 2_000)
    expect(read.read).toBeLessThan(mdat.length)
  })

  it('reports movie fragments (mvex) and HEVC as they are', async () => {
    const fragmented = concatBytes([ftyp, moov(box('mvex', box('trex', zeros(24))))])
    expect((await probeMedia(reader(fragmented), fragmented.length))?.fragmented).toBe(true)
    const hevc = concatBytes([ftyp, box('moov', trak(hvc1))])
    expect((await probeMedia(reader(hevc), hevc.length))?.type).toBe('video/mp4; codecs="hvc1"')
  })

  it('gives null for bytes that are not an MP4, or an MP4 without moov', async () => {
    const text = utf8Encode('this is just a text file, not a movie at all')
    expect(await probeMedia(reader(text), text.length)).toBeNull()
    const noMoov = concatBytes([ftyp, mdat])
    expect(await probeMedia(reader(noMoov), noMoov.length)).toBeNull()
  })
})

// --- WebM (EBML) elements -------------------------------------------------------------------------
function el(id: string, ...body: Uint8Array[]): Uint8Array {
  const payload = concatBytes(body)
  const size = payload.length < 127 ? hex((0x80 | payload.length).toString(16)) : hex((0x4000 | payload.length).toString(16).padStart(4, '0'))
  return concatBytes([hex(id), size, payload])
}
const str = (s: string) => utf8Encode(s)
const ebml = (docType: string) => el('1a45dfa3', el('4286', hex('01')), el('4282', str(docType)))
const track = (type: number, codec: string, priv?: Uint8Array) =>
  el('ae', el('d7', hex('01')), el('83', hex(type.toString(16).padStart(2, '0'))), el('86', str(codec)), ...(priv ? [el('63a2', priv)] : []))
// Segment with unknown size (live-style), as many muxers write it.
const segment = (...body: Uint8Array[]) => concatBytes([hex('18538067'), hex('01ffffffffffffff'), ...body])
const info = el('1549a966', el('2ad7b1', hex('0f4240')))
const cluster = el('1f43b675', el('e7', hex('00')))

describe('probeMedia: WebM / Matroska', () => {
  it('reads VP9 + Opus from the Tracks element', async () => {
    const file = concatBytes([ebml('webm'), segment(info, el('1654ae6b', track(1, 'V_VP9'), track(2, 'A_OPUS')), cluster)])
    expect(await probeMedia(reader(file), file.length)).toEqual({
      container: 'webm',
      type: 'video/webm; codecs="vp9, opus"',
      codecs: ['vp9', 'opus'],
      fragmented: false,
    })
  })

  it('tells Matroska from WebM and derives avc1 from CodecPrivate', async () => {
    const file = concatBytes([ebml('matroska'), segment(el('1654ae6b', track(1, 'V_MPEG4/ISO/AVC', hex('014d401fff')), track(2, 'A_AC3')))])
    const probe = await probeMedia(reader(file), file.length)
    expect(probe?.container).toBe('matroska')
    expect(probe?.codecs).toEqual(['avc1.4d401f', 'a_ac3'])
  })

  it('gives null when no Tracks come before the first Cluster', async () => {
    const file = concatBytes([ebml('webm'), segment(info, cluster, el('1654ae6b', track(1, 'V_VP8')))])
    expect(await probeMedia(reader(file), file.length)).toBeNull()
  })
})
