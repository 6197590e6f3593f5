// Builds small but real wheels and sdists for tests and the demo: pip 23 installs the wheels,
// Python's zipfile/tarfile read both. Deterministic: the same spec gives the same bytes.
import { createHash } from 'node:crypto';
import { gunzip, gzip, readTar, readZip, writeTar, writeZip, type ZipEntryInput } from './archive.js';

export interface DistSpec {
  name: string;
  version: string;
  requiresDist?: string[];
  requiresPython?: string;
  /** When omitted, inferred from `extra == "..."` markers in requiresDist. */
  providesExtra?: string[];
  /** Default '2.1' for wheels, '2.2' for sdists. */
  metadataVersion?: string;
  summary?: string;
  /** Raw header lines appended after the generated ones, e.g. 'Dynamic: Requires-Dist'. */
  extraMetadataLines?: string[];
}

export interface WheelOptions {
  /** Compressed tag set as in the filename; default 'py3-none-any'. */
  tag?: string;
  /** Build tag, e.g. '1' or '2abc' (goes between version and tags). */
  buildTag?: string;
  /** Adds a stored file of this many pseudo-random bytes, so artifact sizes are realistic. */
  padBytes?: number;
  /** Raw METADATA text used instead of the generated one (hostile tests). */
  metadataOverride?: string;
  /** Leave METADATA out of the wheel. */
  omitMetadata?: boolean;
  /** Full `.dist-info` directory name, default `{escaped_name}-{version}.dist-info`. */
  distInfoName?: string;
  /** Deflate text members (default true); false stores everything. */
  deflate?: boolean;
}

export interface SdistOptions {
  /** PKG-INFO `Dynamic:` field names, e.g. ['Requires-Dist']. */
  dynamic?: string[];
  /** Raw pyproject.toml text replacing the generated one. */
  pyproject?: string;
  /** false leaves PKG-INFO out. */
  pkgInfo?: boolean;
  /** Raw PKG-INFO text replacing the generated one. */
  pkgInfoOverride?: string;
  /** Default 'tar.gz'. */
  format?: 'tar.gz' | 'zip';
  padBytes?: number;
}

