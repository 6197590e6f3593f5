/**
 * The metadata that drove resolution must describe the bytes the lock hashes. When a wheel's
 * metadata came from other bytes than its own whole download (the PEP 658 `.metadata` file, or
 * range reads of the wheel, which may hit another version of the file than the later download),
 * the wheel's own METADATA is read once it was downloaded whole and compared field by field:
 * Name, Version, Requires-Dist, Requires-Python, Provides-Extra (what pip >= 26.2 reconciles).
 * A difference fails the lock with exit 1, like a digest mismatch: the index contradicts itself.
 *
 * The ledger is the ArtifactInspector of the artifact store: the store asks `wants(file)` when a
 * download starts, keeps a temp copy of the bytes it hashes for those files, and hands the copy
 * to `inspect()` after the claims were verified. Either side may come first: a download that ends
 * before the metadata read is remembered and compared when the metadata arrives.
 */
import type { ArtifactInspector } from '../download/inspector.js';
import { PinHashesError } from '../errors.js';
import type { IndexedFile } from '../package-index/types.js';
import { normalizeExtra, normalizeName } from '../pep/names.js';
import { formatRequirement, parseRequirement } from '../pep/requirement.js';
import { SpecifierSet } from '../pep/specifiers.js';
import { Version } from '../pep/version.js';
import type { DistributionMetadata } from './ladder.js';
import { wheelMetadataEntry } from './wheel-layout.js';
import { ZipMemberScanner, type ScanResult } from './zip-stream.js';

/** As the ladder's limit for METADATA: real ones are kilobytes. */
const MAX_SCANNED_METADATA_BYTES = 8 * 1024 * 1024;

/** The hook the artifact store calls (download/inspector.ts), with what a wheel's scan finds. */
export type WheelInspector = ArtifactInspector<ScanResult>;

/** Where the metadata the resolver used came from, relative to the artifact's hashed bytes. */
export type MetadataSource = 'metadata-file' | 'range-reads' | 'same-bytes';

export class MetadataMismatchError extends PinHashesError {
  constructor(file: IndexedFile, source: Exclude<MetadataSource, 'same-bytes'>, differences: readonly string[]) {
    const what = source === 'metadata-file' ? 'its .metadata file (PEP 658)' : 'the METADATA read from it by range requests earlier in this run';
    super(
      'METADATA_MISMATCH',
      `${file.filename} (from ${file.source}): ${what} disagrees with the METADATA inside the downloaded wheel\n` +
        differences.map((d) => `  ${d}`).join('\n'),
      {
        exitCode: 1,
        hint: 'The index serves metadata that does not describe its files; nothing was written. Find out why before trusting this index (a broken mirror, a re-upload, tampering).',
      },
    );
  }
}

/** Reads the METADATA of a whole wheel on disk (injected: the ladder owns the wheel reader). */
export type WheelMetadataReader = (file: IndexedFile, path: string) => Promise<DistributionMetadata>;
/** Reads METADATA bytes taken out of a wheel (injected, as above). */
export type MetadataBytesReader = (file: IndexedFile, bytes: Buffer) => DistributionMetadata;

interface Used {
  file: IndexedFile;
  metadata: DistributionMetadata;
  source: Exclude<MetadataSource, 'same-bytes'>;
}

export class MetadataLedger implements WheelInspector {
  readonly #readWheel: WheelMetadataReader;
  readonly #readBytes: MetadataBytesReader;
  /** Metadata reads started (the store may be asked about them before they end). */
  readonly #reading = new Set<string>();
  readonly #used = new Map<string, Used>();
  /** Wheels inspected before their metadata read ended: what their own METADATA says. */
  readonly #inspected = new Map<string, DistributionMetadata>();

  constructor(readWheel: WheelMetadataReader, readBytes: MetadataBytesReader) {
    this.#readWheel = readWheel;
    this.#readBytes = readBytes;
  }

  /** A metadata read of `file` starts (called synchronously when readMetadata is entered). */
  begin(file: IndexedFile): void {
    if (file.kind === 'wheel') this.#reading.add(file.url);
  }

  /** The metadata read of `file` ended (or failed: `metadata` undefined). */
  record(file: IndexedFile, metadata: DistributionMetadata | undefined, source: MetadataSource): void {
    this.#reading.delete(file.url);
    if (file.kind !== 'wheel' || metadata === undefined || source === 'same-bytes') {
      this.#inspected.delete(file.url);
      return;
    }
    this.#used.set(file.url, { file, metadata, source });
    const inspected = this.#inspected.get(file.url);
    if (inspected) {
      this.#inspected.delete(file.url);
      throwOnDifferences(this.#used.get(file.url), inspected);
    }
  }

