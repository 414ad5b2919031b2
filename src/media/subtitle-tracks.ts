import type { TorrentFile } from '../torrent/torrent-file.ts'
import { findSubtitles, srtToVtt } from './subtitles.ts'

type SubtitleFile = Pick<TorrentFile, 'path' | 'blob'>

const EMPTY_VTT = 'WEBVTT\n'

function vttUrl(text: string): string {
  return URL.createObjectURL(new Blob([text], { type: 'text/vtt' }))
}

/**
 * Adds a `<track kind="subtitles">` to `video` for every subtitle file matching `videoFile` (see
 * findSubtitles). Each starts as an empty WebVTT Blob URL; the real file is read (waiting for its pieces)
 * the first time its track is turned on (mode ≠ "disabled"), converted from SRT if needed, and swapped in.
 */
export function attachSubtitles(video: HTMLVideoElement, files: readonly SubtitleFile[], videoFile: Pick<TorrentFile, 'path'>): HTMLTrackElement[] {
  const matches = findSubtitles(videoFile.path, files.map((f) => f.path))
  const tracks: HTMLTrackElement[] = []
  for (const match of matches) {
    const file = files.find((f) => f.path === match.path)!
    const track = document.createElement('track')
    track.kind = 'subtitles'
    track.label = match.label
    if (match.srclang) track.srclang = match.srclang
    track.src = vttUrl(EMPTY_VTT)
    track.dataset['path'] = match.path
    video.appendChild(track)
    tracks.push(track)
    let loading = false
    const load = () => {
      if (loading || track.track.mode === 'disabled') return
      loading = true
      video.textTracks.removeEventListener('change', load)
      void loadInto(track, file, track.track.mode)
    }
    video.textTracks.addEventListener('change', load)
    queueMicrotask(load) // `default` or a mode set before the first change event
  }
  return tracks
}

async function loadInto(track: HTMLTrackElement, file: SubtitleFile, mode: TextTrackMode): Promise<void> {
  try {
    const text = await (await file.blob()).text()
    const vtt = file.path.toLowerCase().endsWith('.srt') ? srtToVtt(text) : text
    const old = track.src
    track.src = vttUrl(vtt)
    URL.revokeObjectURL(old)
    // Changing src resets the track's cues; keep it showing as the viewer chose.
    track.track.mode = mode
    track.dataset['loaded'] = 'true'
  } catch (err) {
    track.dataset['error'] = (err as Error).message
    track.dispatchEvent(new CustomEvent('swarmstream-error', { detail: err }))
  }
}
