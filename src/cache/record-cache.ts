/**
 * Records of what we computed and fetched, so a re-lock with nothing changed downloads nothing
 * and asks the index only what HTTP says it must.
 *
 * - Digest and metadata records are keyed by the file's URL AND by every claim the index makes
 *   about it (digests, size, metadata digest): when the index changes its claims, the key changes
 *   and the record is not used. A file the index makes no digest claim about is never served from
 *   the cache (nothing would tell us its bytes changed), except local files, whose size and mtime
 *   stand in for a claim (download/cache-key.ts).
 * - Page records keep a project page's links with the validators and freshness the server gave
 *   (http/freshness.ts), so a page is reused only as HTTP allows and a changed index is noticed.
 * - Nothing derived from an index URL is written in the clear: page and run records are sealed
 *   under a key derived from the page URL or from the run's inputs, and filed under a digest
 *   (cache/seal.ts). An index URL's path may hold a token; the cache holds no form of it.
 *
 * Records are kept in one pack file per project (a warm lock of 300 projects opens 300 files,
 * not thousands), read once per run, validated (a corrupt pack is a miss plus a warning), and
 * written back at the end of the run: merged with what is on disk then, written to a temp file
 * and renamed into place (Yarn's "verify before you publish into the cache"), so concurrent runs
 * sharing a cache never see a torn pack; the worst a race does is drop the other run's additions.
 * Run records (api/recall.ts) are one file per lock file, written the same way when the lock is.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as z from 'zod';
import { trackTemp, untrackTemp } from '../cleanup.js';
import { seal, sealedId, unseal } from './seal.js';

const SCHEMA_VERSION = 2;

export interface CacheKeyParts {
  /** Normalized project name: which pack holds the record. */
  project: string;
  url: string;
  /** Everything the source claims about the file, in a stable order. */
  claims: Readonly<Record<string, string | number | boolean>>;
}

export interface CacheEvents {
  onWarning?: (message: string) => void;
}

/**
 * The schemas of the records, built on first use: building them is ~4 ms of zod work, and a cold
 * run reaches its first request before it reads any record.
 */
function makeSchemas() {
  return { ...packSchemas(), ...runSchemas() };
}

/** Per-project packs: file digests and metadata, sealed pages. */
function packSchemas() {
  const Hex = z.string().regex(/^[0-9a-f]+$/);

  const DigestRecord = z.object({
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    size: z.number().int().nonnegative(),
    others: z.record(z.string(), Hex),
  });

  const MetadataRecord = z.object({
    name: z.string(),
    version: z.string(),
    requiresDist: z.array(z.string()),
    requiresPython: z.string().nullable(),
    providesExtra: z.array(z.string()),
    origin: z.enum(['metadata-file', 'wheel', 'sdist-pkg-info', 'sdist-pyproject']),
  });

  const FileEntry = z.object({
    /**
     * sha256 of the file's URL, not the URL: file URLs of private indexes may carry signed query
     * tokens, and the cache never holds a credential. Guards against a record filed under the
     * wrong key.
     */
    urlSha256: z.string(),
    digest: DigestRecord.optional(),
    metadata: MetadataRecord.optional(),
  });

  const StoredLink = z.object({
    url: z.string(),
    filename: z.string().optional(),
    hashes: z.record(z.string(), z.string()).optional(),
    size: z.number().int().nonnegative().optional(),
    requiresPython: z.string().optional(),
    yanked: z.union([z.literal(false), z.object({ reason: z.string() })]).optional(),
    coreMetadata: z.union([z.boolean(), z.record(z.string(), z.string())]).optional(),
    /** PEP 740 provenance URL or null; absent only in records written before it was kept. */
    provenance: z.string().nullable().optional(),
    /** PEP 700 upload time as the page wrote it. */
    uploadTime: z.string().nullable().optional(),
  });

  const PageRecord = z.object({
    /** The page URL asked for (no credentials) and the Accept header it was asked with (Vary). */
    url: z.string(),
    accept: z.string(),
    /** Epoch ms when the page was received or last revalidated. */
    storedAt: z.number(),
    freshForMs: z.number().nonnegative(),
    etag: z.string().optional(),
    lastModified: z.string().optional(),
    links: z.array(StoredLink),
  });

  /** A PageRecord as stored: sealed with its URL; storedAt in the clear, for merging. */
  const SealedPage = z.object({ storedAt: z.number(), sealed: z.string() });

  const Pack = z.object({
    schema: z.literal(SCHEMA_VERSION),
    project: z.string(),
    files: z.record(z.string(), FileEntry),
    // Keyed by sealedId('page', url). Packs written before pages were sealed had `pages` (URLs in
    // the clear): read as no pages, and gone from disk once the pack is written again.
    sealedPages: z.record(z.string(), SealedPage).default({}),
  });
  return { DigestRecord, MetadataRecord, PageRecord, Pack };
}