  /**
   * Metadata of `file` taken from the digest cache of an earlier run: still compared with the
   * wheel when this run downloads it (from the cache we know how it was read, not which bytes).
   */
  recordCached(file: IndexedFile, metadata: DistributionMetadata): void {
    this.record(file, metadata, metadata.origin === 'metadata-file' ? 'metadata-file' : metadata.origin === 'wheel' ? 'range-reads' : 'same-bytes');
  }

  wants(file: IndexedFile): boolean {
    return file.kind === 'wheel' && (this.#reading.has(file.url) || this.#used.has(file.url));
  }

  scanner(file: IndexedFile): ZipMemberScanner {
    const project = normalizeName(file.project);
    // Local headers only say which members to keep; the central directory says which one counts.
    return new ZipMemberScanner(
      (name) => {
        const parts = name.split('/');
        return parts.length === 2 && parts[1] === 'METADATA' && (parts[0] ?? '').endsWith('.dist-info') && normalizeName(parts[0] ?? '').startsWith(project);
      },
      MAX_SCANNED_METADATA_BYTES,
      (entries) => {
        const layout = wheelMetadataEntry(entries, project);
        return layout.ok ? layout.entry : undefined;
      },
    );
  }

  async inspectScan(file: IndexedFile, scan: ScanResult): Promise<boolean> {
    if (scan.kind !== 'found') return false;
    this.#compare(file, this.#readBytes(file, scan.data));
    return true;
  }

  async inspect(file: IndexedFile, path: string): Promise<void> {
    if (!this.wants(file)) return;
    this.#compare(file, await this.#readWheel(file, path));
  }

  #compare(file: IndexedFile, actual: DistributionMetadata): void {
    if (!this.wants(file)) return;
    const used = this.#used.get(file.url);
    if (used) throwOnDifferences(used, actual);
    else if (this.#reading.has(file.url)) this.#inspected.set(file.url, actual);
  }
}

function throwOnDifferences(used: Used | undefined, actual: DistributionMetadata): void {
  if (!used) return;
  const differences = compareMetadata(used.metadata, actual);
  if (differences.length > 0) throw new MetadataMismatchError(used.file, used.source, differences);
}

/** Field-by-field differences, each as one line naming the field and both values; [] when equal. */
export function compareMetadata(used: DistributionMetadata, actual: DistributionMetadata): string[] {
  const differences: string[] = [];
  const field = (name: string, a: string, b: string): void => {
    if (a !== b) differences.push(`${name}: used ${a}, the wheel says ${b}`);
  };
  field('Name', normalizeName(used.name), normalizeName(actual.name));
  if (!sameVersion(used.version, actual.version)) differences.push(`Version: used ${used.version}, the wheel says ${actual.version}`);
  field('Requires-Dist', listed(used.requiresDist.map(canonicalRequirement)), listed(actual.requiresDist.map(canonicalRequirement)));
  field('Requires-Python', canonicalSpecifiers(used.requiresPython), canonicalSpecifiers(actual.requiresPython));
  field('Provides-Extra', listed(used.providesExtra.map(normalizeExtra)), listed(actual.providesExtra.map(normalizeExtra)));
  return differences;
}

/** Order and duplicates do not matter to a resolver; spelling does not either once parsed. */
function listed(values: readonly string[]): string {
  const unique = [...new Set(values)].sort();
  return unique.length === 0 ? '(none)' : `[${unique.map((v) => JSON.stringify(v)).join(', ')}]`;
}

/** PEP 440 equality (1.0 == 1.0.0); as written when either side does not parse. */
function sameVersion(a: string, b: string): boolean {
  const va = Version.tryParse(a);
  const vb = Version.tryParse(b);
  return va && vb ? va.equals(vb) : a.trim() === b.trim();
}

function canonicalRequirement(text: string): string {
  try {
    const requirement = parseRequirement(text);
    return formatRequirement({ ...requirement, rawName: requirement.name });
  } catch {
    // Unparseable on either side: compared as written (the resolver refuses it anyway).
    return text.trim();
  }
}

function canonicalSpecifiers(text: string | null): string {
  if (text === null || text.trim() === '') return '(none)';
  const parsed = SpecifierSet.tryParse(text);
  if (!parsed) return JSON.stringify(text.trim());
  const clauses = [...new Set(parsed.specifiers.map((s) => s.toString()))].sort();
  return clauses.length === 0 ? '(none)' : JSON.stringify(clauses.join(','));
}
