import { bytesEqual, fromBase32, fromHex, toHex } from '../util/bytes.ts'
import { InvalidMagnetError } from './errors.ts'
import { formatSelectOnly, parseSelectOnly } from './select-only.ts'
import type { MagnetLink, TorrentVersion } from './types.ts'

/** Parses a bare info hash: 40 hex or 32 base32 characters (any case). Null when it is neither. */
export function parseInfoHash(text: string): Uint8Array | null {
  const t = text.trim()
  if (t.length === 40) return fromHex(t)
  if (t.length === 32 && /^[A-Za-z2-7]+$/.test(t)) return fromBase32(t)
  return null
}

function decodeComponent(value: string, key: string): string {
  try {
    return decodeURIComponent(value)
  } catch (err) {
    throw new InvalidMagnetError(`The magnet link has broken percent-encoding in "${key}=${value}". Copy the whole link again.`, {
      cause: err,
    })
  }
}

type Xt = { kind: 'btih' | 'btmh'; hash: Uint8Array } | null

/** `urn:btih:` (SHA-1, hex or base32) or `urn:btmh:` (a SHA-256 multihash, `1220` + 64 hex); other xt are ignored. */
function parseXt(value: string): Xt {
  const lower = value.toLowerCase()
  if (lower.startsWith('urn:btmh:')) {
    const hash = /^1220[0-9a-f]{64}$/.test(lower.slice(9)) ? fromHex(lower.slice(13)) : null
    if (hash === null) {
      throw new InvalidMagnetError('The v2 info hash (xt=urn:btmh:…) must be "1220" and 64 hex characters (a SHA-256 multihash). Copy the whole magnet link again.')
    }
    return { kind: 'btmh', hash }
  }
  if (!lower.startsWith('urn:btih:')) return null
  const text = value.slice('urn:btih:'.length)
  const hash = parseInfoHash(text)
  if (hash === null || hash.length !== 20 || text.trim() !== text) {
    throw new InvalidMagnetError(
      `The info hash must be 40 hex or 32 base32 characters, got ${text.length}${text.length === 40 || text.length === 32 ? ' with invalid characters' : ''}. Copy the whole magnet link again.`,
    )
  }
  return { kind: 'btih', hash }
}

/** `1.2.3.4:5` or `[v6]:5`, as libtorrent accepts them; null for anything else (host names, no port). */
function peerAddress(text: string): string | null {
  const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3})|\[([0-9a-fA-F:.]+)\]):(\d{1,5})$/.exec(text)
  if (!m || Number(m[3]) < 1 || Number(m[3]) > 65535) return null
  if (m[1] !== undefined && m[1].split('.').some((octet) => Number(octet) > 255)) return null
  if (m[2] !== undefined && !URL.canParse(`http://[${m[2]}]/`)) return null
  return text
}

interface Collected {
  hashes: { btih?: Uint8Array; btmh?: Uint8Array }
  name?: string
  exactLength?: number
  exactSource?: string
  selectOnly: string[]
  trackers: string[]
  webSeeds: string[]
  peers: string[]
}

function takeXt(value: string, into: Collected['hashes']): void {
  const xt = parseXt(value)
  if (xt === null) return
  const known = into[xt.kind]
  if (known && !bytesEqual(known, xt.hash)) {
    throw new InvalidMagnetError(`The magnet link has two different info hashes (xt=urn:${xt.kind}:…); use a link with one.`)
  }
  into[xt.kind] = xt.hash
}

function take(c: Collected, key: string, rawKey: string, rawValue: string): void {
  const value = (): string => decodeComponent(rawValue, rawKey)
  switch (key) {
    case 'xt':
      return takeXt(value(), c.hashes)
    case 'dn':
      c.name ??= decodeComponent(rawValue.replace(/\+/g, ' '), rawKey)
      return
    case 'tr':
      c.trackers.push(value())
      return
    case 'ws':
    case 'as':
      c.webSeeds.push(value())
      return
    case 'so':
      c.selectOnly.push(value())
      return
    case 'xl': {
      const text = value()
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
        throw new InvalidMagnetError(`The magnet link's exact length "xl=${rawValue}" is not a whole number of bytes.`)
      }
      c.exactLength = Number(text)
      return
    }
    case 'xs':
      c.exactSource ??= value()
      return
    case 'x.pe': {
      const peer = peerAddress(value())
      if (peer !== null) c.peers.push(peer)
      return
    }
    default:
      return // unknown parameters (kt, ix, dht, …) are ignored
  }
}

/**
 * Parses a magnet link: BEP 9 (`xt=urn:btih`, `dn`, `tr`, `ws`/`as`, `x.pe`), BEP 52 (`xt=urn:btmh`), BEP 53
 * (`so`), `xl`, `xs`. The caller trims pasted text; a hash with whitespace in it is refused, as libtorrent
 * does. Throws InvalidMagnetError.
 */
