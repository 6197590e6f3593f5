// Interruption: Ctrl-C (SIGINT) or SIGTERM in the middle of a download leaves the previous lock
// byte for byte, no temp file beside it and no temp folder in the run's TMPDIR; two `lock` runs
// writing the same output at once never leave (or show a reader) a torn file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliPath } from '../helpers/cli.js';
import { buildUniverse, startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { TARGET, TEST_AUTH, allWorkspaces, assertNoSecret, makeWorkspace, withCredentials, type Workspace } from './hostile-harness.js';
import { grepForSecretsThenCleanUp } from './hostile-harness-index.js';

/** app -> big; big's wheel takes ~10 s at the throttled rate, so there is time to interrupt it. */
function slowGraph() {
  return buildUniverse([
    { name: 'app', versions: { '1.0': { requiresDist: ['big'] } } },
    { name: 'big', versions: { '1.0': { padBytes: 2_000_000 } } },
  ]);
}

interface Child {
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }>;
  kill(signal: NodeJS.Signals): void;
}

function startLock(ws: Workspace, args: string[]): Child {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: ws.dir, env: { ...process.env, ...ws.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      ws.runs.push({ code, stdout, stderr });
      resolve({ code, signal, stderr, stdout });
    });
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  void exit.finally(() => clearTimeout(timer));
  return { exit, kill: (signal) => child.kill(signal) };
}

/** Resolves once the server has sent some bytes of `filename`, i.e. the run is mid-download. */
async function midDownload(server: IndexServer, filename: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (server.requests.some((r) => r.filename === filename && r.kind === 'file' && r.bytesSent > 0 && !r.completed)) return;
    await sleep(25);
  }
  throw new Error(`Assertion failed: ${filename} never started downloading`);
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  for (const mode of ['a temp copy (no ranges, no .metadata)', 'a streamed download (with .metadata)'] as const) {
    test(`${signal} in the middle of ${mode}: the previous lock is intact, no temp file is left`, async () => {
      const server = await startIndexServer({
        projects: slowGraph(),
        requireAuth: TEST_AUTH,
        bandwidthBytesPerSec: 200_000,
        ...(mode.startsWith('a temp copy') ? { metadataFiles: false, ranges: false } : {}),
      });
      const ws = await makeWorkspace('app\n', 'interrupt');
      const previous = '# a lock that was here before\nsomething==1.0 \\\n    --hash=sha256:' + '0'.repeat(64) + '\n';
      await ws.writePrevious(previous);
      try {
        const child = startLock(ws, ['lock', 'requirements.in', '-i', withCredentials(server.url), ...TARGET]);
        await midDownload(server, 'big-1.0-py3-none-any.whl');
        if (mode.startsWith('a temp copy')) {
          const during = await readdir(join(ws.dir, 'tmp'));
          assert.ok(during.some((n) => n.startsWith('pin-hashes-')), `the run keeps its copy in TMPDIR (${during.join(', ')})`);
        }
        child.kill(signal);
        const result = await child.exit;
        assert.ok(result.code === code || result.signal === signal, `exit ${String(result.code)} / ${String(result.signal)}:\n${result.stderr}`);
        assert.match(result.stderr, new RegExp(`interrupted \\(${signal}\\)`));
        assertNoSecret(result.stderr, 'stderr');
        await ws.assertPreviousUntouched();
        assert.deepEqual(await readdir(join(ws.dir, 'tmp')), [], 'no pin-hashes-* folder left in TMPDIR');
      } finally {
        await server.close();
      }
    });
  }
}

test('two lock runs writing the same output at once never leave or show a torn file', async () => {
  const server = await startIndexServer({
    projects: buildUniverse([
      { name: 'one', versions: { '1.0': { padBytes: 20_000 } } },
      { name: 'two', versions: { '1.0': { padBytes: 30_000 }, '2.0': { padBytes: 10_000 } } },
    ]),
    requireAuth: TEST_AUTH,
  });
  const ws = await makeWorkspace('one\n', 'concurrent');
  await writeFile(join(ws.dir, 'b.in'), 'two\n');
  const argsFor = (input: string) => ['lock', input, '-o', 'requirements.txt', '-i', withCredentials(server.url), ...TARGET];
  try {
    // What each run writes when it runs alone (the header names its input, so they differ).
    const wholeFiles = new Set<string>();
    for (const input of ['requirements.in', 'b.in']) {
      await writeFile(ws.output, '');
      const alone = await ws.run(argsFor(input));
      assert.equal(alone.code, 0, alone.stderr);
      wholeFiles.add(await readFile(ws.output, 'utf8'));
    }
    assert.equal(wholeFiles.size, 2);
    const previous = [...wholeFiles][0] ?? '';
    for (let round = 0; round < 4; round++) {
      await writeFile(ws.output, previous);
      const allowed = new Set([...wholeFiles, previous]);
      let reading = true;
      let reads = 0;
      const reader = (async () => {
        while (reading) {
          const seen = await readFile(ws.output, 'utf8');
          reads++;
          assert.ok(allowed.has(seen), `a reader saw a torn file (round ${round}):\n${seen}`);
          await sleep(1);
        }
      })();
      const [a, b] = await Promise.all([startLock(ws, argsFor('requirements.in')).exit, startLock(ws, argsFor('b.in')).exit]);
      reading = false;
      await reader;
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      assert.ok(wholeFiles.has(await readFile(ws.output, 'utf8')), 'the output is one of the two whole locks');
      assert.ok(reads > 0);
      assert.deepEqual((await readdir(ws.dir)).filter((n) => n.startsWith('.pin-hashes-tmp-')), []);
    }
  } finally {
    await server.close();
  }
});

test('the workspaces of this suite were all checked', () => {
  assert.ok(allWorkspaces.length >= 5);
});

grepForSecretsThenCleanUp();
