export { WebSeedError, type WebSeedErrorCode, type WebSeedErrorOptions } from './errors.ts'
export { WebSeedHealth, type WebSeedHealthOptions, type WebSeedProblem, type WebSeedStatus } from './web-seed-health.ts'
export { fileUrl, isWebSeedUrl, planPieceRequests, type RangeRequest, type WebSeedLayout } from './web-seed-plan.ts'
export { DEFAULT_TIMEOUT_MS, MAX_PARALLEL_REQUESTS, MAX_WHOLE_FILE_BYTES, WebSeed, type WebSeedOptions } from './web-seed.ts'