export function parseMagnet(uri: string): MagnetLink {
  const query = /^magnet:(?:\/\/\/?)?\?/i.exec(uri)
  if (!query) throw new InvalidMagnetError('This is not a magnet link: it must start with "magnet:?". Paste the whole link.')
  const c: Collected = { hashes: {}, selectOnly: [], trackers: [], webSeeds: [], peers: [] }
  for (const param of uri.slice(query[0].length).split('&')) {
    if (param === '') continue
    const eq = param.indexOf('=')
    const rawKey = eq < 0 ? param : param.slice(0, eq)
    // BEP 9 numbers repeated keys: tr.1=…&tr.2=…
    take(c, rawKey.toLowerCase().replace(/\.\d+$/, ''), rawKey, eq < 0 ? '' : param.slice(eq + 1))
  }
  return linkFrom(c)
}

function linkFrom(c: Collected): MagnetLink {
  const { btih, btmh } = c.hashes
  if (!btih && !btmh) throw new InvalidMagnetError('The magnet link has no info hash (xt=urn:btih:… or xt=urn:btmh:…). Copy the whole link again.')
  const version: TorrentVersion = btih && btmh ? 'hybrid' : btih ? 'v1' : 'v2'
  const infoHash = btih ?? btmh!.slice(0, 20)
  const clean = (list: string[]): string[] => [...new Set(list.filter((s) => s !== ''))]
  const link: MagnetLink = { infoHash, infoHashHex: toHex(infoHash), version, trackers: clean(c.trackers), webSeeds: clean(c.webSeeds) }
  if (btmh) {
    link.infoHashV2 = btmh
    link.infoHashV2Hex = toHex(btmh)
  }
  if (c.name !== undefined && c.name !== '') link.name = c.name
  const selectOnly = parseSelectOnly(c.selectOnly.join(','))
  if (selectOnly.length > 0) link.selectOnly = selectOnly
  if (c.exactLength !== undefined) link.exactLength = c.exactLength
  if (c.exactSource !== undefined && c.exactSource !== '') link.exactSource = c.exactSource
  if (c.peers.length > 0) link.peerAddresses = [...new Set(c.peers)]
  return link
}

export interface MagnetFields {
  /** The 20-byte swarm id in hex (`MagnetLink.infoHashHex`); written as `urn:btih` unless `version` is 'v2'. */
  infoHashHex: string
  /** Written as `urn:btmh:1220…` (BEP 52). */
  infoHashV2Hex?: string
  /** Default 'v1', or 'hybrid' when `infoHashV2Hex` is given. */
  version?: TorrentVersion
  name?: string
  trackers?: readonly string[]
  webSeeds?: readonly string[]
  selectOnly?: readonly number[]
  exactLength?: number
  exactSource?: string
  peerAddresses?: readonly string[]
}

function checkedHex(hex: string | undefined, bytes: number, what: string): string {
  const hash = hex === undefined ? null : fromHex(hex)
  if (hash === null || hash.length !== bytes) throw new InvalidMagnetError(`${what} must be ${bytes * 2} hex characters, got ${JSON.stringify(hex)}.`)
  return toHex(hash)
}

/**
 * Formats a magnet link in the order and escaping of WebTorrent's `magnet-uri`: xt (btih, then btmh), dn,
 * tr…, ws…, so; then xl, xs and x.pe when given. `parseMagnet(formatMagnet(link))` gives `link` back.
 */
export function formatMagnet(fields: MagnetFields): string {
  const version = fields.version ?? (fields.infoHashV2Hex !== undefined ? 'hybrid' : 'v1')
  const xts: string[] = []
  if (version !== 'v2') xts.push(`urn:btih:${checkedHex(fields.infoHashHex, 20, 'The info hash')}`)
  if (version !== 'v1') xts.push(`urn:btmh:1220${checkedHex(fields.infoHashV2Hex, 32, 'The v2 info hash')}`)
  let out = `magnet:?${xts.map((xt) => `xt=${xt}`).join('&')}`
  if (fields.name) out += `&dn=${encodeURIComponent(fields.name).replace(/%20/g, '+')}`
  for (const tr of fields.trackers ?? []) out += `&tr=${encodeURIComponent(tr)}`
  for (const ws of fields.webSeeds ?? []) out += `&ws=${encodeURIComponent(ws)}`
  if (fields.selectOnly && fields.selectOnly.length > 0) out += `&so=${formatSelectOnly(fields.selectOnly)}`
  if (fields.exactLength !== undefined) out += `&xl=${fields.exactLength}`
  if (fields.exactSource) out += `&xs=${encodeURIComponent(fields.exactSource)}`
  for (const pe of fields.peerAddresses ?? []) out += `&x.pe=${pe}`
  return out
}
