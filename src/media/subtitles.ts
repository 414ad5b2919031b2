/** Subtitle helpers that need no DOM: SRT → WebVTT and matching subtitle files to a video. */

const SRT_TIME = /(\d{1,2}:)?(\d{1,2}):(\d{1,2})[,.](\d{1,3})/g

function vttTime(_match: string, hours: string | undefined, minutes: string, seconds: string, millis: string): string {
  const hh = (hours ?? '0:').slice(0, -1).padStart(2, '0')
  return `${hh}:${minutes.padStart(2, '0')}:${seconds.padStart(2, '0')}.${millis.padEnd(3, '0')}`
}

/** Converts SubRip text to WebVTT: header, `,` → `.` in timings, no BOM, LF line ends, indexes optional. */
export function srtToVtt(text: string): string {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n')
  const out: string[] = ['WEBVTT', '']
  let cue: string[] = []
  const flush = () => {
    const timing = cue.findIndex((l) => l.includes('-->'))
    if (timing >= 0) {
      const [time, ...rest] = cue.slice(timing)
      const line = time!.replace(/\s*-->\s*/, ' --> ').replace(SRT_TIME, vttTime)
      // Blank lines and a bare "-->" cannot appear in a cue's text in WebVTT.
      out.push(line, ...rest.map((l) => l.replace(/-->/g, '->')), '')
    }
    cue = []
  }
  for (const line of lines) {
    if (line.trim() === '') flush()
    else cue.push(line.trimEnd())
  }
  flush()
  return out.join('\n')
}

export interface SubtitleMatch {
  path: string
  label: string
  srclang?: string
}

// ISO 639-2 codes seen in subtitle names → the BCP 47 tags <track srclang> wants.
const LANGUAGES: Record<string, string> = {
  eng: 'en', fre: 'fr', fra: 'fr', ger: 'de', deu: 'de', spa: 'es', ita: 'it', por: 'pt', rus: 'ru', jpn: 'ja',
  chi: 'zh', zho: 'zh', kor: 'ko', dut: 'nl', nld: 'nl', swe: 'sv', nor: 'no', dan: 'da', fin: 'fi', pol: 'pl',
  tur: 'tr', ara: 'ar', heb: 'he', hin: 'hi', gre: 'el', ell: 'el', cze: 'cs', ces: 'cs', hun: 'hu', ukr: 'uk',
}

function split(path: string): { dir: string; stem: string; ext: string } {
  const slash = path.lastIndexOf('/')
  const name = path.slice(slash + 1)
  const dot = name.lastIndexOf('.')
  return { dir: path.slice(0, slash + 1), stem: dot > 0 ? name.slice(0, dot) : name, ext: dot > 0 ? name.slice(dot + 1).toLowerCase() : '' }
}

function languageOf(suffix: string): string | undefined {
  const tag = suffix.toLowerCase()
  if (/^[a-z]{2}(-[a-z0-9]{2,8})*$/.test(tag)) return tag
  return LANGUAGES[tag]
}

function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(tag) ?? tag
  } catch {
    return tag
  }
}

/**
 * `.srt`/`.vtt` files next to `videoPath` whose name is the video's (`movie.mp4` ↔ `movie.srt`,
 * `movie.en.srt`, `movie.eng.vtt`); the language comes from the suffix. Also looks in a `Subs`/`Subtitles`
 * folder beside the video. Sorted by path.
 */
export function findSubtitles(videoPath: string, allPaths: string[]): SubtitleMatch[] {
  const video = split(videoPath)
  const stem = video.stem.toLowerCase()
  const dirs = [video.dir, `${video.dir}subs/`, `${video.dir}subtitles/`].map((d) => d.toLowerCase())
  const matches: SubtitleMatch[] = []
  for (const path of allPaths) {
    const sub = split(path)
    if (sub.ext !== 'srt' && sub.ext !== 'vtt') continue
    if (!dirs.includes(sub.dir.toLowerCase())) continue
    const subStem = sub.stem.toLowerCase()
    if (subStem !== stem && !subStem.startsWith(`${stem}.`)) continue
    const suffix = sub.stem.slice(stem.length + 1)
    const srclang = suffix ? languageOf(suffix) : undefined
    const label = srclang ? languageName(srclang) : suffix || `${sub.stem}.${sub.ext}`
    matches.push(srclang ? { path, label, srclang } : { path, label })
  }
  return matches.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}
