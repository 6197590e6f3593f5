/**
 * The metadata ladder, cheapest rung first (DESIGN.md "Resolution policy"):
 *   1. the PEP 658/714 `.metadata` file, its own digest checked when the index gives one;
 *   2. a wheel's `*.dist-info/METADATA`, by HTTP range reads when the server honours them, else
 *      from a whole download that the artifact store then reuses for hashing;
 *   3. an sdist's PKG-INFO when it is Metadata 2.2+ and Requires-Dist is not Dynamic, or the
 *      static `[project]` table of its pyproject.toml.
 * Anything else needs a build backend, which we never run: an error names the package.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { parse as parseToml } from 'smol-toml';
import { fileGoneError } from '../download/file-gone.js';
import { computedAlgorithm } from '../download/hashing.js';
import { PinHashesError } from '../errors.js';
import type { HttpClient } from '../http/client.js';
import { HttpError } from '../http/errors.js';
import { redactUrl } from '../http/redact.js';
import { fetchOptionalBody } from '../http/optional-body.js';
import { withRetries, type RetryPolicy } from '../http/retry.js';
import type { ArtifactStore } from '../download/artifact-store.js';
import type { IndexedFile } from '../package-index/types.js';
import { fileVersion } from '../package-index/links.js';
import { parseCoreMetadata, type CoreMetadata } from '../pep/metadata.js';
import { normalizeName, normalizeExtra, type PackageName } from '../pep/names.js';
import { Version } from '../pep/version.js';
import { formatRequirement, parseRequirement } from '../pep/requirement.js';
import { MetadataLedger, type MetadataSource } from './cross-check.js';
import { fileSource, probeRanges, type RangeProbe } from './sources.js';
import { readTarMembers } from './tar.js';
import { wheelMetadataEntry } from './wheel-layout.js';
import { readZipEntries, readZipMember, type RandomAccess } from './zip.js';

export type MetadataOrigin = 'metadata-file' | 'wheel' | 'sdist-pkg-info' | 'sdist-pyproject';

export interface DistributionMetadata {
  name: string;
  version: string;
  requiresDist: string[];
  requiresPython: string | null;
  providesExtra: string[];
  origin: MetadataOrigin;
}

export interface MetadataDeps {
  http: HttpClient;
  store: ArtifactStore;
  retry: RetryPolicy;
  /**
   * Records which metadata came from other bytes than the artifact's whole download, so the
   * store's inspection of the downloaded wheel can check it (see cross-check.ts). Optional: a
   * run without it does not cross-check.
   */
  ledger?: MetadataLedger | undefined;
  /**
   * A wheel's metadata needed its whole download: the index gave no `.metadata` file and the
   * server ignored the range request. Such an index makes every dependency wait for a download.
   */
  onWholeDownloadForMetadata?: ((file: IndexedFile) => void) | undefined;
}

/** Largest METADATA / PKG-INFO / pyproject.toml we read. Real ones are kilobytes. */
export const MAX_METADATA_BYTES = 8 * 1024 * 1024;

export class MetadataError extends PinHashesError {
  constructor(file: IndexedFile, problem: string, hint?: string, exitCode: 1 | 2 = 2) {
    super('BAD_METADATA', `${file.filename} (from ${file.source}): ${problem}`, { exitCode, hint: hint ?? defaultHint(file, exitCode) });
  }
}

function defaultHint(file: IndexedFile, exitCode: 1 | 2): string {
  if (exitCode === 1) {
    return 'The index serves a file whose metadata belongs to another release; nothing was written. Find out why before trusting this index (a broken mirror, a re-upload, tampering).';
  }
  const version = fileVersion(file);
  const exclude = version ? ` (add "${file.project}!=${version.toString()}" to the input)` : '';
  return `Exclude this release${exclude}, or report the broken file to the package maintainers or the index operator.`;
}

/** Archive errors (zip.ts, tar.ts) name the file but not the index: say both. */
function withSource(file: IndexedFile, error: unknown): unknown {
  if (!(error instanceof PinHashesError) || error.code !== 'BAD_ARCHIVE') return error;
  const prefix = `${file.filename}: `;
  const problem = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return new MetadataError(file, problem, error.hint, error.exitCode);
}

/**
 * The ladder itself. Callers go through MetadataService.read (metadata/service.ts), which tells the
 * ledger that a read begins before anything here runs.
 */
