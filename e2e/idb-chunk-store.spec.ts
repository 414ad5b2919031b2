// The chunk-store compliance suite against the IndexedDB store in real Chromium (see support/store-compliance.ts).
import { describeStoreCompliance } from './support/store-compliance.ts'

describeStoreCompliance('IndexedDB', '/storage/idb-chunk-store.ts', 'IdbChunkStore')