/** Run records (api/recall.ts). */
function runSchemas() {
  const LockedFileRecord = z.object({
    filename: z.string(),
    url: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    size: z.number().int().nonnegative(),
    evidence: z.array(
      // Discriminated: one lookup per item instead of trying each shape (thousands of items per record).
      z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('computed'), algorithm: z.literal('sha256'), from: z.enum(['download', 'cache']) }),
        z.object({ kind: z.literal('index-claim'), source: z.string(), algorithm: z.string() }),
        z.object({ kind: z.literal('size-claim'), source: z.string() }),
      ]),
    ),
  });

  /** What a run record holds, sealed with the run's fingerprint. */
  const RunBody = z.object({
    content: z.string(),
    lock: z.object({
      header: z.object({
        toolVersion: z.string(),
        targetDescription: z.string(),
        targets: z.array(z.string()).optional(),
        command: z.string(),
        indexes: z.array(z.string()),
        trustRootSha256: z.string().nullable().default(null),
      }),
      packages: z.array(
        z.object({
          name: z.string(),
          version: z.string(),
          url: z.string().nullable(),
          files: z.array(LockedFileRecord),
          via: z.array(z.string()),
          yanked: z.boolean(),
          /** The package's `# provenance:` line (provenance/record.ts), when attestations were verified. */
          provenance: z.string().optional(),
          /** The line's marker, in a lock for several targets. */
          marker: z.string().optional(),
        }),
      ),
    }),
    warnings: z.array(z.string()),
  });

  /**
   * What the last finished lock run for one output file produced, with the fingerprint of
   * everything it depended on (api/recall.ts), valid while every index page it read stays fresh.
   * One record per output file: a new run replaces it, so records do not pile up. On disk the body
   * is sealed with the fingerprint (its file URLs hold whatever the index URLs held), and the
   * fingerprint itself is kept only as a digest.
   */
  const StoredRun = z.object({
    schema: z.literal(SCHEMA_VERSION),
    /** The absolute path of the lock file. */
    output: z.string(),
    /** Epoch ms after which some page the run read must be asked for again. */
    freshUntil: z.number(),
    // Optional: a record written before run records were sealed is a silent miss, then replaced.
    fingerprintId: z.string().optional(),
    sealed: z.string().optional(),
  });
  return { RunBody, StoredRun };
}

type Schemas = ReturnType<typeof makeSchemas>;
let built: Schemas | undefined;
const schemas = (): Schemas => (built ??= makeSchemas());

export type DigestRecord = z.infer<Schemas['DigestRecord']>;
export type MetadataRecord = z.infer<Schemas['MetadataRecord']>;
export type PageRecord = z.infer<Schemas['PageRecord']>;
type Pack = z.infer<Schemas['Pack']>;

export type RunRecord = z.infer<Schemas['RunBody']> & { output: string; fingerprint: string; freshUntil: number };

export class RecordCache {
  readonly #root: string;
  readonly #events: CacheEvents;
  readonly #packs = new Map<string, Pack>();
  /** Records this run added, by project: what a flush writes (merged over the disk's). */
  readonly #added = new Map<string, Pack>();
  #writeFailed = false;

  constructor(root: string, events: CacheEvents = {}) {
    this.#root = join(root, `v${SCHEMA_VERSION}`);
    this.#events = events;
  }