export async function readMetadata(file: IndexedFile, deps: MetadataDeps): Promise<DistributionMetadata> {
  try {
    let read: SourcedMetadata | undefined;
    if (file.coreMetadata) {
      const fromFile = await fetchMetadataFile(file, deps);
      if (fromFile) read = { metadata: fromFile, source: 'metadata-file' };
    }
    read ??= await readFromArtifact(file, deps);
    checkIdentity(file, read.metadata);
    deps.ledger?.record(file, read.metadata, read.source);
    return read.metadata;
  } catch (error) {
    deps.ledger?.record(file, undefined, 'same-bytes');
    throw error;
  }
}

interface SourcedMetadata {
  metadata: DistributionMetadata;
  source: MetadataSource;
}

async function readFromArtifact(file: IndexedFile, deps: MetadataDeps): Promise<SourcedMetadata> {
  if (file.kind === 'wheel') return readWheelMetadata(file, deps);
  return { metadata: await readSdistMetadata(file, deps), source: 'same-bytes' };
}

/** The METADATA of a whole wheel on disk: what the ledger compares the metadata used with. */
export async function readWheelMetadataAt(file: IndexedFile, path: string): Promise<DistributionMetadata> {
  const source = await fileSource(path);
  try {
    const metadata = await wheelMetadataFrom(source, file);
    checkIdentity(file, metadata);
    return metadata;
  } finally {
    await source.close();
  }
}

/** The METADATA bytes taken out of a wheel while it streamed (see zip-stream.ts). */
export function readWheelMetadataBytes(file: IndexedFile, bytes: Buffer): DistributionMetadata {
  const metadata = fromCoreMetadata(file, decodeText(file, bytes), 'wheel');
  checkIdentity(file, metadata);
  return metadata;
}

/** A ledger that reads wheels with this module's readers; give it to the store and to the MetadataService. */
export function createMetadataLedger(): MetadataLedger {
  return new MetadataLedger(readWheelMetadataAt, readWheelMetadataBytes);
}

/** Rung 1. Undefined when the index advertised the file but does not serve it (we fall through). */
async function fetchMetadataFile(file: IndexedFile, deps: MetadataDeps): Promise<DistributionMetadata | undefined> {
  const url = file.url + '.metadata';
  const body = await fetchOptionalBody(deps.http, url, {
    retry: deps.retry,
    absent: [404],
    max: MAX_METADATA_BYTES,
    tooLarge: (limit) => new MetadataError(file, `the .metadata file is larger than ${limit} bytes`),
  });
  if (body === undefined) return undefined;
  if (typeof file.coreMetadata === 'object') {
    for (const [alg, claimed] of Object.entries(file.coreMetadata)) {
      // The index's hashlib name mapped to Node's (sha3_256 -> sha3-256, blake2b -> blake2b512),
      // as for artifacts (Node rejects hashlib's spellings). pip keeps only md5, sha1 and sha2
      // claims and ignores these; we check every claim we can compute on purpose: an index whose
      // own claims disagree is not one to lock from (README, Faults).
      const nodeName = computedAlgorithm(alg);
      if (nodeName === undefined) continue;
      const computed = createHash(nodeName).update(body).digest('hex');
      if (computed !== claimed.toLowerCase()) {
        throw new MetadataError(
          file,
          `the index claims its .metadata file has ${alg} ${claimed}, but the downloaded bytes have ${computed} (${redactUrl(url)})`,
          'The index disagrees with itself; nothing was written. Find out why before trusting this index (a re-upload, a broken mirror, tampering).',
          1,
        );
      }
    }
  }
  return fromCoreMetadata(file, decodeText(file, body), 'metadata-file');
}

async function readWheelMetadata(file: IndexedFile, deps: MetadataDeps): Promise<SourcedMetadata> {
  if (file.url.startsWith('file:')) {
    const source = await fileSource(fileURLToPath(file.url));
    try {
      return { metadata: await wheelMetadataFrom(source, file), source: 'same-bytes' };
    } finally {
      await source.close();
    }
  }
  // The probe and the range reads are one unit of work for the retry owner: a read that breaks
  // starts over from the probe, so the tail and the member come from one answer of the server.
  const outcome = await withRetries(async (): Promise<DistributionMetadata | Exclude<RangeProbe, { kind: 'ranges' }>> => {
    const probe = await probeRanges(deps.http, file.url);
    return probe.kind === 'ranges' ? wheelMetadataFrom(probe.source, file) : probe;
  }, deps.retry).catch((error: unknown) => {
    throw fileGone(file, deps.http.wrapError(file.url, error));
  });
  if (!('kind' in outcome)) return { metadata: outcome, source: 'range-reads' };
  deps.onWholeDownloadForMetadata?.(file);
  const { path } = await deps.store.localCopy(file, outcome.kind === 'whole' ? outcome.response : undefined);
  const source = await fileSource(path);
  try {
    return { metadata: await wheelMetadataFrom(source, file), source: 'same-bytes' };
  } finally {
    await source.close();
  }
}

