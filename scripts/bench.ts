/**
 * `npm run bench`: how fast pin-hashes locks, against the physical limit and against pip.
 *
 * Generates a benchmark index with the project's own builder (300+ projects, several versions,
 * wheels of realistic sizes, several platform wheels for some versions, optionally one 300 MB
 * wheel), serves it on 127.0.0.1 with per-request latency and a per-connection bandwidth cap,
 * and measures, as the median of several runs:
 *   floor  fetch + sha256 of exactly the files the lock pins, same concurrency, nothing else
 *   cold   `lock` with an empty cache          warm  the same again (pages fresh by max-age=600)
 *   reval  warm with --refresh: every page revalidated (If-None-Match -> 304)
 *   bump   `lock -P` of one package after a release of it
 *   pip    `pip install --dry-run --report` (isolated) on the same index: the resolution a pip user waits for
 * Wall time and peak RSS of each child as /usr/bin/time reports them (when present), requests and
 * bytes served. Not a test: the machine is noisy and the numbers are for people.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSdist, buildWheel, metadataText } from '../test/helpers/dists.js';
import { startIndexServer, type IndexFile, type IndexProject, type IndexServer, type RequestRecord } from '../test/helpers/index-server.js';
import { projectRoot } from '../test/helpers/paths.js';

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
}

function parseArgs(argv: string[]): Settings {
  const settings: Settings = { projects: 300, runs: 3, latencyMs: 30, bandwidthMBs: 50, concurrency: 8, huge: false, pip: true, json: undefined, serve: false, timeline: false };
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
    else if (arg === '--help') {
      console.log('npm run bench -- [--projects 300] [--runs 3] [--latency 30] [--bandwidth 50] [--concurrency 8] [--huge] [--no-pip] [--json out.json] [--serve] [--timeline]');
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
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
}

const TIME = '/usr/bin/time';

async function timed(server: IndexServer, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Measure & { stdout: string; code: number }> {
  server.clearRequests();
  const useTime = existsSync(TIME);
  const argv = useTime ? ['-f', 'PEAK_RSS_KB=%M ELAPSED_S=%e', command, ...args] : args;
  const started = performance.now();
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(useTime ? TIME : command, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
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
  return {
    wallMs,
    requests: server.requests.length,
    bytes: server.requests.reduce((n, r) => n + r.bytesSent, 0),
    rssMB: rss ? Number(rss[1]) / 1024 : undefined,
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
  return {
    wallMs: median(samples.map((s) => s.wallMs)),
    requests: median(samples.map((s) => s.requests)),
    bytes: median(samples.map((s) => s.bytes)),
    rssMB: rss.length > 0 ? Math.max(...rss) : undefined,
  };
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

async function main(): Promise<void> {
  const settings = parseArgs(process.argv.slice(2));
  console.error(`building ${settings.projects} projects${settings.huge ? ' and a 300 MB wheel' : ''}...`);
  const { projects, roots } = buildBenchUniverse(settings);
  // Pages say how long they stay fresh and carry an ETag, as PyPI's do (max-age=600).
  const server = await startIndexServer({
    projects,
    latencyMs: settings.latencyMs,
    bandwidthBytesPerSec: settings.bandwidthMBs * 1024 * 1024,
    pageCacheControl: 'max-age=600, public',
  });
  if (settings.serve) {
    console.log(`serving ${server.url} (requirements: ${roots.join(' ')}); Ctrl-C stops`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    await server.close();
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'pin-hashes-bench-'));
  const cli = join(projectRoot, 'bin', 'pin-hashes.js');
  const baseEnv: NodeJS.ProcessEnv = { ...process.env };
  const target = ['--python-version', '3.12.1', '--python-platform', 'x86_64-manylinux_2_36'];
  const results: Record<string, Measure[]> = { floor: [], cold: [], warm: [], reval: [], bump: [], pip: [] };
  try {
    writeFileSync(join(work, 'requirements.in'), roots.join('\n') + '\n');
    for (let run = 1; run <= settings.runs; run++) {
      console.error(`run ${run}/${settings.runs}`);
      const cache = join(work, `cache-${run}`);
      const env = { ...baseEnv, PIN_HASHES_CACHE_DIR: cache };
      rmSync(join(work, 'requirements.txt'), { force: true });
      const lockArgs = [cli, 'lock', 'requirements.in', '-i', server.url, '--concurrency', String(settings.concurrency), ...target, '-q'];
      const cold = await timed(server, process.execPath, [...lockArgs, '--json'], work, env);
      results['cold']?.push(cold);
      if (settings.timeline) printTimeline(server.requests, settings.concurrency);
      const lock = JSON.parse(cold.stdout) as { packages: { files: { url: string }[] }[] };
      const urls = lock.packages.flatMap((p) => p.files.map((f) => f.url));
      writeFileSync(join(work, 'urls.json'), JSON.stringify(urls));
      results['floor']?.push(await timed(server, process.execPath, [join(projectRoot, 'dist', 'scripts', 'bench-floor.js'), join(work, 'urls.json'), String(settings.concurrency)], work, env));
      results['warm']?.push(await timed(server, process.execPath, lockArgs, work, env));
      if (settings.timeline) printTimeline(server.requests, settings.concurrency);
      // The same with every page asked again (304s): a cache older than the pages' max-age.
      results['reval']?.push(await timed(server, process.execPath, [...lockArgs, '--refresh'], work, env));
      // A release of one mid-graph package, then a bump of just that package.
      const bumped = name(Math.floor(settings.projects / 2));
      const release = buildWheel({ name: bumped, version: `3.0.${run}` }, { padBytes: 1024 * 1024 });
      server.addFile(bumped, { filename: release.filename, bytes: release.bytes, metadata: Buffer.from(metadataText({ name: bumped, version: `3.0.${run}` })) });
      results['bump']?.push(await timed(server, process.execPath, [...lockArgs, '-P', bumped], work, env));
      if (settings.pip) {
        const pipEnv: NodeJS.ProcessEnv = { ...baseEnv, PIP_CONFIG_FILE: '/dev/null', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
        delete pipEnv['PIP_FIND_LINKS'];
        const pipArgs = ['-m', 'pip', 'install', '--isolated', '--no-cache-dir', '--dry-run', '--target', join(work, 'pip-target'), '--report', join(work, 'report.json'), '-q'];
        // pip needs --only-binary with a foreign --python-version/--platform; the target is the lock's.
        pipArgs.push('--python-version', '3.12', '--platform', 'manylinux2014_x86_64', '--only-binary', ':all:');
        pipArgs.push('--index-url', server.url, '-r', 'requirements.in');
        try {
          results['pip']?.push(await timed(server, 'python3', pipArgs, work, pipEnv));
        } catch (error) {
          console.error(`pip failed, left out: ${String(error).slice(0, 300)}`);
          settings.pip = false;
        }
      }
    }
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
  const summary = Object.fromEntries(Object.entries(results).filter(([, s]) => s.length > 0).map(([k, s]) => [k, summarize(s)]));
  const ratio = (a: string, b: string): number | undefined => {
    const x = summary[a];
    const y = summary[b];
    return x && y ? x.wallMs / y.wallMs : undefined;
  };
  const ratios = { 'cold/floor': ratio('cold', 'floor'), 'warm/cold': ratio('warm', 'cold'), 'cold/pip': ratio('cold', 'pip') };
  const rows = Object.entries(summary).map(([k, m]) => `| ${k.padEnd(5)} | ${(m.wallMs / 1000).toFixed(2).padStart(8)} | ${String(m.requests).padStart(8)} | ${(m.bytes / 1024 / 1024).toFixed(1).padStart(9)} | ${m.rssMB === undefined ? '     n/a' : m.rssMB.toFixed(0).padStart(8)} |`);
  console.log(`\nbenchmark: ${settings.projects} projects${settings.huge ? ' + 300 MB wheel' : ''}, latency ${settings.latencyMs} ms, ${settings.bandwidthMBs} MB/s per connection, concurrency ${settings.concurrency}, median of ${settings.runs}\n`);
  console.log('| run   | wall (s) | requests | MB served | peak RSS MB |');
  console.log('|-------|----------|----------|-----------|-------------|');
  for (const row of rows) console.log(row);
  console.log('');
  for (const [k, v] of Object.entries(ratios)) if (v !== undefined) console.log(`${k}: ${v.toFixed(3)}`);
  const totalArtifactBytes = summary['floor']?.bytes ?? 0;
  const coldBytes = summary['cold']?.bytes ?? 0;
  if (totalArtifactBytes > 0) console.log(`resolution bytes beyond the artifacts: ${(((coldBytes - totalArtifactBytes) / totalArtifactBytes) * 100).toFixed(2)}% of artifact bytes`);
  if (settings.json) writeFileSync(settings.json, JSON.stringify({ settings, summary, ratios }, null, 2) + '\n');
}

await main();
