export { DigestCache } from './store.js';
export type { CacheKeyParts, DigestRecord, MetadataRecord, CacheEvents } from './store.js';
export { defaultCacheDir } from './location.js';
