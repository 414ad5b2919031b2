export { WebSeedError, type WebSeedErrorCode } from './errors.ts'
export { WebSeedHealth, type WebSeedHealthOptions } from './web-seed-health.ts'
export { fileUrl, isWebSeedUrl, planPieceRequests, type RangeRequest, type WebSeedLayout } from './web-seed-plan.ts'
export { DEFAULT_TIMEOUT_MS, MAX_PARALLEL_REQUESTS, WebSeed, type WebSeedOptions } from './web-seed.ts'
