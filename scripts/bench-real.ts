/**
 * `npm run bench -- --real [DIR...]`: the bench on real wheels. Reads PEP 503 trees
 * (`DIR/<project>/index.html` whose links point at files on disk, e.g. `../../files/x.whl#sha256=`)
 * and flat find-links folders of wheels, and turns the projects a set needs into IndexProjects for
 * the loopback IndexServer. Only the closure of a set's requirements is read from disk (every
 * version of every project reachable through Requires-Dist, extras only when asked for), and each
 * wheel's `*.dist-info/METADATA` becomes its PEP 658 `.metadata` file, as PyPI serves it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { listZip, readZipEntry, readTar, gunzip } from '../test/helpers/archive.js';
import { buildWheel, normalizeName } from '../test/helpers/dists.js';
import type { IndexFile, IndexProject } from '../test/helpers/index-server.js';

/** The trees this machine's pip is configured with (pip.conf extra-index-url and find-links). */
export const DEFAULT_REAL_DIRS = ['/opt/pypi/simple', '/opt/pypi-more/simple', '/opt/wheels'];

export interface RealSet {
  name: string;
  description: string;
  requirements: string[];
  /**
   * The package the bump run moves: a new release of it (a `.post1` of the pinned version, the
   * same METADATA with the Version changed, a wheel of the pinned wheel's size and tags) is
   * published, then `lock -P` of it runs against the warm cache.
   */
  bump: string;
}

/** The real sets; every one locks for CPython 3.11.7 on x86_64-manylinux_2_36 (this machine) from the default trees. */
export const REAL_SETS: readonly RealSet[] = [
  {
    name: 'data-science',
    description: 'numpy/pandas/scipy/scikit-learn/matplotlib stack',
    requirements: ['numpy', 'pandas', 'scipy', 'scikit-learn', 'matplotlib', 'seaborn', 'statsmodels'],
    bump: 'python-dateutil',
  },
  {
    name: 'web',
    description: 'a dozen web-service requirements',
    requirements: ['django', 'flask', 'fastapi', 'uvicorn', 'sqlalchemy', 'alembic', 'kombu', 'requests', 'httpx', 'pydantic-settings', 'gunicorn', 'redis', 'pyjwt'],
    bump: 'anyio',
  },
  {
    name: 'docs-notebook',
    description: 'sphinx + jupyter/jupyterlab/notebook/nbconvert',
    requirements: ['sphinx', 'jupyter', 'jupyterlab', 'notebook', 'nbconvert', 'ipywidgets', 'jupyter-console', 'sphinxcontrib-jquery', 'pandas', 'matplotlib'],
    bump: 'nbformat',
  },
];

/** `--huge` in real mode: the largest wheel of the default trees that installs on the target. */
export const HUGE_REQUIREMENT = 'torch==2.13.0+cpu';

interface MirrorFile {
  filename: string;
  path: string;
}

/** Project name a wheel or sdist filename carries (normalized). */
function projectOfFilename(filename: string): string | undefined {
  if (filename.endsWith('.whl')) return normalizeName(filename.split('-')[0] ?? '');
  const stem = /^(.*)\.(tar\.gz|zip|tgz)$/.exec(filename)?.[1];
  if (stem === undefined || !stem.includes('-')) return undefined;
  return normalizeName(stem.slice(0, stem.lastIndexOf('-')));
}

/** File links of one PEP 503 page, resolved against the page's own location on disk. */
function pageLinks(pagePath: string): MirrorFile[] {
  const html = readFileSync(pagePath, 'utf8');
  const files: MirrorFile[] = [];
  for (const match of html.matchAll(/href="([^"]+)"/g)) {
    const href = (match[1] ?? '').replace(/&amp;/g, '&');
    const url = new URL(href, pathToFileURL(pagePath));
    if (url.protocol !== 'file:') continue;
    url.hash = '';
    const path = fileURLToPath(url);
    const filename = path.slice(path.lastIndexOf('/') + 1);
    files.push({ filename, path });
  }
  return files;
}

