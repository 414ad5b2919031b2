import { fromBase32, fromHex, toHex } from '../util/bytes.ts'
import { InvalidMagnetError } from './errors.ts'
import { formatSelectOnly, parseSelectOnly } from './select-only.ts'
import type { MagnetLink } from './types.ts'

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
    throw new InvalidMagnetError(
      `The magnet link has broken percent-encoding in "${key}=${value}". Copy the whole link again.`,
      { cause: err },
    )
  }
}

function parseXt(value: string): { kind: 'btih'; hash: Uint8Array } | { kind: 'btmh' } | null {
  const lower = value.toLowerCase()
  if (lower.startsWith('urn:btmh:')) return { kind: 'btmh' }
  if (!lower.startsWith('urn:btih:')) return null
  const text = value.slice('urn:btih:'.length)
  const hash = parseInfoHash(text)
  if (hash === null || hash.length !== 20) {
    throw new InvalidMagnetError(
      `The info hash must be 40 hex or 32 base32 characters, got ${text.length}${text.length === 40 || text.length === 32 ? ' with invalid characters' : ''}. Copy the whole magnet link again.`,
    )
  }
  return { kind: 'btih', hash }
}

/** Parses a magnet link (BEP 9, BEP 53 `so`, `xl`, `xs`, `ws`/`as`). Throws InvalidMagnetError. */
export function parseMagnet(uri: string): MagnetLink {
  const trimmed = uri.trim()
  if (!/^magnet:\?/i.test(trimmed)) {
    throw new InvalidMagnetError('This is not a magnet link: it must start with "magnet:?". Paste the whole link.')
  }
  let infoHash: Uint8Array | undefined
  let sawV2 = false
  let name: string | undefined
  let exactLength: number | undefined
  let exactSource: string | undefined
  const selectOnlyValues: string[] = []
  const trackers: string[] = []
  const webSeeds: string[] = []

  for (const param of trimmed.slice('magnet:?'.length).split('&')) {
    if (param === '') continue
    const eq = param.indexOf('=')
    const rawKey = eq < 0 ? param : param.slice(0, eq)
    const rawValue = eq < 0 ? '' : param.slice(eq + 1)
    // BEP 9 numbers repeated keys: tr.1=…&tr.2=…
    const key = rawKey.toLowerCase().replace(/\.\d+$/, '')
    switch (key) {
      case 'xt': {
        const xt = parseXt(decodeComponent(rawValue, rawKey))
        if (xt?.kind === 'btmh') sawV2 = true
        if (xt?.kind === 'btih') {
          if (infoHash && toHex(infoHash) !== toHex(xt.hash)) {
            throw new InvalidMagnetError('The magnet link has two different info hashes (xt=urn:btih:…); use a link with one.')
          }
          infoHash = xt.hash
        }
        break
      }
      case 'dn':
        name ??= decodeComponent(rawValue.replace(/\+/g, ' '), rawKey)
        break
      case 'tr':
        trackers.push(decodeComponent(rawValue, rawKey))
        break
      case 'ws':
      case 'as':
        webSeeds.push(decodeComponent(rawValue, rawKey))
        break
      case 'so':
        selectOnlyValues.push(decodeComponent(rawValue, rawKey))
        break
      case 'xl': {
        const text = decodeComponent(rawValue, rawKey)
        const n = Number(text)
        if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
          throw new InvalidMagnetError(`The magnet link's exact length "xl=${rawValue}" is not a whole number of bytes.`)
        }
        exactLength = n
        break
      }
      case 'xs':
        exactSource ??= decodeComponent(rawValue, rawKey)
        break
      default:
        break // unknown parameters (kt, x.pe, …) are ignored
    }
  }

  if (!infoHash) {
    if (sawV2) {
      throw new InvalidMagnetError(
        'This magnet link is BitTorrent v2 only (xt=urn:btmh:…), which is not supported yet. Use a v1 or hybrid link with xt=urn:btih:….',
      )
    }
    throw new InvalidMagnetError('The magnet link has no info hash (xt=urn:btih:…). Copy the whole link again.')
  }
  const clean = (list: string[]): string[] => [...new Set(list.filter((s) => s !== ''))]
  const link: MagnetLink = { infoHash, infoHashHex: toHex(infoHash), trackers: clean(trackers), webSeeds: clean(webSeeds) }
  if (name !== undefined && name !== '') link.name = name
  if (selectOnlyValues.length > 0) link.selectOnly = parseSelectOnly(selectOnlyValues.join(','))
  if (exactLength !== undefined) link.exactLength = exactLength
  if (exactSource !== undefined && exactSource !== '') link.exactSource = exactSource
  return link
}

export interface MagnetFields {
  infoHashHex: string
  name?: string
  trackers?: readonly string[]
  webSeeds?: readonly string[]
  selectOnly?: readonly number[]
}

/** Formats a magnet link in the order and escaping of WebTorrent's `magnet-uri`: xt, dn, tr…, ws…, so. */
export function formatMagnet(fields: MagnetFields): string {
  const hash = fromHex(fields.infoHashHex)
  if (hash === null || hash.length !== 20) {
    throw new InvalidMagnetError(`The info hash must be 40 hex characters, got ${JSON.stringify(fields.infoHashHex)}.`)
  }
  let out = `magnet:?xt=urn:btih:${toHex(hash)}`
  if (fields.name) out += `&dn=${encodeURIComponent(fields.name).replace(/%20/g, '+')}`
  for (const tr of fields.trackers ?? []) out += `&tr=${encodeURIComponent(tr)}`
  for (const ws of fields.webSeeds ?? []) out += `&ws=${encodeURIComponent(ws)}`
  if (fields.selectOnly && fields.selectOnly.length > 0) out += `&so=${formatSelectOnly(fields.selectOnly)}`
  return out
}