/** A listed file the server does not have is the index's fault, said in the store's words. */
function fileGone(file: IndexedFile, error: unknown): unknown {
  if (!(error instanceof HttpError) || (error.status !== 404 && error.status !== 410)) return error;
  return fileGoneError(file, error.status, error);
}

async function wheelMetadataFrom(source: RandomAccess, file: IndexedFile): Promise<DistributionMetadata> {
  try {
    return await readWheelMember(source, file);
  } catch (error) {
    throw withSource(file, error);
  }
}

async function readWheelMember(source: RandomAccess, file: IndexedFile): Promise<DistributionMetadata> {
  const layout = wheelMetadataEntry(await readZipEntries(source, file.filename), file.project);
  if (!layout.ok) throw new MetadataError(file, layout.problem, layout.notAWheel ? `This is not a valid wheel. ${defaultHint(file, 2)}` : undefined);
  const bytes = await readZipMember(source, layout.entry, file.filename, MAX_METADATA_BYTES);
  return fromCoreMetadata(file, decodeText(file, bytes), 'wheel');
}

async function readSdistMetadata(file: IndexedFile, deps: MetadataDeps): Promise<DistributionMetadata> {
  try {
    return await readSdistMembers(file, deps);
  } catch (error) {
    throw withSource(file, error);
  }
}

async function readSdistMembers(file: IndexedFile, deps: MetadataDeps): Promise<DistributionMetadata> {
  const path = file.url.startsWith('file:') ? fileURLToPath(file.url) : (await deps.store.localCopy(file)).path;
  const lower = file.filename.toLowerCase();
  let members: Map<string, Buffer>;
  if (lower.endsWith('.zip')) {
    members = await zipSdistMembers(path, file);
  } else if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) {
    members = await readTarMembers(
      createReadStream(path).pipe(createGunzip()),
      (name) => isTopLevel(name, 'PKG-INFO') || isTopLevel(name, 'pyproject.toml'),
      (found) => found.size >= 2,
      file.filename,
      MAX_METADATA_BYTES,
    );
  } else if (lower.endsWith('.tar')) {
    members = await readTarMembers(
      createReadStream(path),
      (name) => isTopLevel(name, 'PKG-INFO') || isTopLevel(name, 'pyproject.toml'),
      (found) => found.size >= 2,
      file.filename,
      MAX_METADATA_BYTES,
    );
  } else {
    throw new MetadataError(
      file,
      'pin-hashes cannot read metadata from this archive format',
      'Use a wheel for this package (--only-binary NAME) or ask the maintainers for a .tar.gz sdist.',
    );
  }
  const pkgInfo = findMember(members, 'PKG-INFO');
  let pkgInfoMetadata: CoreMetadata | undefined;
  if (pkgInfo) {
    pkgInfoMetadata = parseCoreMetadata(decodeText(file, pkgInfo));
    const dynamic = new Set(pkgInfoMetadata.dynamic.map((f) => f.toLowerCase()));
    const version = Number.parseFloat(pkgInfoMetadata.metadataVersion);
    if (version >= 2.2 && !dynamic.has('requires-dist') && !dynamic.has('requires-python') && !dynamic.has('provides-extra')) {
      return toDistribution(pkgInfoMetadata, 'sdist-pkg-info');
    }
  }
  const pyproject = findMember(members, 'pyproject.toml');
  if (pyproject) {
    const fromPyproject = staticPyproject(file, decodeText(file, pyproject));
    if (fromPyproject) return fromPyproject;
  }
  throw new MetadataError(
    file,
    'its dependencies can only be known by running its build backend, which pin-hashes never does ' +
      '(no Metadata 2.2+ PKG-INFO with static Requires-Dist, no static [project] dependencies)',
    `Use a wheel: pass --only-binary ${file.project}, or publish a wheel for this version.`,
  );
}

