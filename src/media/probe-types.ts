/** Reads bytes [start, end) of a file (end exclusive; may return fewer bytes at the end of the file). */
export type RangeReader = (start: number, end: number) => Promise<Uint8Array>

export interface ProbeResult {
  container: 'mp4' | 'webm' | 'matroska'
  /** MIME type for MediaSource, e.g. `video/mp4; codecs="avc1.64001e, mp4a.40.2"`. */
  type: string
  codecs: string[]
  /** MP4 only: movie fragments (`mvex`), which MediaSource takes as they are (no remuxing). */
  fragmented: boolean
}
