/**
 * `npm run bench`: how fast pin-hashes locks, against the physical limit and against pip.
 *
 * By default generates a benchmark index with the project's own builder (300+ projects, several
 * versions, wheels of realistic sizes, several platform wheels for some versions, optionally one
 * 300 MB wheel). With `--real [DIR...]` it serves real wheels instead: the closure of each real set
 * (scripts/bench-real.ts) read from PEP 503 trees and find-links folders on disk (default: the ones
 * this machine's pip uses), each wheel's METADATA as its PEP 658 `.metadata` file. Either way the
 * index is served on 127.0.0.1 with per-response latency and a per-response bandwidth cap, PyPI-like
 * (`.metadata` files, Range, `Cache-Control: max-age=600, public`, ETag/304) or, with `--bare`, as a
 * bare static mirror (HTML pages only, none of those). Per set, as the median of several runs:
 *   floor  fetch + sha256 of exactly the files the lock pins, biggest first, same concurrency, nothing else
 *   cold   `lock` with an empty cache          warm  the same again (pages fresh by max-age=600)
 *   reval  warm with --refresh: every page revalidated (If-None-Match -> 304)
 *   bump   `lock -P` of one package after a release of it
 *   pip    `pip install --dry-run --report` (isolated) on the same index: the resolution a pip user waits for
 *   first request  from the cold run's child being spawned to the server seeing its first request,
 *                  next to the same for `node -e "http.get(URL)"` (what any Node program pays)
 * The server is primed first (every page once, unthrottled, so it has hashed its files). Wall time
 * and peak RSS of each child as /usr/bin/time reports them (when present), requests and bytes
 * served, each run's figures in --json; once per bench, `pin-hashes --version` next to
 * `node -e ''`. Not a test: the machine is noisy and the numbers are for people.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSdist, buildWheel, metadataText } from '../test/helpers/dists.js';
import { startIndexServer, type IndexFile, type IndexProject, type IndexServer, type IndexServerOptions, type RequestRecord } from '../test/helpers/index-server.js';
import { projectRoot } from '../test/helpers/paths.js';
import { DEFAULT_REAL_DIRS, HUGE_REQUIREMENT, Mirror, REAL_SETS, loadClosure, releaseAfter, type RealSet } from './bench-real.js';

interface Settings {
  projects: number;
  runs: number;
  latencyMs: number;
  bandwidthMBs: number;
  concurrency: number;
  huge: boolean;
  pip: boolean;
  json: string | undefined;
  /** Only build and serve the index (for profiling by hand) until interrupted. */
  serve: boolean;
  /** Print when each kind of request ran during the cold lock: where the time goes. */
  timeline: boolean;
  /** Folders of real wheels (PEP 503 trees or find-links folders); undefined: the synthetic index. */
  real: string[] | undefined;
  /** A bare static mirror: HTML pages, no .metadata files, no Range, no Cache-Control or ETags. */
  bare: boolean;
  /** Sets to run (`--set a,b`); empty: synthetic, or with --real every real set. */
  sets: string[];
  /** Runs of `pin-hashes --version` and of `node -e ''` (medians); 0 skips them. */
  startupRuns: number;
}

const USAGE =
  'npm run bench -- [--projects 300] [--runs 3] [--latency 30] [--bandwidth 50] [--concurrency 8] [--huge] [--no-pip] [--json out.json] [--serve] [--timeline]\n' +
  `                 [--real [DIR...]] [--bare] [--set NAME[,NAME]] [--startup-runs 10]\n` +
  `  --real with no DIR: ${DEFAULT_REAL_DIRS.join(' ')}\n` +
  `  sets: synthetic, ${REAL_SETS.map((s) => s.name).join(', ')}, huge (${HUGE_REQUIREMENT}; real mode with --huge)`;

