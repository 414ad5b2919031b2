// Types for library-probe.mjs (plain JavaScript so that a browser worker can load it unchanged).
export declare const PROBE_MAGNET: string
export declare const PROBE_FILES: readonly { path: string; length: number; seed: number }[]
export declare function probeBytes(length: number, seed: number): Uint8Array
export declare function probe(lib: Record<string, unknown>, torrentFile: Uint8Array): Promise<Record<string, Record<string, unknown>>>
