import { probeMp4 } from './mp4-probe.ts'
import type { ProbeResult, RangeReader } from './probe-types.ts'
import { probeWebm } from './webm-probe.ts'

export type { ProbeResult, RangeReader } from './probe-types.ts'

/**
 * What is inside a media file, by its first bytes (not its name): container, codecs and the MIME type to
 * ask `MediaSource.isTypeSupported`. Null if the bytes are not an MP4 or WebM/Matroska we can read.
 */
export async function probeMedia(read: RangeReader, length: number): Promise<ProbeResult | null> {
  const head = await read(0, Math.min(length, 12))
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return probeWebm(read, length)
  if (head.length >= 8) return probeMp4(read, length)
  return null
}
