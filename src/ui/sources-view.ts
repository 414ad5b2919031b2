import type { UiTorrent, UiTrackerStats, UiWebSeedStats } from './ports.ts'
import { el, setText, updateAttr } from './dom.ts'
import { sourceNotice, trackerLine, webSeedLine } from './sources.ts'

interface Line {
  element: HTMLLIElement
  text: HTMLSpanElement
}

/**
 * A row's "Sources" details: each tracker and web seed with its status, plus a one-line notice in the
 * row when some of them fail. Built once per set of URLs; updates change text in place.
 */
export class SourcesView {
  readonly element: HTMLDetailsElement
  readonly notice: HTMLParagraphElement
  readonly #summary: HTMLElement
  readonly #list: HTMLUListElement
  #keys = ''
  #lines: Line[] = []

  constructor() {
    this.#summary = el('summary', {}, ['Sources'])
    this.#list = el('ul', { class: 'source-list' })
    this.element = el('details', { class: 'sources', 'data-testid': 'torrent-sources' }, [this.#summary, this.#list])
    this.notice = el('p', { class: 'source-notice', role: 'status', 'data-testid': 'torrent-source-notice', hidden: true })
  }

  update(t: UiTorrent, now: number): void {
    const trackers = t.trackerStats
    const webSeeds = t.webSeeds ?? []
    const keys = [...trackers.map((s) => `t ${s.url}`), ...webSeeds.map((w) => `w ${w.url}`)].join('\n')
    if (keys !== this.#keys) this.#rebuild(keys, trackers, webSeeds)
    trackers.forEach((s, i) => this.#set(this.#lines[i]!, s.status, trackerLine(s, now)))
    webSeeds.forEach((w, i) => this.#set(this.#lines[trackers.length + i]!, w.status ?? (w.demoted ? 'demoted' : 'idle'), webSeedLine(w)))
    const connected = trackers.filter((s) => s.status === 'connected').length
    setText(
      this.#summary,
      `Sources: ${trackers.length} tracker${trackers.length === 1 ? '' : 's'} (${connected} connected)` +
        (webSeeds.length > 0 ? `, ${webSeeds.length} web seed${webSeeds.length === 1 ? '' : 's'}` : ''),
    )
    const notice = sourceNotice(t)
    setText(this.notice, notice ?? '')
    this.notice.hidden = notice === null
  }

  #rebuild(keys: string, trackers: readonly UiTrackerStats[], webSeeds: readonly UiWebSeedStats[]): void {
    this.#keys = keys
    const line = (kind: 'tracker' | 'web seed', url: string): Line => {
      const text = el('span', { class: 'source-status' })
      const element = el('li', { 'data-testid': kind === 'tracker' ? 'tracker-status' : 'web-seed-status', 'data-url': url }, [
        el('span', { class: 'source-kind' }, [kind]),
        ' ',
        el('span', { class: 'source-url' }, [url]),
        ' — ',
        text,
      ])
      return { element, text }
    }
    this.#lines = [...trackers.map((s) => line('tracker', s.url)), ...webSeeds.map((w) => line('web seed', w.url))]
    this.#list.replaceChildren(...this.#lines.map((l) => l.element))
  }

  #set(line: Line, status: string, text: string): void {
    updateAttr(line.element, 'data-status', status)
    setText(line.text, text)
  }
}
