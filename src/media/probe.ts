import { probeMp4 } from './mp4-probe.ts'
import type { ProbeResult, RangeReader } from './probe-types.ts'
import { probeWebm } from './webm-probe.ts'

export type { ProbeResult, RangeReader } from './probe-types.ts'

/** Containers render-media plays through MediaSource, by extension. */
export const MSE_EXTENSIONS: Record<string, 'mp4' | 'webm' | 'mp3'> = {
  '.mp4': 'mp4', '.m4v': 'mp4', '.m4a': 'mp4', '.m4b': 'mp4', '.m4p': 'mp4', '.webm': 'webm', '.mkv': 'webm', '.mp3': 'mp3',
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot <= 0 ? '' : name.slice(dot).toLowerCase()
}

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
