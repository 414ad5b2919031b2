import { isDict, type BencodeValue } from '../bencode/index.ts'
import { verifyPieceLayer } from '../merkle/index.ts'
import { toHex } from '../util/bytes.ts'
import { brokenTorrent } from './errors.ts'
import type { InfoDictionary, TorrentFileEntry } from './types.ts'

const HASH = 32

/**
 * Reads and checks a .torrent's BEP 52 `piece layers`: each entry must belong to a file larger than a
 * piece, hold one hash per piece of it, and hash up to its pieces root (libtorrent refuses the torrent
 * otherwise). Layers may be missing: peers supply them. Returns hex pieces root → piece hashes.
 */
export async function parsePieceLayers(value: BencodeValue | undefined, info: InfoDictionary): Promise<Map<string, Uint8Array[]>> {
  const layers = new Map<string, Uint8Array[]>()
  if (info.version === 'v1' || value === undefined) return layers
  if (!isDict(value)) brokenTorrent('its "piece layers" entry is not a dictionary')
  const needing = new Map<string, TorrentFileEntry>()
  for (const file of info.files) {
    if (file.piecesRoot && file.length > info.pieceLength) needing.set(toHex(file.piecesRoot), file)
  }
  const checks: Promise<void>[] = []
  for (const [key, layer] of Object.entries(value)) {
    const rootHex = toHex(Uint8Array.from(key, (c) => c.charCodeAt(0)))
    if (key.length !== HASH || !(layer instanceof Uint8Array) || layer.length % HASH !== 0) {
      brokenTorrent(`its piece layer for ${rootHex.slice(0, 16)}… is not a list of 32-byte hashes`)
    }
    const file = needing.get(rootHex)
    if (!file) brokenTorrent(`it has a piece layer (${rootHex.slice(0, 16)}…) that belongs to no file larger than a piece`)
    const hashes: Uint8Array[] = []
    for (let i = 0; i < layer.length; i += HASH) hashes.push(layer.subarray(i, i + HASH))
    const expected = Math.ceil(file.length / info.pieceLength)
    if (hashes.length !== expected) brokenTorrent(`the piece layer of ${JSON.stringify(file.path)} has ${hashes.length} hashes, not ${expected}`)
    checks.push(
      verifyPieceLayer(hashes, info.pieceLength, file.length, file.piecesRoot!).then((ok) => {
        if (!ok) brokenTorrent(`the piece layer of ${JSON.stringify(file.path)} does not hash up to the file's "pieces root"`)
      }),
    )
    layers.set(rootHex, hashes)
  }
  await Promise.all(checks)
  return layers
}
