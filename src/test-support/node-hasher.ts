import { createHash } from 'node:crypto'
import type { Hasher } from '../util/sha1.ts'

/**
 * SHA-1 computed synchronously (Node's crypto), handed back as an already-resolved promise: results
 * come back in call order, so a session run in virtual time is deterministic.
 */
export const syncSha1: Hasher = (data) => Promise.resolve(new Uint8Array(createHash('sha1').update(data).digest()))