  get root(): string {
    return this.#root;
  }

  async getDigest(key: CacheKeyParts): Promise<DigestRecord | undefined> {
    const entry = this.#pack(key.project).files[recordKey(key)];
    return entry?.urlSha256 === urlSha256(key.url) ? entry.digest : undefined;
  }

  async putDigest(key: CacheKeyParts, record: DigestRecord): Promise<void> {
    await this.#putFile(key, { digest: record });
  }

  async getMetadata(key: CacheKeyParts): Promise<MetadataRecord | undefined> {
    const entry = this.#pack(key.project).files[recordKey(key)];
    return entry?.urlSha256 === urlSha256(key.url) ? entry.metadata : undefined;
  }

  async putMetadata(key: CacheKeyParts, metadata: MetadataRecord): Promise<void> {
    await this.#putFile(key, { metadata });
  }

  /** The stored page for this URL (credentials stripped), asked with this Accept header. */
  async getPage(project: string, url: string, accept: string): Promise<PageRecord | undefined> {
    const stored = this.#pack(project).sealedPages[sealedId('page', url)];
    if (!stored) return undefined;
    const page = schemas().PageRecord.safeParse(unseal('page', url, stored.sealed));
    if (!page.success || page.data.url !== url) {
      this.#events.onWarning?.(`ignoring a corrupt cache record of ${project} in ${this.#path(project)}; it will be fetched again`);
      return undefined;
    }
    // Written before provenance URLs were kept: using it would make attested files look bare.
    if (page.data.links.some((link) => link.provenance === undefined)) return undefined;
    return page.data.accept === accept ? page.data : undefined;
  }

  /** Links carrying credentials or query strings are never written: the caller leaves such pages out. */
  async putPage(project: string, record: PageRecord): Promise<void> {
    const id = sealedId('page', record.url);
    const links = record.links.map((link) => ({ ...link, provenance: link.provenance ?? null }));
    const stored = { storedAt: record.storedAt, sealed: seal('page', record.url, { ...record, links }) };
    this.#pack(project).sealedPages[id] = stored;
    this.#addedPack(project).sealedPages[id] = stored;
  }

  /** The record of the last run that wrote this output file, if that run had this fingerprint. */
  async getRun(output: string, fingerprint: string): Promise<RunRecord | undefined> {
    const path = this.#runPath(output);
    const record = readJson(path, () => schemas().StoredRun);
    const corrupt = (): undefined => {
      this.#events.onWarning?.(`ignoring a corrupt cache record ${path}; it will be recomputed`);
      return undefined;
    };
    if (record === 'corrupt' || (record !== undefined && record.output !== output)) return corrupt();
    if (record?.sealed === undefined || record.fingerprintId !== sealedId('run', fingerprint)) return undefined;
    const body = schemas().RunBody.safeParse(unseal('run', fingerprint, record.sealed));
    if (!body.success) return corrupt();
    return { ...body.data, output, fingerprint, freshUntil: record.freshUntil };
  }

  async putRun(record: RunRecord): Promise<void> {
    const { output, fingerprint, freshUntil, ...body } = record;
    const stored: z.infer<Schemas['StoredRun']> = {
      schema: SCHEMA_VERSION,
      output,
      freshUntil,
      fingerprintId: sealedId('run', fingerprint),
      sealed: seal('run', fingerprint, body),
    };
    await this.#writeAtomically(this.#runPath(output), () => JSON.stringify(stored) + '\n');
  }

  #runPath(output: string): string {
    return join(this.#root, 'runs', `${createHash('sha256').update(output).digest('hex').slice(0, 32)}.json`);
  }

