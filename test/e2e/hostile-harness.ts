// Shared by the hostile, secrets and interrupt suites: a workspace per case (input, previous
// lock, cache, HOME and TMPDIR of its own), the built CLI run with quick retry settings and an
// index URL that carries test credentials, and the checks every case makes: exit code, message
// (what, where, what to do), the previous lock byte for byte, and no credential anywhere.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';

export const TARGET = ['--python-version', '3.12.1', '--python-platform', 'x86_64-manylinux_2_36'];

/** Credentials no output may ever show. Distinct enough that a grep cannot hit by chance. */
export const TEST_USER = 'hostile-user-q7x';
export const TEST_TOKEN = 'tok3n-Zr81vQ05pLk';
export const TEST_SECRETS = [TEST_USER, TEST_TOKEN, Buffer.from(`${TEST_USER}:${TEST_TOKEN}`).toString('base64')];
export const TEST_AUTH = { username: TEST_USER, password: TEST_TOKEN };

/** Quick but real: 3 attempts, millisecond backoff, a two-second stall timeout. */
export const QUICK_ENV: Record<string, string> = {
  PIN_HASHES_RETRIES: '2',
  PIN_HASHES_RETRY_BASE_MS: '5',
  PIN_HASHES_TIMEOUT: '2',
};

/** The index URL with the test credentials in its userinfo, as a user of a private index writes it. */
export function withCredentials(url: string, user = TEST_USER, token = TEST_TOKEN): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = token;
  return parsed.toString();
}

export interface Workspace {
  dir: string;
  /** requirements.txt */
  output: string;
  /** Every CLI run in this workspace, for the final grep. */
  runs: CliResult[];
  /** Environment every run gets: its own HOME, TMPDIR and cache, quick retries, no pip settings. */
  env: Record<string, string | undefined>;
  run(args: string[], env?: Record<string, string | undefined>, options?: { timeoutMs?: number }): Promise<CliResult>;
  writePrevious(content: string): Promise<void>;
  /** The previous lock is byte-identical and was not rewritten (same mtime). */
  assertPreviousUntouched(): Promise<void>;
  remove(): Promise<void>;
}

/** All workspaces made by this process, so a final test can grep everything they hold. */
export const allWorkspaces: Workspace[] = [];

export async function makeWorkspace(input = 'app\n', label = 'hostile'): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), `pin-hashes-${label}-`));
  await writeFile(join(dir, 'requirements.in'), input);
  await mkdir(join(dir, 'home'));
  await mkdir(join(dir, 'tmp'));
  const output = join(dir, 'requirements.txt');
  let previous: { content: string; mtimeMs: number } | undefined;
  const runs: CliResult[] = [];
  const env: Record<string, string | undefined> = {
    ...QUICK_ENV,
    HOME: join(dir, 'home'),
    TMPDIR: join(dir, 'tmp'),
    PIN_HASHES_CACHE_DIR: join(dir, 'cache'),
    NETRC: undefined,
    PIP_INDEX_URL: undefined,
    PIP_EXTRA_INDEX_URL: undefined,
    PIP_FIND_LINKS: undefined,
    PIP_CONFIG_FILE: '/dev/null',
    XDG_CACHE_HOME: undefined,
  };
  const ws: Workspace = {
    dir,
    output,
    runs,
    env,
    async run(args, extraEnv = {}, options = {}) {
      // undefined removes an inherited variable: spawn skips undefined values.
      const result = await runCli(args, { cwd: dir, env: { ...env, ...extraEnv }, timeoutMs: options.timeoutMs ?? 60_000 });
      runs.push(result);
      assertNoSecret(result.stdout, `stdout of ${args.join(' ')}`);
      assertNoSecret(result.stderr, `stderr of ${args.join(' ')}`);
      return result;
    },
    async writePrevious(content) {
      await writeFile(output, content);
      // An mtime in the past, so a rewrite with the same bytes would still show.
      const past = new Date(Date.now() - 60_000);
      await utimes(output, past, past);
      previous = { content, mtimeMs: (await stat(output)).mtimeMs };
    },
    async assertPreviousUntouched() {
      assert.ok(previous, 'writePrevious was called');
      assert.equal(await readFile(output, 'utf8'), previous.content, 'the previous lock is byte-identical');
      assert.equal((await stat(output)).mtimeMs, previous.mtimeMs, 'the previous lock was not rewritten');
      const leftovers = (await readdir(dir)).filter((name) => name.startsWith('.pin-hashes-tmp-'));
      assert.deepEqual(leftovers, [], 'no temp file beside the output');
    },
    async remove() {
      await rm(dir, { recursive: true, force: true });
    },
  };
  allWorkspaces.push(ws);
  return ws;
}

export function assertNoSecret(text: string, where: string, secrets: readonly string[] = TEST_SECRETS): void {
  for (const secret of secrets) {
    assert.ok(!text.includes(secret), `${where} shows a test credential:\n${text}`);
  }
}

/** Every file under `dir` (lock, temp leftovers, cache records, netrc excluded by the caller). */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * The acceptance grep: every stdout, stderr and file a workspace holds (the lock, the cache, temp
 * leftovers) is free of the test credentials. `allow` names files that hold them on purpose
 * (a netrc the test wrote, the input file with a credential in it).
 */
export async function grepWorkspacesForSecrets(workspaces: readonly Workspace[], allow: (path: string) => boolean = () => false): Promise<number> {
  let checked = 0;
  for (const ws of workspaces) {
    for (const run of ws.runs) {
      assertNoSecret(run.stdout, `a stdout in ${ws.dir}`);
      assertNoSecret(run.stderr, `a stderr in ${ws.dir}`);
      checked += 2;
    }
    for (const path of await filesUnder(ws.dir)) {
      if (allow(path)) continue;
      const bytes = await readFile(path);
      assertNoSecret(bytes.toString('latin1'), path);
      checked++;
    }
  }
  return checked;
}

/** The shape every failure message must have: `error: ...`, a `hint: ...`, no stack trace. */
export function assertFailureMessage(result: CliResult, code: 1 | 2, patterns: readonly RegExp[]): void {
  // HOSTILE_SHOW=1 prints every message, to review them as a user would read them.
  if (process.env['HOSTILE_SHOW']) process.stdout.write(`# ---\n${result.stderr.replace(/^/gm, '# ')}\n`);
  assert.equal(result.code, code, `exit code ${String(result.code)}, expected ${code}:\n${result.stderr}`);
  assert.match(result.stderr, /^error: /m, result.stderr);
  assert.match(result.stderr, /^hint: \S/m, `a hint says what to do:\n${result.stderr}`);
  assert.doesNotMatch(result.stderr, /\n\s+at /, `no stack trace:\n${result.stderr}`);
  assert.doesNotMatch(result.stderr, /internal error/, `not reported as our bug:\n${result.stderr}`);
  for (const pattern of patterns) assert.match(result.stderr, pattern, result.stderr);
}

/** `http://127.0.0.1:PORT` as a pattern: the message names the server (without credentials). */
export function originPattern(origin: string): RegExp {
  return new RegExp(origin.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export function pins(lock: string): string[] {
  return lock
    .split('\n')
    .filter((l) => /^[a-z0-9]/.test(l))
    .map((l) => l.replace(/ \\$/, ''));
}

export function hashesIn(lock: string): Set<string> {
  return new Set([...lock.matchAll(/--hash=sha256:([0-9a-f]{64})/g)].map((m) => m[1] ?? ''));
}
