// Uses the built library's platform-neutral API (parse a .torrent and a magnet, create torrents, error
// names) and returns plain JSON. Plain JavaScript, so that a module worker can load it as it is: Node
// (src/node/library-build.test.ts) and a worker in Chromium (e2e/library.spec.ts) must answer alike.

export const PROBE_MAGNET =
  'magnet:?xt=urn:btih:c9e15763f722f23e98a29decdfae341b98d53056&dn=Cosmos+Laundromat' +
  '&tr=wss%3A%2F%2Ftracker.example%2Fannounce&ws=https%3A%2F%2Fseed.example%2Ffiles%2F&so=0,2-3'

/** Deterministic bytes (the same in every runtime). */
export function probeBytes(length, seed) {
  const out = new Uint8Array(length)
  let x = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

/** The files of the probe's torrent: a folder with an odd-sized file, a non-ASCII name and an empty file. */
export const PROBE_FILES = [
  { path: 'album/a.bin', length: 40_000, seed: 1 },
  { path: 'album/ünï – b.txt', length: 1_234, seed: 2 },
  { path: 'album/empty', length: 0, seed: 3 },
]

async function caught(run) {
  try {
    await run()
    return { thrown: false }
  } catch (err) {
    return { name: err.name, code: err.code, message: typeof err.message === 'string' && err.message.length > 0 }
  }
}

function describeTorrent(meta) {
  return {
    infoHash: meta.infoHashHex,
    name: meta.info.name,
    pieceLength: meta.info.pieceLength,
    pieces: meta.info.pieceHashes.length,
    length: meta.info.length,
    files: meta.info.files.map((f) => [f.path, f.length, f.offset]),
    announce: meta.announce,
    urlList: meta.urlList,
  }
}

/**
 * `lib` is the built module's namespace; `torrentFile` a .torrent made elsewhere (by the npm create-torrent).
 * Every call is one a server, a worker or an SSR page makes without a Client.
 */
export async function probe(lib, torrentFile) {
  const magnet = lib.parseMagnet(PROBE_MAGNET)
  const blobs = PROBE_FILES.map((f) => Object.assign(new File([probeBytes(f.length, f.seed)], f.path.split('/').pop()), { path: f.path }))
  const readers = PROBE_FILES.map((f) => ({ path: f.path, length: f.length, read: async (start, end) => probeBytes(f.length, f.seed).slice(start, end) }))
  const options = { pieceLength: 16_384, announce: ['wss://tracker.example/announce'], urlList: ['https://seed.example/'] }
  const fromBlobs = await lib.createTorrent(blobs, options)
  const fromReaders = await lib.createTorrent(readers, options)
  const classes = ['SwarmstreamError', 'InvalidInputError', 'ProtocolError', 'StorageError', 'AbortError']
  return {
    exports: Object.keys(lib).sort(),
    parsed: describeTorrent(await lib.parseTorrentFile(torrentFile)),
    magnet: {
      infoHash: magnet.infoHashHex,
      name: magnet.name,
      trackers: magnet.trackers,
      webSeeds: magnet.webSeeds,
      selectOnly: magnet.selectOnly,
      formatted: lib.formatMagnet(magnet),
    },
    created: {
      ...describeTorrent(fromBlobs.metainfo),
      magnetURI: fromBlobs.magnetURI,
      reparsed: (await lib.parseTorrentFile(fromBlobs.torrentFile)).infoHashHex,
      fromReaders: fromReaders.metainfo.infoHashHex,
    },
    errorNames: Object.fromEntries(classes.map((c) => [c, new lib[c]('PROBE', 'probe').name])),
    errors: {
      badMagnet: await caught(() => lib.parseMagnet('magnet:?xt=urn:btih:1234')),
      notBencode: await caught(() => lib.parseTorrentFile(new Uint8Array([0x64, 0x31]))),
      noInfo: await caught(() => lib.parseTorrentFile(new TextEncoder().encode('d8:announce3:abce'))),
      nothingToSeed: await caught(() => lib.createTorrent([])),
      badPieceLength: await caught(() => lib.createTorrent(blobs, { pieceLength: -1 })),
    },
    instances: {
      badMagnetIsInvalidInput: isInstance(() => lib.parseMagnet('nope'), lib.InvalidInputError),
      abortIsSwarmstream: new lib.AbortError() instanceof lib.SwarmstreamError,
    },
  }
}

function isInstance(run, type) {
  try {
    run()
    return false
  } catch (err) {
    return err instanceof type
  }
}