function parseArgs(argv: string[]): Settings {
  const settings: Settings = { projects: 300, runs: 3, latencyMs: 30, bandwidthMBs: 50, concurrency: 8, huge: false, pip: true, json: undefined, serve: false, timeline: false, real: undefined, bare: false, sets: [], startupRuns: 10 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => argv[++i] ?? '';
    if (arg === '--projects') settings.projects = Number(value());
    else if (arg === '--runs') settings.runs = Number(value());
    else if (arg === '--latency') settings.latencyMs = Number(value());
    else if (arg === '--bandwidth') settings.bandwidthMBs = Number(value());
    else if (arg === '--concurrency') settings.concurrency = Number(value());
    else if (arg === '--huge') settings.huge = true;
    else if (arg === '--no-pip') settings.pip = false;
    else if (arg === '--json') settings.json = value();
    else if (arg === '--serve') settings.serve = true;
    else if (arg === '--timeline') settings.timeline = true;
    else if (arg === '--bare') settings.bare = true;
    else if (arg === '--set') settings.sets.push(...value().split(',').filter((s) => s !== ''));
    else if (arg === '--startup-runs') settings.startupRuns = Number(value());
    else if (arg === '--real') {
      const dirs: string[] = [];
      while (i + 1 < argv.length && !(argv[i + 1] ?? '').startsWith('--')) dirs.push(argv[++i] ?? '');
      settings.real = dirs.length > 0 ? dirs : [...DEFAULT_REAL_DIRS];
    } else if (arg === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  if (settings.real === undefined && settings.sets.some((s) => s !== 'synthetic')) settings.real = [...DEFAULT_REAL_DIRS];
  return settings;
}

/** A small deterministic PRNG (mulberry32), so every run benchmarks the same universe. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLATFORM_TAGS = ['cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64', 'cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64', 'cp312-cp312-macosx_11_0_arm64', 'cp312-cp312-win_amd64'];

function name(i: number): string {
  return `bench-pkg-${String(i).padStart(3, '0')}`;
}

/** Sizes: mostly 50 KB - 5 MB (log-uniform), a few 20-60 MB. */
function artifactSize(random: () => number, i: number): number {
  if (i % 60 === 7) return Math.round((20 + random() * 40) * 1024 * 1024);
  return Math.round(50 * 1024 * Math.pow(100, random()));
}

function buildBenchUniverse(settings: Settings): { projects: IndexProject[]; roots: string[] } {
  const random = prng(42);
  const deps = new Map<number, Set<number>>();
  for (let j = 1; j < settings.projects; j++) {
    // Every project is needed by an earlier one, so the closure of the roots is the whole universe.
    const parent = Math.floor(random() * j);
    if (!deps.has(parent)) deps.set(parent, new Set());
    deps.get(parent)?.add(j);
    if (random() < 0.5) {
      const other = Math.floor(random() * j);
      if (!deps.has(other)) deps.set(other, new Set());
      deps.get(other)?.add(j);
    }
  }
  const projects: IndexProject[] = [];
  for (let i = 0; i < settings.projects; i++) {
    const files: IndexFile[] = [];
    const versions = ['1.0.0', '1.1.0', '2.0.0'];
    for (const [v, version] of versions.entries()) {
      const latest = v === versions.length - 1;
      const requiresDist = [...(deps.get(i) ?? [])].map((d) => `${name(d)}>=1.0`);
      const spec = { name: name(i), version, requiresDist };
      const metadata = Buffer.from(metadataText(spec));
      // Older versions are never downloaded (metadata comes from .metadata files): keep them small.
      const size = latest ? artifactSize(random, i) : 2048;
      const tags = latest && i % 3 === 0 ? PLATFORM_TAGS : ['py3-none-any'];
      for (const tag of tags) {
        const wheel = buildWheel(spec, { tag, padBytes: size });
        files.push({ filename: wheel.filename, bytes: wheel.bytes, metadata });
      }
      const sdist = buildSdist(spec, { padBytes: Math.min(size, 256 * 1024) });
      files.push({ filename: sdist.filename, bytes: sdist.bytes });
    }
    projects.push({ name: name(i), files });
  }
  if (settings.huge) {
    const spec = { name: 'bench-huge', version: '1.0.0' };
    const wheel = buildWheel(spec, { padBytes: 300 * 1024 * 1024 });
    projects.push({ name: 'bench-huge', files: [{ filename: wheel.filename, bytes: wheel.bytes, metadata: Buffer.from(metadataText(spec)) }] });
  }
  return { projects, roots: settings.huge ? [name(0), 'bench-huge'] : [name(0)] };
}

interface Measure {
  wallMs: number;
  requests: number;
  bytes: number;
  rssMB: number | undefined;
  /**
   * From the child's 'spawn' event (libuv reports it once the exec succeeded, so the parent's own
   * fork cost is not in it) to the server's first request, both on this process's performance.now()
   * clock (RequestRecord.arrivedAt). Includes /usr/bin/time's fork+exec of the child.
   */
  firstRequestMs: number | undefined;
}

const TIME = '/usr/bin/time';

async function timed(server: IndexServer, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Measure & { stdout: string; code: number }> {
  server.clearRequests();
  const useTime = existsSync(TIME);
  const argv = useTime ? ['-f', 'PEAK_RSS_KB=%M ELAPSED_S=%e', command, ...args] : args;
  const started = performance.now();
  let spawnedAt = started;
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(useTime ? TIME : command, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.on('spawn', () => (spawnedAt = performance.now()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr.slice(-3000)}`);
  const rss = /PEAK_RSS_KB=(\d+)/.exec(result.stderr);
  // The child's own lifetime as /usr/bin/time saw it: forking this process (which holds the whole
  // benchmark index, over a GB) costs tens of milliseconds that a user's shell never pays.
  const elapsed = /ELAPSED_S=([\d.]+)/.exec(result.stderr);
  const wallMs = elapsed ? Number(elapsed[1]) * 1000 : performance.now() - started;
  const first = server.requests.length > 0 ? Math.min(...server.requests.map((r) => r.arrivedAt)) : undefined;
  return {
    wallMs,
    requests: server.requests.length,
    bytes: server.requests.reduce((n, r) => n + r.bytesSent, 0),
    rssMB: rss ? Number(rss[1]) / 1024 : undefined,
    firstRequestMs: first === undefined ? undefined : first - spawnedAt,
    stdout: result.stdout,
    code: result.code,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function summarize(samples: Measure[]): Measure {
  const rss = samples.map((s) => s.rssMB).filter((v): v is number => v !== undefined);
  const first = samples.map((s) => s.firstRequestMs).filter((v): v is number => v !== undefined);
  return {
    wallMs: median(samples.map((s) => s.wallMs)),
    requests: median(samples.map((s) => s.requests)),
    bytes: median(samples.map((s) => s.bytes)),
    rssMB: rss.length > 0 ? Math.max(...rss) : undefined,
    firstRequestMs: first.length > 0 ? median(first) : undefined,
  };
}

/** Wall time of one child from spawn() to exit, on this clock (no /usr/bin/time: its 10 ms steps are too coarse here). */
function wallOf(command: string, args: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });
}

interface Startup {
  runs: number;
  versionMs: number;
  nodeMs: number;
}

/**
 * `pin-hashes --version` next to `node -e ''`, alternating, median of each: what the CLI's module
 * graph adds to a bare node start. Run before any index is built, while this process is small.
 */
async function measureStartup(runs: number): Promise<Startup | undefined> {
  if (runs <= 0) return undefined;
  const version: number[] = [];
  const bare: number[] = [];
  // Page the files in once.
  await wallOf(process.execPath, [CLI, '--version']);
  await wallOf(process.execPath, ['-e', '']);
  for (let i = 0; i < runs; i++) {
    version.push(await wallOf(process.execPath, [CLI, '--version']));
    bare.push(await wallOf(process.execPath, ['-e', '']));
  }
  return { runs, versionMs: median(version), nodeMs: median(bare) };
}

/**
 * Per 250 ms of the run: requests of each kind that were in flight (averaged), so idle download
 * slots and a resolver waiting on pages show up. Times are the server's, from the first request.
 */
function printTimeline(requests: readonly RequestRecord[], concurrency: number): void {
  if (requests.length === 0) {
    console.error('timeline: no requests');
    return;
  }
  const start = Math.min(...requests.map((r) => r.arrivedAt));
  const end = Math.max(...requests.map((r) => r.endedAt ?? r.arrivedAt));
  const step = end - start > 4000 ? 250 : 100;
  const kinds = ['page', 'metadata', 'file'] as const;
  const kindOf = (r: RequestRecord): (typeof kinds)[number] => (r.kind === 'metadata' || r.kind === 'file' ? r.kind : 'page');
  console.error(`timeline (ms from the first request; average requests in flight; ${concurrency} download slots)`);
  console.error(`   ms |  pages | metadata |  files`);
  for (let t = start; t < end; t += step) {
    const busy = (kind: string): number =>
      requests
        .filter((r) => kindOf(r) === kind)
        .reduce((sum, r) => sum + Math.max(0, Math.min(t + step, r.endedAt ?? end) - Math.max(t, r.arrivedAt)), 0) / step;
    console.error(`${String(Math.round(t - start)).padStart(5)} | ${kinds.map((k) => busy(k).toFixed(1).padStart(k === 'metadata' ? 8 : 6)).join(' | ')}`);
  }
}

interface LockJson {
  packages: { name: string; version: string; files: { url: string; size: number }[] }[];
}

/** One thing to lock, with the index it is locked against. */
interface BenchSet {
  name: string;
  description: string;
  requirements: string[];
  projects: IndexProject[];
  /** pin-hashes' target flags, and pip's for the same target. */
  target: string[];
  pipTarget: string[];
  /** Publishes a new release of one package the lock pins: its name and version, and how to take it back. */
  release(server: IndexServer, lock: LockJson, run: number): { name: string; version: string; undo: () => void };
}

function syntheticSet(settings: Settings): BenchSet {
  console.error(`building ${settings.projects} projects${settings.huge ? ' and a 300 MB wheel' : ''}...`);
  const { projects, roots } = buildBenchUniverse(settings);
  return {
    name: 'synthetic',
    description: `${settings.projects} generated projects${settings.huge ? ' + 300 MB wheel' : ''}`,
    requirements: roots,
    projects,
    target: ['--python-version', '3.12.1', '--python-platform', 'x86_64-manylinux_2_36'],
    // pip needs --only-binary with a foreign --python-version/--platform; the target is the lock's.
    pipTarget: ['--python-version', '3.12', '--platform', 'manylinux2014_x86_64', '--only-binary', ':all:'],
    release(server, _lock, run) {
      // A release of one mid-graph package (the releases of earlier runs stay, as they always did).
      const bumped = name(Math.floor(settings.projects / 2));
      const release = buildWheel({ name: bumped, version: `3.0.${run}` }, { padBytes: 1024 * 1024 });
      server.addFile(bumped, { filename: release.filename, bytes: release.bytes, metadata: Buffer.from(metadataText({ name: bumped, version: `3.0.${run}` })) });
      return { name: bumped, version: `3.0.${run}`, undo: () => undefined };
    },
  };
}

/** pip 23 expands only manylinux2014/2010 to older tags: name every tag x86_64-manylinux_2_36 takes. */
const PIP_MANYLINUX_2_36 = [
  ...Array.from({ length: 32 }, (_, i) => `manylinux_2_${36 - i}_x86_64`),
  'manylinux2014_x86_64',
  'manylinux2010_x86_64',
  'manylinux1_x86_64',
].flatMap((p) => ['--platform', p]);

/** `1.2` -> `1.2.post1`, `2.9.0.post0` -> `2.9.0.post1`: newer than the pin, inside any `<next` bound. */
function nextPost(version: string): string {
  const post = /^(.*)\.post(\d+)$/.exec(version);
  return post ? `${post[1]}.post${Number(post[2]) + 1}` : `${version}.post1`;
}

const REAL_PYTHON = '3.11.7';

function realSet(mirror: Mirror, set: RealSet): BenchSet {
  const started = performance.now();
  const closure = loadClosure(mirror, set.requirements);
  const files = closure.projects.reduce((n, p) => n + p.files.length, 0);
  console.error(
    `${set.name}: read ${closure.projects.length} projects, ${files} files, ${(closure.bytes / 1024 / 1024).toFixed(0)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s` +
      (closure.absent.length > 0 ? ` (asked for but in no tree: ${closure.absent.join(' ')})` : ''),
  );
  return {
    name: set.name,
    description: set.description,
    requirements: set.requirements,
    projects: closure.projects,
    // This machine (the trees hold what its pip installs): 3.11 alone means 3.11.0 to the markers,
    // and redis then wants async-timeout (python_full_version < "3.11.3"), which no tree holds; its
    // glibc is 2.36, and debugpy (ipykernel's) is here as a manylinux_2_34 wheel only.
    target: ['--python-version', REAL_PYTHON, '--python-platform', 'x86_64-manylinux_2_36'],
    pipTarget: ['--python-version', REAL_PYTHON, ...PIP_MANYLINUX_2_36, '--only-binary', ':all:'],
    release(server, lock) {
      const pinned = lock.packages.find((p) => p.name.replace(/[-_.]+/g, '-').toLowerCase() === set.bump);
      const project = closure.projects.find((p) => p.name === set.bump);
      if (!pinned || !project) throw new Error(`bench: ${set.name} pins no ${set.bump} to bump`);
      const version = nextPost(pinned.version);
      const file = releaseAfter(project, pinned.version, version);
      server.addFile(project.name, file);
      // Taken back after the bump run, so every run starts from the same index.
      return { name: set.bump, version, undo: () => server.removeFile(project.name, file.filename) };
    },
  };
}

function chosenSets(settings: Settings): (() => BenchSet)[] {
  if (settings.real === undefined) return [() => syntheticSet(settings)];
  const mirror = new Mirror(settings.real);
  console.error(`real index: ${mirror.projectCount} projects in ${settings.real.join(' ')}`);
  const huge: RealSet = { name: 'huge', description: `${HUGE_REQUIREMENT} (the largest wheel that installs on the target)`, requirements: [HUGE_REQUIREMENT], bump: 'jinja2' };
  const real = [...REAL_SETS, ...(settings.huge ? [huge] : [])];
  const names = settings.sets.length > 0 ? settings.sets : real.map((s) => s.name);
  return names.map((wanted) => {
    if (wanted === 'synthetic') return () => syntheticSet(settings);
    const set = [...REAL_SETS, huge].find((s) => s.name === wanted);
    if (!set) throw new Error(`unknown set ${wanted}\n${USAGE}`);
    return () => realSet(mirror, set);
  });
}

function serverOptions(settings: Settings, projects: IndexProject[]): IndexServerOptions {
  const throttle = { projects, latencyMs: settings.latencyMs, bandwidthBytesPerSec: settings.bandwidthMBs * 1024 * 1024 };
  // A bare static mirror: index.html files and the files, nothing a static folder cannot serve.
  if (settings.bare) return { ...throttle, format: 'html', metadataFiles: false, ranges: false, etags: false, pageCacheControl: undefined };
  // Pages say how long they stay fresh and carry an ETag, as PyPI's do (max-age=600).
  return { ...throttle, pageCacheControl: 'max-age=600, public' };
}

const KINDS = ['floor', 'cold', 'warm', 'reval', 'bump', 'pip'] as const;
type Kind = (typeof KINDS)[number];

interface RunContext {
  settings: Settings;
  set: BenchSet;
  server: IndexServer;
  work: string;
  results: Record<Kind, Measure[]>;
  pins: number[];
  bumped: string | undefined;
  nodeFirstRequestMs?: number | undefined;
}

/** Every URL a lock or pip took must be the loopback server's: nothing may come from elsewhere. */
function assertServed(server: IndexServer, urls: readonly string[], who: string): void {
  const stray = urls.filter((u) => !u.startsWith(`${server.origin}/`));
  if (stray.length > 0) throw new Error(`bench: ${who} took files from outside the bench server: ${stray.slice(0, 3).join(' ')}`);
}

function pipEnv(): NodeJS.ProcessEnv {
  // Isolated: no pip.conf (it names this machine's mirrors), no PIP_* variable (PIP_FIND_LINKS...).
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PIP_')));
  return { ...env, PIP_CONFIG_FILE: '/dev/null', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
}

async function runPip(ctx: RunContext): Promise<void> {
  const { work, server, set } = ctx;
  const report = join(work, 'report.json');
  rmSync(report, { force: true });
  const pipArgs = ['-m', 'pip', 'install', '--isolated', '--no-cache-dir', '--dry-run', '--target', join(work, 'pip-target'), '--report', report, '-q'];
  pipArgs.push(...set.pipTarget, '--index-url', server.url, '-r', 'requirements.in');
  try {
    const measure = await timed(server, 'python3', pipArgs, work, pipEnv());
    const installed = (JSON.parse(readFileSync(report, 'utf8')) as { install: { download_info: { url: string } }[] }).install;
    assertServed(server, installed.map((i) => i.download_info.url), 'pip');
    ctx.results.pip.push(measure);
  } catch (error) {
    console.error(`pip failed, left out: ${String(error).slice(0, 600)}`);
    ctx.settings.pip = false;
  }
}

let compileCacheDir: string | undefined;

/** The bench's own compile-cache folder (made once, private: not a predictable shared path). */
function compileCache(): string {
  compileCacheDir ??= mkdtempSync(join(tmpdir(), 'pin-hashes-bench-compile-'));
  return compileCacheDir;
}

const CLI = join(projectRoot, 'bin', 'pin-hashes.js');

/**
 * The environment of a lock run: this digest cache, the bench's compile cache (see runOnce), and
 * no PIP_INDEX_URL / PIP_EXTRA_INDEX_URL, which would add indexes to pin-hashes' own.
 */
function lockEnv(digestCache: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PIN_HASHES_CACHE_DIR: digestCache, NODE_COMPILE_CACHE: compileCache() };
  delete env['PIP_INDEX_URL'];
  delete env['PIP_EXTRA_INDEX_URL'];
  return env;
}

/**
 * One untimed lock with a throwaway digest cache: it fills the compile cache and the OS's file
 * cache, as a user's earlier runs of pin-hashes have, so no timed run pays for the first use ever.
 */
async function warmUp(ctx: RunContext): Promise<void> {
  const scratch = join(ctx.work, 'warm-up');
  mkdirSync(scratch);
  const env = lockEnv(join(scratch, 'cache'));
  await timed(ctx.server, process.execPath, [CLI, 'lock', 'requirements.in', '-i', ctx.server.url, ...ctx.set.target, '-q', '-o', join(scratch, 'lock.txt')], ctx.work, env);
  rmSync(scratch, { recursive: true, force: true });
  ctx.server.clearRequests();
}

async function runOnce(ctx: RunContext, run: number): Promise<void> {
  const { settings, set, server, work, results } = ctx;
  // A cold lock has an empty digest cache, but V8's compile cache is the one a user's earlier runs
  // of pin-hashes left (it sits in the cache folder by default): one for the whole bench, filled
  // by an untimed lock before the first timed one (warmUp).
  const env = lockEnv(join(work, `cache-${run}`));
  rmSync(join(work, 'requirements.txt'), { force: true });
  const lockArgs = [CLI, 'lock', 'requirements.in', '-i', server.url, '--concurrency', String(settings.concurrency), ...set.target, '-q'];
  const cold = await timed(server, process.execPath, [...lockArgs, '--json'], work, env);
  results.cold.push(cold);
  if (settings.timeline) printTimeline(server.requests, settings.concurrency);
  const lock = JSON.parse(cold.stdout) as LockJson;
  ctx.pins.push(lock.packages.length);
  // Biggest first: the floor is the best schedule of these downloads on these connections, so a
  // lock that starts the biggest file late cannot look as fast as the floor.
  const files = lock.packages.flatMap((p) => p.files);
  const urls = [...files].sort((a, b) => b.size - a.size).map((f) => f.url);
  assertServed(server, urls, 'pin-hashes');
  writeFileSync(join(work, 'urls.json'), JSON.stringify(urls));
  results.floor.push(await timed(server, process.execPath, [join(projectRoot, 'dist', 'scripts', 'bench-floor.js'), join(work, 'urls.json'), String(settings.concurrency)], work, env));
  results.warm.push(await timed(server, process.execPath, lockArgs, work, env));
  if (settings.timeline) printTimeline(server.requests, settings.concurrency);
  // The same with every page asked again (304s): a cache older than the pages' max-age.
  results.reval.push(await timed(server, process.execPath, [...lockArgs, '--refresh'], work, env));
  // A release of one mid-graph package, then a bump of just that package.
  const release = set.release(server, lock, run);
  ctx.bumped = release.name;
  try {
    results.bump.push(await timed(server, process.execPath, [...lockArgs, '-P', release.name], work, env));
    // A bump that did not move the package measured nothing.
    const written = readFileSync(join(work, 'requirements.txt'), 'utf8');
    if (!new RegExp(`^${release.name.replace(/[-_.]+/g, '[-_.]+')}==${release.version.replace(/[.+]/g, '\\$&')}\\b`, 'im').test(written)) {
      throw new Error(`bench: lock -P ${release.name} did not pin the new release ${release.version}`);
    }
  } finally {
    release.undo();
  }
  if (settings.pip) await runPip(ctx);
}

interface SetResult {
  name: string;
  description: string;
  requirements: string[];
  pins: number;
  servedProjects: number;
  servedMB: number;
  bumped: string | undefined;
  summary: Partial<Record<Kind, Measure>>;
  /** Every run's wall time (ms) and the cold runs' times to first request: the spread behind the medians. */
  samples: Partial<Record<Kind | 'firstRequest', number[]>>;
  ratios: Record<string, number | undefined>;
  /** The same harness timing `node -e "http.get(URL)"`: what any Node program pays to its first request. */
  nodeFirstRequestMs: number | undefined;
}

/** Median time to first request of a bare Node one-liner that GETs a page, measured like the cold runs. */
async function nodeFirstRequest(server: IndexServer, work: string, runs: number): Promise<number | undefined> {
  const script = `require('node:http').get(${JSON.stringify(server.url)}, (r) => r.resume())`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const measure = await timed(server, process.execPath, ['-e', script], work, process.env);
    if (measure.firstRequestMs !== undefined) times.push(measure.firstRequestMs);
  }
  server.clearRequests();
  return times.length > 0 ? median(times) : undefined;
}

/**
 * One unthrottled GET of every project page before any timed run: the server hashes a project's
 * files when it first renders its page (a real index knows its digests from the upload), and that
 * must not land in the first cold run (it did: +0.5 s, and +170 ms on its first request).
 */
async function primeServer(server: IndexServer, settings: Settings, projects: readonly IndexProject[]): Promise<void> {
  server.configure({ latencyMs: 0, bandwidthBytesPerSec: 0 });
  for (const project of projects) {
    const response = await fetch(server.projectUrl(project.name));
    if (!response.ok) throw new Error(`bench: priming ${project.name}: HTTP ${response.status}`);
    await response.arrayBuffer();
  }
  server.configure({ latencyMs: settings.latencyMs, bandwidthBytesPerSec: settings.bandwidthMBs * 1024 * 1024 });
  server.clearRequests();
}

async function runSet(settings: Settings, set: BenchSet): Promise<SetResult | undefined> {
  const server = await startIndexServer(serverOptions(settings, set.projects));
  await primeServer(server, settings, set.projects);
  if (settings.serve) {
    console.log(`serving ${server.url} (${set.name}: ${set.requirements.join(' ')}); Ctrl-C stops`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    await server.close();
    return undefined;
  }
  const work = mkdtempSync(join(tmpdir(), 'pin-hashes-bench-'));
  const results: Record<Kind, Measure[]> = { floor: [], cold: [], warm: [], reval: [], bump: [], pip: [] };
  const ctx: RunContext = { settings: { ...settings }, set, server, work, results, pins: [], bumped: undefined, nodeFirstRequestMs: undefined };
  try {
    writeFileSync(join(work, 'requirements.in'), set.requirements.join('\n') + '\n');
    ctx.nodeFirstRequestMs = await nodeFirstRequest(server, work, 5);
    await warmUp(ctx);
    for (let run = 1; run <= settings.runs; run++) {
      console.error(`${set.name}: run ${run}/${settings.runs}`);
      await runOnce(ctx, run);
    }
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
  const summary: Partial<Record<Kind, Measure>> = Object.fromEntries(KINDS.filter((k) => results[k].length > 0).map((k) => [k, summarize(results[k])]));
  const ratio = (a: Kind, b: Kind): number | undefined => {
    const x = summary[a];
    const y = summary[b];
    return x && y ? x.wallMs / y.wallMs : undefined;
  };
  const ratios = { 'cold/floor': ratio('cold', 'floor'), 'warm/cold': ratio('warm', 'cold'), 'cold/pip': ratio('cold', 'pip') };
  const servedBytes = set.projects.reduce((n, p) => n + p.files.reduce((m, f) => m + f.bytes.length, 0), 0);
  const pins = median(ctx.pins);
  const samples: SetResult['samples'] = Object.fromEntries(KINDS.filter((k) => results[k].length > 0).map((k) => [k, results[k].map((m) => Math.round(m.wallMs))]));
  samples.firstRequest = results.cold.map((m) => Math.round(m.firstRequestMs ?? NaN));
  return {
    name: set.name,
    description: set.description,
    requirements: set.requirements,
    pins,
    servedProjects: set.projects.length,
    servedMB: servedBytes / 1024 / 1024,
    bumped: ctx.bumped,
    summary,
    samples,
    ratios,
    nodeFirstRequestMs: ctx.nodeFirstRequestMs,
  };
}

function printSet(settings: Settings, result: SetResult): void {
  const { summary } = result;
  const rows = KINDS.flatMap((k) => {
    const m = summary[k];
    if (!m) return [];
    return [`| ${k.padEnd(5)} | ${(m.wallMs / 1000).toFixed(2).padStart(8)} | ${String(m.requests).padStart(8)} | ${(m.bytes / 1024 / 1024).toFixed(1).padStart(9)} | ${m.rssMB === undefined ? '     n/a' : m.rssMB.toFixed(0).padStart(8)} |`];
  });
  const index = settings.bare ? 'bare static mirror' : 'PyPI-like index';
  console.log(`\nbenchmark ${result.name}: ${result.description}, ${result.pins} pins; ${index} of ${result.servedProjects} projects (${result.servedMB.toFixed(0)} MB), latency ${settings.latencyMs} ms, ${settings.bandwidthMBs} MB/s per connection, concurrency ${settings.concurrency}, median of ${settings.runs}\n`);
  console.log('| run   | wall (s) | requests | MB served | peak RSS MB |');
  console.log('|-------|----------|----------|-----------|-------------|');
  for (const row of rows) console.log(row);
  console.log('');
  for (const [k, v] of Object.entries(result.ratios)) if (v !== undefined) console.log(`${k}: ${v.toFixed(3)}`);
  const totalArtifactBytes = summary.floor?.bytes ?? 0;
  const coldBytes = summary.cold?.bytes ?? 0;
  if (totalArtifactBytes > 0) console.log(`resolution bytes beyond the artifacts: ${(((coldBytes - totalArtifactBytes) / totalArtifactBytes) * 100).toFixed(2)}% of artifact bytes`);
  if (summary.cold?.firstRequestMs !== undefined) console.log(`time to first request (cold): ${summary.cold.firstRequestMs.toFixed(0)} ms`);
}

function printTable(settings: Settings, results: SetResult[], startup: Startup | undefined): void {
  const s = (m: Measure | undefined): string => (m === undefined ? 'n/a' : (m.wallMs / 1000).toFixed(2));
  const rssOf = (r: SetResult): number | undefined => {
    const values = (['cold', 'warm', 'reval', 'bump'] as const).map((k) => r.summary[k]?.rssMB).filter((v): v is number => v !== undefined);
    return values.length > 0 ? Math.max(...values) : undefined;
  };
  console.log(`\n${settings.bare ? 'bare static mirror' : 'PyPI-like index'}, latency ${settings.latencyMs} ms, ${settings.bandwidthMBs} MB/s per connection, concurrency ${settings.concurrency}, median of ${settings.runs} runs (seconds; peak RSS of pin-hashes' lock runs)\n`);
  console.log('| set | pins | floor | cold | warm | reval | bump | peak RSS MB | first request ms (node http.get) | pip |');
  console.log('|-----|-----:|------:|-----:|-----:|------:|-----:|------------:|---------------------------------:|----:|');
  for (const r of results) {
    const rss = rssOf(r);
    const first = r.summary.cold?.firstRequestMs;
    const cells = [r.name, String(r.pins), s(r.summary.floor), s(r.summary.cold), s(r.summary.warm), s(r.summary.reval), `${s(r.summary.bump)} (${r.bumped ?? '?'})`];
    const bare = r.nodeFirstRequestMs === undefined ? '' : ` (${r.nodeFirstRequestMs.toFixed(0)})`;
    cells.push(rss === undefined ? 'n/a' : rss.toFixed(0), first === undefined ? 'n/a' : `${first.toFixed(0)}${bare}`, s(r.summary.pip));
    console.log(`| ${cells.join(' | ')} |`);
  }
  if (startup) console.log(`\nstart-up, median of ${startup.runs}: pin-hashes --version ${startup.versionMs.toFixed(0)} ms, node -e '' ${startup.nodeMs.toFixed(0)} ms`);
}

async function main(): Promise<void> {
  const settings = parseArgs(process.argv.slice(2));
  const startup = settings.serve ? undefined : await measureStartup(settings.startupRuns);
  const results: SetResult[] = [];
  for (const makeSet of chosenSets(settings)) {
    const result = await runSet(settings, makeSet());
    if (!result) return;
    printSet(settings, result);
    results.push(result);
  }
  printTable(settings, results, startup);
  if (settings.json) writeFileSync(settings.json, JSON.stringify({ settings, startup, sets: results }, null, 2) + '\n');
  if (compileCacheDir) rmSync(compileCacheDir, { recursive: true, force: true });
}

await main();
