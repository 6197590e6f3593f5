/**
 * Records of what we computed, so a re-lock with nothing changed downloads nothing. A record is
 * keyed by the file's URL AND by every claim the index makes about it (digests, size, metadata
 * digest): when the index changes its claims, the key changes and the record is not used. A file
 * the index makes no digest claim about is never served from the cache (nothing would tell us its
 * bytes changed), except local files, whose size and mtime stand in for a claim.
 *
 * Records are JSON, validated on read (a corrupt one is a miss plus a warning), written to a temp
 * file and renamed into place (Yarn's "verify before you publish into the cache"), so concurrent
 * runs sharing a cache never see a torn record.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { trackTemp, untrackTemp } from '../cleanup.js';

const SCHEMA_VERSION = 1;

export interface CacheKeyParts {
  url: string;
  /** Everything the source claims about the file, in a stable order. */
  claims: Readonly<Record<string, string | number | boolean>>;
}

export interface CacheEvents {
  onWarning?: (message: string) => void;
}

const DigestRecord = z.object({
  schema: z.literal(SCHEMA_VERSION),
  kind: z.literal('digest'),
  url: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  others: z.record(z.string(), z.string().regex(/^[0-9a-f]+$/)),
});
export type DigestRecord = z.infer<typeof DigestRecord>;

const MetadataRecord = z.object({
  schema: z.literal(SCHEMA_VERSION),
  kind: z.literal('metadata'),
  url: z.string(),
  metadata: z.object({
    name: z.string(),
    version: z.string(),
    requiresDist: z.array(z.string()),
    requiresPython: z.string().nullable(),
    providesExtra: z.array(z.string()),
    origin: z.enum(['metadata-file', 'wheel', 'sdist-pkg-info', 'sdist-pyproject']),
  }),
});
export type MetadataRecord = z.infer<typeof MetadataRecord>;

export class DigestCache {
  readonly #root: string;
  readonly #events: CacheEvents;

  constructor(root: string, events: CacheEvents = {}) {
    this.#root = join(root, `v${SCHEMA_VERSION}`);
    this.#events = events;
  }

  get root(): string {
    return this.#root;
  }

  async getDigest(key: CacheKeyParts): Promise<DigestRecord | undefined> {
    return this.#read(this.#path('digests', key), DigestRecord, key.url);
  }

  async putDigest(key: CacheKeyParts, record: Omit<DigestRecord, 'schema' | 'kind' | 'url'>): Promise<void> {
    await this.#write(this.#path('digests', key), { schema: SCHEMA_VERSION, kind: 'digest', url: key.url, ...record });
  }

  async getMetadata(key: CacheKeyParts): Promise<MetadataRecord['metadata'] | undefined> {
    return (await this.#read(this.#path('metadata', key), MetadataRecord, key.url))?.metadata;
  }

  async putMetadata(key: CacheKeyParts, metadata: MetadataRecord['metadata']): Promise<void> {
    await this.#write(this.#path('metadata', key), { schema: SCHEMA_VERSION, kind: 'metadata', url: key.url, metadata });
  }

  #path(kind: string, key: CacheKeyParts): string {
    const claims = Object.keys(key.claims)
      .sort()
      .map((k) => [k, key.claims[k]]);
    const digest = createHash('sha256').update(JSON.stringify([key.url, claims])).digest('hex');
    return join(this.#root, kind, digest.slice(0, 2), `${digest}.json`);
  }

  async #read<T>(path: string, schema: z.ZodType<T>, url: string): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success || !isRecordFor(parsed.data, url)) {
      this.#events.onWarning?.(`ignoring a corrupt cache record ${path}; it will be recomputed`);
      await rm(path, { force: true });
      return undefined;
    }
    return parsed.data;
  }

  async #write(path: string, record: object): Promise<void> {
    const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    trackTemp(temp);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(temp, JSON.stringify(record) + '\n', 'utf8');
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      // A cache that cannot be written is slower, not wrong.
      this.#events.onWarning?.(`cannot write the cache at ${this.#root}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      untrackTemp(temp);
    }
  }
}

function isRecordFor(record: unknown, url: string): boolean {
  return typeof record === 'object' && record !== null && 'url' in record && record.url === url;
}