/** What a set of trees and folders holds: project -> files on disk (only the pages are read). */
export class Mirror {
  private readonly projects = new Map<string, MirrorFile[]>();
  readonly missingOnDisk: string[] = [];

  constructor(readonly dirs: readonly string[]) {
    for (const dir of dirs) {
      if (!existsSync(dir)) throw new Error(`--real: no such folder ${dir}`);
      const entries = readdirSync(dir, { withFileTypes: true });
      const tree = entries.some((e) => e.isDirectory() && existsSync(join(dir, e.name, 'index.html')));
      if (tree) {
        for (const e of entries) {
          const page = join(dir, e.name, 'index.html');
          if (e.isDirectory() && existsSync(page)) for (const file of pageLinks(page)) this.add(normalizeName(e.name), file);
        }
      } else {
        for (const e of entries) {
          const project = e.isFile() ? projectOfFilename(e.name) : undefined;
          if (project !== undefined) this.add(project, { filename: e.name, path: join(dir, e.name) });
        }
      }
    }
  }

  private add(project: string, file: MirrorFile): void {
    if (!existsSync(file.path)) {
      this.missingOnDisk.push(file.path);
      return;
    }
    const files = this.projects.get(project) ?? [];
    // The same file in two trees is one file of the merged index (the first tree's copy).
    if (!files.some((f) => f.filename === file.filename)) files.push(file);
    this.projects.set(project, files);
  }

  has(project: string): boolean {
    return this.projects.has(normalizeName(project));
  }

  files(project: string): readonly MirrorFile[] {
    return this.projects.get(normalizeName(project)) ?? [];
  }

  get projectCount(): number {
    return this.projects.size;
  }
}

/** `*.dist-info/METADATA` of a wheel (just that entry is inflated), or PKG-INFO of an sdist. */
export function realMetadata(filename: string, bytes: Buffer): Buffer | undefined {
  try {
    if (filename.endsWith('.whl')) {
      const hits = listZip(bytes).filter((e) => /^[^/]+\.dist-info\/METADATA$/.test(e.name));
      return hits.length === 1 && hits[0] ? readZipEntry(bytes, hits[0]) : undefined;
    }
    if (filename.endsWith('.tar.gz') || filename.endsWith('.tgz')) {
      const hits = [...readTar(gunzip(bytes))].filter(([name]) => /^[^/]+\/PKG-INFO$/.test(name));
      return hits.length === 1 ? hits[0]?.[1] : undefined;
    }
  } catch (error) {
    console.error(`bench: no metadata read from ${filename}: ${String(error)}`);
  }
  return undefined;
}

interface Requirement {
  name: string;
  extras: string[];
  /** The version of `name==X`, when pinned exactly. */
  exact: string | undefined;
}

export function parseRequirement(text: string): Requirement | undefined {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*(?:===?\s*([^\s;,]+)\s*(?:;|$))?/.exec(text);
  if (!match?.[1]) return undefined;
  const extras = (match[2] ?? '').split(',').map((e) => normalizeName(e.trim())).filter((e) => e !== '');
  return { name: normalizeName(match[1]), extras, exact: match[3] };
}

/** Requires-Dist of core metadata that apply with these extras (other markers count as true). */
function dependencies(metadata: Buffer, extras: ReadonlySet<string>): Requirement[] {
  const headers = metadata.toString('utf8').split(/\r?\n\r?\n/)[0] ?? '';
  const found: Requirement[] = [];
  for (const line of headers.split(/\r?\n/)) {
    if (!line.startsWith('Requires-Dist:')) continue;
    const value = line.slice('Requires-Dist:'.length).trim();
    const marker = value.includes(';') ? value.slice(value.indexOf(';') + 1) : '';
    const wanted = [...marker.matchAll(/extra\s*==\s*["']([^"']+)["']/g)].map((m) => normalizeName(m[1] ?? ''));
    if (wanted.length > 0 && !wanted.some((e) => extras.has(e))) continue;
    const requirement = parseRequirement(value);
    if (requirement) found.push({ ...requirement, exact: undefined });
  }
  return found;
}