async function zipSdistMembers(path: string, file: IndexedFile): Promise<Map<string, Buffer>> {
  const source = await fileSource(path);
  try {
    const entries = await readZipEntries(source, file.filename);
    const out = new Map<string, Buffer>();
    for (const entry of entries) {
      if (isTopLevel(entry.name, 'PKG-INFO') || isTopLevel(entry.name, 'pyproject.toml')) {
        out.set(entry.name, await readZipMember(source, entry, file.filename, MAX_METADATA_BYTES));
        // As for tar sdists: the first two, so a hostile archive with thousands of capped
        // members (a deflate bomb each) cannot make us hold them all.
        if (out.size >= 2) break;
      }
    }
    return out;
  } finally {
    await source.close();
  }
}

function isTopLevel(name: string, member: string): boolean {
  const parts = name.replace(/^\.\//, '').split('/');
  return parts.length === 2 && parts[1] === member;
}

function findMember(members: ReadonlyMap<string, Buffer>, member: string): Buffer | undefined {
  for (const [name, data] of members) if (isTopLevel(name, member)) return data;
  return undefined;
}

function staticPyproject(file: IndexedFile, text: string): DistributionMetadata | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw new MetadataError(file, `its pyproject.toml is not valid TOML (${error instanceof Error ? error.message.split('\n')[0] : ''})`);
  }
  const project = doc['project'];
  if (!isRecord(project)) return undefined;
  const dynamic = Array.isArray(project['dynamic']) ? project['dynamic'].map(String) : [];
  if (dynamic.some((d) => ['dependencies', 'optional-dependencies', 'requires-python'].includes(d))) return undefined;
  const name = typeof project['name'] === 'string' ? project['name'] : undefined;
  const version = typeof project['version'] === 'string' ? project['version'] : undefined;
  if (!name || !version) return undefined;
  const requiresDist: string[] = stringList(project['dependencies']);
  const providesExtra: string[] = [];
  const optional = project['optional-dependencies'];
  if (isRecord(optional)) {
    for (const [extraName, deps] of Object.entries(optional)) {
      const extra = normalizeExtra(extraName);
      providesExtra.push(extra);
      for (const dep of stringList(deps)) {
        const req = parseRequirement(dep);
        const base = formatRequirement({ ...req, marker: null });
        const marker = req.marker ? `(${req.marker.toString()}) and extra == "${extra}"` : `extra == "${extra}"`;
        requiresDist.push(`${base} ; ${marker}`);
      }
    }
  }
  const requiresPython = typeof project['requires-python'] === 'string' ? project['requires-python'] : null;
  return { name, version, requiresDist, requiresPython, providesExtra, origin: 'sdist-pyproject' };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function decodeText(file: IndexedFile, bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MetadataError(file, 'its metadata is not valid UTF-8', 'Core metadata must be UTF-8; report it to the maintainers.');
  }
}

function fromCoreMetadata(file: IndexedFile, text: string, origin: MetadataOrigin): DistributionMetadata {
  let parsed: CoreMetadata;
  try {
    parsed = parseCoreMetadata(text);
  } catch (error) {
    throw new MetadataError(
      file,
      `unreadable metadata (${error instanceof Error ? error.message : String(error)})`,
      error instanceof PinHashesError ? error.hint : undefined,
    );
  }
  return toDistribution(parsed, origin);
}

function toDistribution(parsed: CoreMetadata, origin: MetadataOrigin): DistributionMetadata {
  return {
    name: parsed.name,
    version: parsed.version,
    requiresDist: parsed.requiresDist,
    requiresPython: parsed.requiresPython,
    providesExtra: parsed.providesExtra.map(normalizeExtra),
    origin,
  };
}

/** The metadata must describe the file it came from (a renamed or swapped file is caught here). */
function checkIdentity(file: IndexedFile, metadata: DistributionMetadata): void {
  const name: PackageName = normalizeName(metadata.name);
  if (name !== file.project) {
    throw new MetadataError(file, `its metadata names the project "${metadata.name}", not ${file.project}`, undefined, 1);
  }
  const named = fileVersion(file);
  const metaVersion = Version.tryParse(metadata.version);
  if (named && metaVersion && !named.equals(metaVersion)) {
    throw new MetadataError(file, `its metadata says version ${metadata.version}, the filename says ${named.toString()}`, undefined, 1);
  }
}

