/**
 * The PEP 751 `pylock.toml` renderer: a pure function of the same Lock requirements.txt is made
 * from (PROTOCOLS.md 7). Every file of every pin is listed by name, URL, size, upload time (a TOML
 * datetime) and the sha256 we computed; the publisher pinned from PEP 740 attestations goes into
 * `attestation-identities`; what pin-hashes needs to regenerate and check the lock goes into
 * `[tool.pin-hashes]` and each package's `[packages.tool.pin-hashes]`. Deterministic bytes: sorted
 * packages and files, fixed key order, no timestamps but the recorded ones.
 */
import type { Evidence } from '../download/hashing.js';
import { isForgePublisher } from '../provenance/publisher.js';
import { provenanceLine } from '../provenance/record.js';
import { cooldownJson } from '../provider/cooldown.js';
import { digestPlaceholder, seal } from './lock-digest.js';
import { forTargets, sortPackages, type Lock, type LockedFile, type LockedPackage } from './model.js';

/** `pylock.toml` or `pylock.NAME.toml` (NAME without a dot), as PEP 751 names them. */
export function isPylockName(filename: string): boolean {
  return filename === 'pylock.toml' || /^pylock\.[^.]+\.toml$/.test(filename);
}

export function renderPylock(lock: Lock): string {
  const { header } = lock;
  const out: string[] = [
    ...forTargets(header).map((line) => `# ${line}`),
    '# To update, run:',
    '#',
    `#    ${header.command}`,
    '#',
    'lock-version = "1.0"',
    'created-by = "pin-hashes"',
  ];
  if (header.environment) {
    out.push(`requires-python = ${str(header.environment.requiresPython)}`, `environments = [${(header.environment.markers ?? [header.environment.marker]).map(str).join(', ')}]`);
  }
  out.push('extras = []', 'dependency-groups = []', 'default-groups = []');
  const packages = sortPackages(lock.packages);
  const dependents = dependenciesOf(packages);
  const index = header.indexes.length === 1 ? header.indexes[0] : undefined;
  for (const pkg of packages) out.push('', ...renderPackage(pkg, dependents.get(pkg.name) ?? [], index));
  out.push('', '[tool.pin-hashes]', ...toolTable(lock));
  return seal(out.join('\n') + '\n', 'pylock');
}

function renderPackage(pkg: LockedPackage, dependencies: readonly string[], index: string | undefined): string[] {
  const out = ['[[packages]]', `name = ${str(pkg.name)}`, `version = ${str(pkg.version.toString())}`];
  if (pkg.marker !== undefined) out.push(`marker = ${str(pkg.marker)}`);
  if (index !== undefined && pkg.url === null) out.push(`index = ${str(index.replace(/\/$/, ''))}`);
  out.push(`dependencies = [${dependencies.map((name) => `{ name = ${str(name)} }`).join(', ')}]`);
  const files = [...pkg.files].sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
  const wheels = files.filter((f) => f.filename.endsWith('.whl'));
  const sdists = files.filter((f) => !f.filename.endsWith('.whl'));
  if (wheels.length > 0) out.push('wheels = [', ...wheels.map((f) => `  ${fileTable(f)},`), ']');
  // PEP 751 has one sdist per package; a second source archive (a .zip beside a .tar.gz) has no place.
  const sdist = sdists[0];
  if (sdist) out.push(`sdist = ${fileTable(sdist)}`);
  const identity = pkg.provenance?.kind === 'attested' ? pkg.provenance.publisher : undefined;
  if (identity) {
    const fields: [string, string][] = [['kind', identity.kind]];
    if (isForgePublisher(identity)) {
      fields.push(['repository', identity.repository], [identity.kind === 'GitHub' ? 'workflow' : 'workflow_filepath', identity.workflow]);
      if (identity.environment) fields.push(['environment', identity.environment]);
    } else if (identity.kind === 'Google') fields.push(['email', identity.identity]);
    if (identity.kind !== 'Other') out.push(`attestation-identities = [${inline(fields)}]`);
  }
  out.push('', '[packages.tool.pin-hashes]', `via = [${pkg.via.map(str).join(', ')}]`);
  if (pkg.url !== null) out.push(`direct-url = ${str(pkg.url)}`);
  if (pkg.yanked) out.push('yanked = true');
  if (pkg.provenance) out.push(`provenance = ${str(provenanceLine(pkg.provenance).replace(/^# provenance: /, ''))}`);
  out.push(`evidence = [${files.map((f) => inline([['file', f.filename], ['evidence', f.evidenceNote ?? evidenceText(f.evidence)]])).join(', ')}]`);
  return out;
}