export interface BuiltDist {
  filename: string;
  bytes: Buffer;
  /** The METADATA (wheel) or PKG-INFO (sdist) text inside the archive; undefined when omitted. */
  metadata: string | undefined;
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** PEP 503 normalized project name: lowercase, runs of `-_.` become `-`. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** Name as it appears in wheel and PEP 625 sdist filenames: runs of `-_.` become `_`, lowercased. */
export function escapeFilenameComponent(name: string): string {
  return name.replace(/[-_.]+/g, '_').toLowerCase();
}

export function wheelFilename(name: string, version: string, tag = 'py3-none-any', buildTag?: string): string {
  const build = buildTag === undefined ? '' : `-${buildTag}`;
  return `${escapeFilenameComponent(name)}-${version}${build}-${tag}.whl`;
}

export function sdistFilename(name: string, version: string, format: 'tar.gz' | 'zip' = 'tar.gz'): string {
  return `${escapeFilenameComponent(name)}-${version}.${format}`;
}

const EXTRA_MARKER = /\bextra\s*==\s*(['"])([^'"]*)\1/;

/** Extras named by `extra == "x"` markers, in first-seen order. */
export function extrasFromRequirements(requiresDist: readonly string[]): string[] {
  const found: string[] = [];
  for (const req of requiresDist) {
    const marker = req.split(';').slice(1).join(';');
    const match = EXTRA_MARKER.exec(marker);
    const extra = match?.[2];
    if (extra !== undefined && !found.includes(extra)) found.push(extra);
  }
  return found;
}

function coreMetadata(spec: DistSpec, defaultVersion: string, dynamic: readonly string[] = []): string {
  const lines = [
    `Metadata-Version: ${spec.metadataVersion ?? defaultVersion}`,
    `Name: ${spec.name}`,
    `Version: ${spec.version}`,
  ];
  if (spec.summary !== undefined) lines.push(`Summary: ${spec.summary}`);
  if (spec.requiresPython !== undefined) lines.push(`Requires-Python: ${spec.requiresPython}`);
  for (const field of dynamic) lines.push(`Dynamic: ${field}`);
  const requiresDist = spec.requiresDist ?? [];
  for (const extra of spec.providesExtra ?? extrasFromRequirements(requiresDist)) lines.push(`Provides-Extra: ${extra}`);
  for (const req of requiresDist) lines.push(`Requires-Dist: ${req}`);
  lines.push(...(spec.extraMetadataLines ?? []));
  return lines.join('\n') + '\n\n';
}

/** The METADATA text buildWheel puts in the wheel (serve it as `<wheel>.metadata`). */
export function metadataText(spec: DistSpec): string {
  return coreMetadata(spec, '2.1');
}

/** The PKG-INFO text buildSdist puts in the sdist. */
export function pkgInfoText(spec: DistSpec, dynamic: readonly string[] = []): string {
  return coreMetadata(spec, '2.2', dynamic);
}

/** Deterministic filler (xorshift32 seeded from the label): compresses badly, like real binaries. */
export function pseudoRandomBytes(length: number, seedLabel: string): Buffer {
  const out = Buffer.alloc(length);
  let state = createHash('sha256').update(seedLabel).digest().readUInt32LE(0) || 1;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out.writeUInt32LE(state >>> 0, i);
  }
  for (; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

/** Expands a compressed tag set ('py2.py3-none-any') into its cartesian product. */
export function expandTags(tag: string): string[] {
  const parts = tag.split('-');
  const [py, abi, plat] = parts;
  if (parts.length !== 3 || py === undefined || abi === undefined || plat === undefined) {
    throw new Error(`Assertion failed: tag set must have three parts: ${tag}`);
  }
  const tags: string[] = [];
  for (const p of py.split('.')) for (const a of abi.split('.')) for (const pl of plat.split('.')) tags.push(`${p}-${a}-${pl}`);
  return tags;
}

function recordDigest(data: Buffer): string {
  return 'sha256=' + createHash('sha256').update(data).digest('base64url');
}

function moduleName(name: string): string {
  return escapeFilenameComponent(name);
}

export function buildWheel(spec: DistSpec, opts: WheelOptions = {}): BuiltDist {
  const tag = opts.tag ?? 'py3-none-any';
  const escaped = escapeFilenameComponent(spec.name);
  const distInfo = opts.distInfoName ?? `${escaped}-${spec.version}.dist-info`;
  const pkg = moduleName(spec.name);
  const method = opts.deflate === false ? 'stored' : 'deflate';
  const metadata = opts.omitMetadata ? undefined : (opts.metadataOverride ?? metadataText(spec));
  const purelib = tag.endsWith('-any');

  const files: ZipEntryInput[] = [
    { name: `${pkg}/__init__.py`, data: Buffer.from(`__version__ = ${JSON.stringify(spec.version)}\n`), method },
  ];
  if (opts.padBytes !== undefined && opts.padBytes > 0) {
    const seed = `${spec.name}-${spec.version}-${tag}-${opts.buildTag ?? ''}`;
    files.push({ name: `${pkg}/_pad.bin`, data: pseudoRandomBytes(opts.padBytes, seed), method: 'stored' });
  }
  if (metadata !== undefined) files.push({ name: `${distInfo}/METADATA`, data: Buffer.from(metadata), method });
  const wheelLines = [
    'Wheel-Version: 1.0',
    'Generator: pin-hashes-test-dists',
    `Root-Is-Purelib: ${purelib ? 'true' : 'false'}`,
    ...expandTags(tag).map((t) => `Tag: ${t}`),
  ];
  if (opts.buildTag !== undefined) wheelLines.push(`Build: ${opts.buildTag}`);
  files.push({ name: `${distInfo}/WHEEL`, data: Buffer.from(wheelLines.join('\n') + '\n\n'), method });

  const record = files.map((f) => `${f.name},${recordDigest(f.data)},${f.data.length}`);
  record.push(`${distInfo}/RECORD,,`);
  files.push({ name: `${distInfo}/RECORD`, data: Buffer.from(record.join('\n') + '\n'), method });

  return { filename: wheelFilename(spec.name, spec.version, tag, opts.buildTag), bytes: writeZip(files), metadata };
}

function tomlString(value: string): string {
  return JSON.stringify(value);
}

function tomlArray(values: readonly string[]): string {
  if (values.length === 0) return '[]';
  return '[\n' + values.map((v) => `  ${tomlString(v)},\n`).join('') + ']';
}

/** Splits `req; marker` into the requirement without its `extra == "x"` clause, and that extra. */
function splitExtra(requirement: string): { extra: string | undefined; requirement: string } {
  const semi = requirement.indexOf(';');
  if (semi === -1) return { extra: undefined, requirement };
  const base = requirement.slice(0, semi).trim();
  const marker = requirement.slice(semi + 1).trim();
  const match = EXTRA_MARKER.exec(marker);
  if (!match) return { extra: undefined, requirement };
  // Good enough for the `a and extra == "x"` shapes tests write; `or` around an extra is not
  // expressible in optional-dependencies anyway.
  const clause = match[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const rest = marker
    .replace(new RegExp(`\\s*\\band\\s+${clause}|${clause}\\s+and\\b\\s*|${clause}`), '')
    .trim();
  return { extra: match[2], requirement: rest ? `${base}; ${rest}` : base };
}

const DYNAMIC_TO_PYPROJECT: Readonly<Record<string, readonly string[]>> = {
  'requires-dist': ['dependencies', 'optional-dependencies'],
  'provides-extra': ['optional-dependencies'],
  'requires-python': ['requires-python'],
  summary: ['description'],
};

/** pyproject.toml with a static [project] table equivalent to the spec, built by hatchling. */
export function pyprojectText(spec: DistSpec, dynamic: readonly string[] = []): string {
  const dynamicKeys = [...new Set(dynamic.flatMap((f) => DYNAMIC_TO_PYPROJECT[f.toLowerCase()] ?? []))];
  const dependencies: string[] = [];
  const optional = new Map<string, string[]>();
  for (const req of spec.requiresDist ?? []) {
    const { extra, requirement } = splitExtra(req);
    if (extra === undefined) dependencies.push(requirement);
    else optional.set(extra, [...(optional.get(extra) ?? []), requirement]);
  }
  for (const extra of spec.providesExtra ?? []) if (!optional.has(extra)) optional.set(extra, []);

  const lines = [
    '[build-system]',
    'requires = ["hatchling"]',
    'build-backend = "hatchling.build"',
    '',
    '[project]',
    `name = ${tomlString(spec.name)}`,
    `version = ${tomlString(spec.version)}`,
  ];
  if (spec.summary !== undefined && !dynamicKeys.includes('description')) lines.push(`description = ${tomlString(spec.summary)}`);
  if (spec.requiresPython !== undefined && !dynamicKeys.includes('requires-python')) {
    lines.push(`requires-python = ${tomlString(spec.requiresPython)}`);
  }
  if (!dynamicKeys.includes('dependencies')) lines.push(`dependencies = ${tomlArray(dependencies)}`);
  if (dynamicKeys.length > 0) lines.push(`dynamic = ${tomlArray(dynamicKeys)}`);
  if (optional.size > 0 && !dynamicKeys.includes('optional-dependencies')) {
    lines.push('', '[project.optional-dependencies]');
    for (const [extra, reqs] of optional) lines.push(`${tomlString(extra)} = ${tomlArray(reqs)}`);
  }
  return lines.join('\n') + '\n';
}

export function buildSdist(spec: DistSpec, opts: SdistOptions = {}): BuiltDist {
  const format = opts.format ?? 'tar.gz';
  const filename = sdistFilename(spec.name, spec.version, format);
  const top = `${escapeFilenameComponent(spec.name)}-${spec.version}`;
  const pkg = moduleName(spec.name);
  const dynamic = opts.dynamic ?? [];
  const metadata = opts.pkgInfo === false ? undefined : (opts.pkgInfoOverride ?? pkgInfoText(spec, dynamic));

  const files: { name: string; data: Buffer }[] = [];
  if (metadata !== undefined) files.push({ name: `${top}/PKG-INFO`, data: Buffer.from(metadata) });
  files.push({ name: `${top}/pyproject.toml`, data: Buffer.from(opts.pyproject ?? pyprojectText(spec, dynamic)) });
  files.push({ name: `${top}/src/${pkg}/__init__.py`, data: Buffer.from(`__version__ = ${JSON.stringify(spec.version)}\n`) });
  if (opts.padBytes !== undefined && opts.padBytes > 0) {
    files.push({ name: `${top}/src/${pkg}/_pad.bin`, data: pseudoRandomBytes(opts.padBytes, `${spec.name}-${spec.version}-sdist`) });
  }

  if (format === 'zip') {
    const bytes = writeZip(files.map((f) => ({ ...f, method: f.name.endsWith('.bin') ? 'stored' : 'deflate' })));
    return { filename, bytes, metadata };
  }
  const bytes = gzip(
    writeTar([
      { name: top, type: 'directory' },
      { name: `${top}/src`, type: 'directory' },
      { name: `${top}/src/${pkg}`, type: 'directory' },
      ...files.map((f) => ({ ...f, type: 'file' as const })),
    ]),
  );
  return { filename, bytes, metadata };
}

/**
 * Core metadata read back from a built (or any simple) wheel or sdist: the single top-level
 * `*.dist-info/METADATA` of a wheel, or `<top>/PKG-INFO` of an sdist. Undefined when absent.
 */
export function extractMetadata(filename: string, bytes: Buffer): Buffer | undefined {
  const lower = filename.toLowerCase();
  if (lower.endsWith('.whl')) {
    const hits = [...readZip(bytes)].filter(([name]) => /^[^/]+\.dist-info\/METADATA$/.test(name));
    return hits.length === 1 ? hits[0]?.[1] : undefined;
  }
  let files: Map<string, Buffer>;
  if (lower.endsWith('.zip')) files = readZip(bytes);
  else if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) files = readTar(gunzip(bytes));
  else return undefined;
  const hits = [...files].filter(([name]) => /^[^/]+\/PKG-INFO$/.test(name));
  return hits.length === 1 ? hits[0]?.[1] : undefined;
}
