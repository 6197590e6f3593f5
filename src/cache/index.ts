export { RecordCache } from './record-cache.js';
export type { CacheKeyParts, DigestRecord, MetadataRecord, CacheEvents } from './record-cache.js';
export { defaultCacheDir } from './location.js';