function fileTable(file: LockedFile): string {
  const parts = [`name = ${str(file.filename)}`, `url = ${str(file.url)}`, `size = ${file.size}`];
  if (typeof file.uploadTime === 'number') parts.push(`upload-time = ${datetime(file.uploadTime)}`);
  parts.push(`hashes = { sha256 = ${str(file.sha256)} }`);
  return `{ ${parts.join(', ')} }`;
}

function toolTable(lock: Lock): string[] {
  const { header } = lock;
  const out = [`tool-version = ${str(header.toolVersion)}`, header.targets ? `targets = [${header.targets.map(str).join(', ')}]` : `target = ${str(header.targetDescription)}`];
  if (header.argv) out.push(`command = [${header.argv.map(str).join(', ')}]`);
  out.push(`indexes = [${header.indexes.map(str).join(', ')}]`);
  out.push(header.trustRootSha256 === null ? 'attestations = "not verified"' : `trust-root-sha256 = ${str(header.trustRootSha256)}`);
  if (header.cooldown) {
    const c = cooldownJson(header.cooldown) as { excludeNewer: string | null; reference: string; cutoff: string | null };
    out.push(`cooldown-reference = ${str(c.reference)}`);
    if (c.excludeNewer !== null) out.push(`exclude-newer = ${str(c.excludeNewer)}`);
    if (c.cutoff !== null) out.push(`cooldown-cutoff = ${str(c.cutoff)}`);
  }
  if (header.inputsSha256 !== undefined) out.push(`inputs-sha256 = ${str(header.inputsSha256)}`);
  out.push(digestPlaceholder('pylock'));
  return out;
}

/** Packages each package depends on: the reverse of `via` (informational in PEP 751, as here). */
function dependenciesOf(packages: readonly LockedPackage[]): Map<string, string[]> {
  const names = new Set(packages.map((p) => p.name as string));
  const deps = new Map<string, string[]>();
  for (const pkg of packages) {
    for (const parent of pkg.via) {
      if (!names.has(parent)) continue;
      deps.set(parent, [...(deps.get(parent) ?? []), pkg.name]);
    }
  }
  // A name with a line per target set is one dependency, named once (the entries are informational).
  for (const [parent, list] of deps) deps.set(parent, [...new Set(list)].sort());
  return deps;
}

function evidenceText(evidence: readonly Evidence[]): string {
  return evidence
    .map((e) => (e.kind === 'computed' ? `sha256 computed (${e.from})` : e.kind === 'index-claim' ? `${e.algorithm} claim of ${e.source} agreed` : `size claim of ${e.source} agreed`))
    .join('; ');
}

function inline(fields: readonly [string, string][]): string {
  return `{ ${fields.map(([k, v]) => `${k} = ${str(v)}`).join(', ')} }`;
}

/** A TOML basic string. JSON's escapes are TOML's, except that TOML has no lone surrogates. */
function str(value: string): string {
  if (/[\ud800-\udfff]/u.test(value)) throw new Error(`Assertion failed: a lone surrogate in ${JSON.stringify(value)}`);
  return JSON.stringify(value).replace(/\u007f/g, '\\u007f');
}

/** A TOML offset datetime in UTC, to the microsecond PEP 700 gives (milliseconds here). */
function datetime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}
