/**
 * Cache keys for one listed file: its URL plus every claim its source makes. Returns undefined
 * when nothing would reveal a change of the bytes, so such a file is always downloaded: a remote
 * file is "claim-keyed" only when one of its digest claims is in an algorithm we check
 * (hashing.ts, HASHLIB_NAMES). A claim we cannot compute (`blake2b_256`, `shake_128`, a made-up
 * name) was never compared with the bytes, so the same claim over other bytes would hit a record
 * of the old ones; a size claim alone is no better (same-length bytes differ).
 */
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { IndexedFile } from '../package-index/types.js';
import type { CacheKeyParts } from '../cache/record-cache.js';
import { hasCheckedClaim } from './hashing.js';

export async function cacheKeyFor(file: IndexedFile): Promise<CacheKeyParts | undefined> {
  const claims: Record<string, string | number | boolean> = {};
  for (const [alg, hex] of Object.entries(file.hashes)) claims[`hash:${alg}`] = hex;
  if (file.size !== undefined) claims['size'] = file.size;
  if (typeof file.coreMetadata === 'object') {
    for (const [alg, hex] of Object.entries(file.coreMetadata)) claims[`metadata:${alg}`] = hex;
  }
  if (file.url.startsWith('file:')) {
    try {
      const info = await stat(fileURLToPath(file.url));
      claims['local:size'] = info.size;
      claims['local:mtime'] = info.mtimeMs;
      claims['local:ino'] = info.ino;
    } catch {
      return undefined;
    }
    return { project: file.project, url: file.url, claims };
  }
  return hasCheckedClaim(file.hashes) ? { project: file.project, url: file.url, claims } : undefined;
}