  /** Writes what this run added. A cache that cannot be written is slower, not wrong: a warning. */
  async flush(): Promise<void> {
    const added = [...this.#added.entries()];
    this.#added.clear();
    await Promise.all(added.map(([project, pack]) => this.#writePack(project, pack)));
  }

  async #putFile(key: CacheKeyParts, fields: { digest?: DigestRecord; metadata?: MetadataRecord }): Promise<void> {
    const k = recordKey(key);
    const pack = this.#pack(key.project);
    const id = urlSha256(key.url);
    const entry = { ...(pack.files[k]?.urlSha256 === id ? pack.files[k] : undefined), ...fields, urlSha256: id };
    pack.files[k] = entry;
    this.#addedPack(key.project).files[k] = entry;
  }

  #addedPack(project: string): Pack {
    let pack = this.#added.get(project);
    if (!pack) {
      pack = emptyPack(project);
      this.#added.set(project, pack);
    }
    return pack;
  }

  /** Read once per run; then this run's view, its own additions included. */
  #pack(project: string): Pack {
    let pack = this.#packs.get(project);
    if (!pack) {
      pack = this.#read(project, true);
      this.#packs.set(project, pack);
    }
    return pack;
  }

  #path(project: string): string {
    return join(this.#root, 'projects', `${encodeURIComponent(project)}.json`);
  }

  #read(project: string, warn: boolean): Pack {
    const path = this.#path(project);
    const pack = readJson(path, () => schemas().Pack);
    if (pack === undefined) return emptyPack(project);
    if (pack === 'corrupt' || pack.project !== project) {
      if (warn) this.#events.onWarning?.(`ignoring a corrupt cache record ${path}; it will be recomputed`);
      return emptyPack(project);
    }
    return pack;
  }

  async #writePack(project: string, added: Pack): Promise<void> {
    await this.#writeAtomically(this.#path(project), () => {
      // Another run may have written this pack since we read it: keep its records too.
      const onDisk = this.#read(project, false);
      const merged: Pack = {
        ...onDisk,
        files: { ...onDisk.files, ...added.files },
        sealedPages: { ...onDisk.sealedPages, ...newerPages(onDisk.sealedPages, added.sealedPages) },
      };
      return JSON.stringify(merged) + '\n';
    });
  }

  async #writeAtomically(path: string, content: () => string): Promise<void> {
    const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    trackTemp(temp);
    try {
      const text = content();
      await mkdir(dirname(path), { recursive: true });
      await writeFile(temp, text, 'utf8');
      await rename(temp, path);
    } catch (error) {
      // rm's `force` forgives ENOENT only; a cache path that is not a folder must not fail the run.
      await rm(temp, { force: true }).catch(() => undefined);
      // Once per run: a read-only cache folder fails every pack the same way.
      if (!this.#writeFailed) this.#events.onWarning?.(`cannot write the cache at ${this.#root}: ${error instanceof Error ? error.message : String(error)}`);
      this.#writeFailed = true;
    } finally {
      untrackTemp(temp);
    }
  }
}

/**
 * Undefined when absent; 'corrupt' when unreadable as JSON of that shape. Read synchronously on
 * purpose: packs are kilobytes, and fs/promises' open/stat/read/close round trips through the
 * thread pool cost ~0.5 ms of main-thread time each in a busy run (profiled: 150-200 ms for a
 * 300-project lock) against tens of microseconds for readFileSync.
 */
/** `schema` is asked for only when there is a file: a cold run builds no schema (and loads no zod) before its first request. */
function readJson<T>(path: string, schema: () => z.ZodType<T>): T | 'corrupt' | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'corrupt';
  }
  const parsed = schema().safeParse(data);
  return parsed.success ? parsed.data : 'corrupt';
}

function emptyPack(project: string): Pack {
  return { schema: SCHEMA_VERSION, project, files: {}, sealedPages: {} };
}

function newerPages(onDisk: Pack['sealedPages'], ours: Pack['sealedPages']): Pack['sealedPages'] {
  const kept: Pack['sealedPages'] = {};
  for (const [id, page] of Object.entries(ours)) {
    const other = onDisk[id];
    if (!other || other.storedAt <= page.storedAt) kept[id] = page;
  }
  return kept;
}

function urlSha256(url: string): string {
  return createHash('sha256').update(url).digest('hex');
}

function recordKey(key: CacheKeyParts): string {
  const claims = Object.keys(key.claims)
    .sort()
    .map((k) => [k, key.claims[k]]);
  return createHash('sha256').update(JSON.stringify([key.url, claims])).digest('hex').slice(0, 32);
}
