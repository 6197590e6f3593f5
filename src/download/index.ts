export { ArtifactStore } from './artifact-store.js';
export type { VerifiedFile, ArtifactStoreEvents } from './artifact-store.js';
export { DigestMismatchError, hashStream, verifyClaims } from './hashing.js';
export type { ComputedDigests, Evidence } from './hashing.js';
export { cacheKeyFor } from './cache-key.js';