function versionOf(filename: string): string | undefined {
  if (filename.endsWith('.whl')) return filename.split('-')[1];
  const stem = /^(.*)\.(tar\.gz|zip|tgz)$/.exec(filename)?.[1];
  return stem?.slice(stem.lastIndexOf('-') + 1);
}

export interface Closure {
  projects: IndexProject[];
  /** Names some Requires-Dist asks for that no tree holds (fine when a marker rules them out). */
  absent: string[];
  bytes: number;
}

/**
 * Every project reachable from the requirements, with all its files read into memory. A root
 * pinned with `==` is served with that version's files only (so `torch==2.13.0+cpu` does not pull
 * in the 550 MB CUDA build of another tree and its several GB of nvidia-* wheels).
 */
export function loadClosure(mirror: Mirror, requirements: readonly string[]): Closure {
  const loaded = new Map<string, { project: IndexProject; extras: Set<string> }>();
  const absent = new Set<string>();
  let bytes = 0;
  const queue: Requirement[] = requirements.map((r) => parseRequirement(r)).filter((r): r is Requirement => r !== undefined);
  const exact = new Map(queue.filter((r) => r.exact !== undefined).map((r) => [r.name, r.exact]));
  while (queue.length > 0) {
    const wanted = queue.shift();
    if (!wanted) break;
    if (!mirror.has(wanted.name)) {
      absent.add(wanted.name);
      continue;
    }
    let entry = loaded.get(wanted.name);
    const newExtras = wanted.extras.filter((e) => !entry?.extras.has(e));
    if (entry && newExtras.length === 0) continue;
    if (!entry) {
      const pinned = exact.get(wanted.name);
      const files: IndexFile[] = mirror
        .files(wanted.name)
        .filter((f) => pinned === undefined || versionOf(f.filename) === pinned)
        .map((f) => {
          const data = readFileSync(f.path);
          bytes += data.length;
          return { filename: f.filename, bytes: data, metadata: realMetadata(f.filename, data) };
        });
      entry = { project: { name: wanted.name, files }, extras: new Set() };
      loaded.set(wanted.name, entry);
    }
    // The base dependencies and those of the extras asked for so far (again on a later visit
    // with new extras: what is already loaded is skipped).
    for (const e of newExtras) entry.extras.add(e);
    const scope = entry.extras;
    for (const file of entry.project.files) {
      if (!(file.metadata instanceof Buffer)) continue;
      const deps = dependencies(file.metadata, scope);
      queue.push(...deps);
    }
  }
  return { projects: [...loaded.values()].map((e) => e.project), absent: [...absent].sort(), bytes };
}

/**
 * A new release of a pinned package: its METADATA with the version replaced, in a wheel with the
 * pinned wheel's tags and size. `pinnedFilename` is a wheel of the pinned version.
 */
export function releaseAfter(project: IndexProject, pinnedVersion: string, newVersion: string): IndexFile {
  const pinned = project.files.find((f) => f.filename.endsWith('.whl') && versionOf(f.filename) === pinnedVersion);
  if (!pinned || !(pinned.metadata instanceof Buffer)) throw new Error(`bench: no wheel with metadata of ${project.name} ${pinnedVersion} to release after`);
  const tag = pinned.filename.replace(/\.whl$/, '').split('-').slice(-3).join('-');
  const metadataText = pinned.metadata.toString('utf8').replace(/^Version: .*$/m, `Version: ${newVersion}`);
  const wheel = buildWheel({ name: project.name, version: newVersion }, { tag, padBytes: pinned.bytes.length, metadataOverride: metadataText });
  return { filename: wheel.filename, bytes: wheel.bytes, metadata: Buffer.from(metadataText) };
}
