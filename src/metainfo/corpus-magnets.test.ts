// Every magnet link of the shared corpus, plus one per torrent parse-torrent loads (its toMagnetURI),
// against magnet-uri's decode() at run time or the values the source project's test asserts.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { decode as magnetUriDecode, type DecodedMagnet } from 'magnet-uri'
import parseTorrent, { toMagnetURI } from 'parse-torrent'
import { afterAll, describe, expect, it } from 'vitest'
import { formatMagnet, parseMagnet } from './magnet.ts'
import type { MagnetLink } from './types.ts'
import { corpusDir, corpusTorrents, readCorpusJson, readmeTable } from './test-helpers.ts'

interface CorpusMagnet {
  uri: string
  source: string
  /** `unsupported-v2`: a v2-only link; libtorrent's test (parse_v2_hash) loads it. */
  expect?: 'accept' | 'reject' | 'unsupported-v2'
  infoHash?: string
  name?: string
  trackers?: string[]
  webSeeds?: string[]
  selectOnly?: number[]
  peers?: string[]
}

interface Wanted {
  accept: boolean
  infoHash?: string
  infoHashV2?: string
  name?: string
  trackers?: string[]
  webSeeds?: string[]
  selectOnly?: number[]
  peers?: string[]
}

const MAGNET_EXCEPTIONS = readmeTable('#### Magnet links')

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v)

/** What magnet-uri (WebTorrent's parser) makes of a link; a link without a BitTorrent hash is refused. */
function fromMagnetUri(uri: string): Wanted {
  const d: DecodedMagnet = magnetUriDecode(uri)
  if (d.infoHash === undefined && d.infoHashV2 === undefined) return { accept: false }
  const so = d.so === undefined ? undefined : (d.so as (number | number[])[]).flat()
  return {
    accept: true,
    infoHash: d.infoHash,
    infoHashV2: d.infoHashV2,
    name: first(d.name),
    trackers: d.announce,
    webSeeds: d.urlList,
    ...(so ? { selectOnly: [...new Set(so)].sort((a, b) => a - b) } : {}),
    peers: d.peerAddresses,
  }
}

function fromAssertions(m: CorpusMagnet): Wanted {
  if (m.expect === 'reject') return { accept: false }
  const v2 = m.expect === 'unsupported-v2' ? /urn:btmh:1220([0-9a-f]{64})/i.exec(m.uri)?.[1]?.toLowerCase() : undefined
  return { accept: true, infoHash: m.infoHash, infoHashV2: v2, name: m.name, trackers: m.trackers, webSeeds: m.webSeeds, selectOnly: m.selectOnly, peers: m.peers }
}

function judge(want: Wanted, uri: string): string[] {
  let link: MagnetLink
  try {
    link = parseMagnet(uri)
  } catch (err) {
    return want.accept ? [`refused (${(err as Error).message}), expected to load`] : []
  }
  if (!want.accept) return ['accepted, expected a refusal']
  const problems: string[] = []
  const check = (what: string, got: unknown, wanted: unknown): void => {
    if (wanted !== undefined && JSON.stringify(got) !== JSON.stringify(wanted)) {
      problems.push(`${what} is ${JSON.stringify(got)}, expected ${JSON.stringify(wanted)}`)
    }
  }
  const version = link.version ?? 'v1'
  if (want.infoHash !== undefined) check('v1 info hash', version === 'v2' ? undefined : link.infoHashHex, want.infoHash)
  check('v2 info hash', link.infoHashV2Hex, want.infoHashV2)
  check('name', link.name, want.name)
  check('trackers', link.trackers, want.trackers)
  check('web seeds', link.webSeeds, want.webSeeds)
  check('selected files', link.selectOnly ?? [], want.selectOnly)
  check('peer addresses', link.peerAddresses ?? [], want.peers)
  const again = parseMagnet(formatMagnet(link))
  if (JSON.stringify(again) !== JSON.stringify(link)) problems.push(`formatMagnet loses something: ${formatMagnet(link)}`)
  return problems
}

/** One magnet per torrent parse-torrent loads: its toMagnetURI. */
async function generatedFromTorrents(): Promise<{ uri: string; source: string }[]> {
  const made = await Promise.all(
    corpusTorrents().map((path) =>
      parseTorrent(new Uint8Array(readFileSync(resolve(corpusDir(), path)))).then(
        (p) => ({ uri: toMagnetURI(p), source: path }),
        () => null,
      ),
    ),
  )
  return made.filter((m): m is { uri: string; source: string } => m !== null)
}

const corpus = readCorpusJson<Record<string, CorpusMagnet[] | string>>('magnets.json')
const generated = await generatedFromTorrents()

const cases: { id: string; uri: string; source: string; want: Wanted }[] = [
  ...(['magnet-uri', 'libtorrent', 'transmission'] as const).flatMap((group) =>
    (corpus[group] as CorpusMagnet[]).map((m, i) => ({
      id: `magnets.json ${group} #${i}`,
      uri: m.uri,
      source: m.source,
      want: group === 'magnet-uri' ? fromMagnetUri(m.uri) : fromAssertions(m),
    })),
  ),
  ...generated.map((m) => ({ id: `magnet of ${m.source}`, uri: m.uri, source: `parse-torrent's toMagnetURI of ${m.source}`, want: fromMagnetUri(m.uri) })),
]

describe('conformance: every magnet link of the shared corpus', () => {
  const agreed = new Set<string>()
  const usedExceptions = new Set<string>()

  it('has the 77 links of magnets.json and one per torrent parse-torrent loads', () => {
    expect(cases.length - generated.length).toBe(77)
    expect(generated.length).toBeGreaterThan(100)
  })

  for (const c of cases) {
    it(`${c.id}: ${c.uri.slice(0, 90)}`, () => {
      const problems = judge(c.want, c.uri)
      if (problems.length === 0) agreed.add(c.id)
      if (MAGNET_EXCEPTIONS.has(c.id)) {
        usedExceptions.add(c.id)
        expect(problems, `${c.id} is a README exception but agrees with ${c.source}: remove the exception`).not.toEqual([])
        return
      }
      expect(problems, `${c.uri} (${c.source})`).toEqual([])
    })
  }

  it('every README exception is used', () => {
    expect([...MAGNET_EXCEPTIONS.keys()].filter((k) => !usedExceptions.has(k))).toEqual([])
  })

  afterAll(() => {
    const corpusAgreed = [...agreed].filter((id) => id.startsWith('magnets.json')).length
    console.log(`corpus magnets: ${corpusAgreed}/77 of magnets.json and ${agreed.size - corpusAgreed}/${generated.length} generated agree`)
  })
})
