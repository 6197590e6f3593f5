// --exclude-newer end to end: a release uploaded yesterday is not picked under a 7-day cooldown,
// the one before it is; -P respects it; an exception takes the new one; the header records the
// duration (not a date) and the reference time, so `check` keeps agreeing as days pass; an index
// without upload times is named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildUniverse, startIndexServer, type IndexProject, type IndexServer, type IndexServerOptions } from '../helpers/index-server.js';
import { TARGET, makeWorkspace } from './hostile-harness.js';
import { grepForSecretsThenCleanUp } from './hostile-harness-index.js';
import { pins } from './hostile-harness.js';

const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/** app -> dep; dep 1.0 a month old, dep 1.1 from yesterday; dep 1.0 also got a wheel 8.5 days ago. */
function projects(now: number): IndexProject[] {
  const universe = buildUniverse([
    { name: 'app', versions: { '1.0': { requiresDist: ['dep'] } } },
    { name: 'dep', versions: { '1.0': { sdist: true }, '1.1': {} } },
  ]);
  const times: Record<string, number> = {
    'app-1.0-py3-none-any.whl': now - 60 * DAY,
    'dep-1.0.tar.gz': now - 30 * DAY,
    'dep-1.0-py3-none-any.whl': now - 8.5 * DAY,
    'dep-1.1-py3-none-any.whl': now - 1 * DAY,
  };
  return universe.map((p) => ({ ...p, files: p.files.map((f) => ({ ...f, uploadTime: iso(times[f.filename] ?? now - 90 * DAY) })) }));
}

async function withIndex(now: number, options: IndexServerOptions, body: (server: IndexServer) => Promise<void>): Promise<void> {
  const server = await startIndexServer({ projects: projects(now), format: 'json', ...options });
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

test('--exclude-newer 7d: yesterday\'s release is not picked, the one before is; -P respects it; an exception takes it', async () => {
  const ws = await makeWorkspace('app\n', 'cooldown');
  await withIndex(Date.now(), {}, async (server) => {
    const args = ['lock', 'requirements.in', '-i', server.url, ...TARGET, '--exclude-newer', '7d'];
    const first = await ws.run([...args, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const lock = await readFile(ws.output, 'utf8');
    assert.deepEqual(pins(lock), ['app==1.0', 'dep==1.0']);
    assert.match(lock, /^#    pin-hashes lock .*--exclude-newer 7d/m, 'the duration, not a date, goes into the command');
    assert.match(lock, /^# cooldown: files uploaded within 7d of \S+ excluded \(after \S+\); reference \S+$/m);
    const header = (JSON.parse(first.stdout) as { header: { cooldown: { excludeNewer: string; cutoff: string; reference: string } } }).header;
    assert.equal(header.cooldown.excludeNewer, '7d');
    assert.equal(Date.parse(header.cooldown.reference) - Date.parse(header.cooldown.cutoff), 7 * DAY);
    const bumped = await ws.run([...args, '-P', 'dep']);
    assert.equal(bumped.code, 0, bumped.stderr);
    assert.deepEqual(pins(await readFile(ws.output, 'utf8')), ['app==1.0', 'dep==1.0'], '-P does not reach past the cooldown');
    const exception = await ws.run([...args, '-P', 'dep', '--exclude-newer-package', 'dep=false']);
    assert.equal(exception.code, 0, exception.stderr);
    assert.deepEqual(pins(await readFile(ws.output, 'utf8')), ['app==1.0', 'dep==1.1']);
  });
});

test('check counts the cooldown from the lock\'s own reference time: time passing does not make it stale', async () => {
  const now = Date.now();
  const ws = await makeWorkspace('app\n', 'cooldown');
  await withIndex(now, {}, async (server) => {
    const args = ['lock', 'requirements.in', '-i', server.url, ...TARGET, '--exclude-newer', '7d'];
    // Made three days ago: its cutoff (ten days ago) excludes dep 1.0's wheel of 8.5 days ago.
    const made = await ws.run(args, { SOURCE_DATE_EPOCH: String(Math.floor((now - 3 * DAY) / 1000)) });
    assert.equal(made.code, 0, made.stderr);
    const old = await readFile(ws.output, 'utf8');
    assert.equal((old.match(/--hash=/g) ?? []).length, 2, 'app wheel and dep sdist only');
    const check = await ws.run(['check']);
    assert.equal(check.code, 0, `check regenerated with today's cutoff instead of the lock's:\n${check.stdout}${check.stderr}`);
    // A re-lock today takes the wheel that is now old enough, and records today's reference.
    const relock = await ws.run(args);
    assert.equal(relock.code, 0, relock.stderr);
    const now2 = await readFile(ws.output, 'utf8');
    assert.equal((now2.match(/--hash=/g) ?? []).length, 3);
    // Nothing changed since: the file, reference line included, stays as it was.
    await ws.writePrevious(now2);
    assert.equal((await ws.run([...args, '--no-cache'])).code, 0);
    await ws.assertPreviousUntouched();
  });
});

test('a pylock records the cooldown: the duration in its command and tool table, and check counts from its reference', async () => {
  const now = Date.now();
  const ws = await makeWorkspace('app\n', 'cooldown');
  await withIndex(now, {}, async (server) => {
    const args = ['lock', 'requirements.in', '-i', server.url, ...TARGET, '--exclude-newer', '7d', '-o', 'pylock.toml'];
    const made = await ws.run(args, { SOURCE_DATE_EPOCH: String(Math.floor((now - 3 * DAY) / 1000)) });
    assert.equal(made.code, 0, made.stderr);
    const text = await readFile(join(ws.dir, 'pylock.toml'), 'utf8');
    assert.match(text, /^exclude-newer = "7d"$/m);
    assert.match(text, /^cooldown-reference = "\S+"$/m);
    assert.match(text, /^command = \[.*"--exclude-newer", "7d"/m);
    assert.doesNotMatch(text, /dep-1\.1|dep-1\.0-py3-none-any\.whl/, 'yesterday\'s release and the wheel of 8.5 days ago are left out');
    const check = await ws.run(['check', 'pylock.toml']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
  });
});

test('a lock whose cooldown reference was moved into the future: check refuses it (it would shorten the cooldown)', async () => {
  const ws = await makeWorkspace('app\n', 'cooldown');
  await withIndex(Date.now(), {}, async (server) => {
    assert.equal((await ws.run(['lock', 'requirements.in', '-i', server.url, ...TARGET, '--exclude-newer', '7d'])).code, 0);
    const lock = await readFile(ws.output, 'utf8');
    const later = new Date(Date.now() + 30 * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await writeFile(ws.output, lock.replace(/reference (\S+)$/m, `reference ${later}`).replace(/within 7d of \S+ excluded \(after \S+\)/, `within 7d of ${later} excluded (after ${later})`));
    const check = await ws.run(['check']);
    assert.equal(check.code, 1, check.stderr);
    assert.match(check.stderr, /says its cooldown counts from .*, which has not come yet/);
    assert.doesNotMatch(check.stderr, /\n\s+at /);
  });
});

test('SOURCE_DATE_EPOCH that is not a number: exit 2 naming it, and only when a cooldown uses it', async () => {
  const ws = await makeWorkspace('app\n', 'cooldown');
  await withIndex(Date.now(), {}, async (server) => {
    const args = ['lock', 'requirements.in', '-i', server.url, ...TARGET];
    const bad = await ws.run([...args, '--exclude-newer', '7d'], { SOURCE_DATE_EPOCH: 'yesterday' });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /SOURCE_DATE_EPOCH="yesterday" is not a number of seconds/);
    assert.equal((await ws.run(args, { SOURCE_DATE_EPOCH: 'yesterday' })).code, 0, 'no cooldown, no reading of it');
  });
});

test('an index that gives no upload times (HTML pages): its files are left out under a cooldown, and the message names it', async () => {
  const ws = await makeWorkspace('app\n', 'cooldown');
  await withIndex(Date.now(), { format: 'html' }, async (server) => {
    const args = ['lock', 'requirements.in', '-i', server.url, ...TARGET, '--exclude-newer', '7d'];
    const refused = await ws.run(args);
    assert.equal(refused.code, 1, refused.stderr);
    assert.ok(refused.stderr.includes(`Ruled out: 1.0 has no upload time on its index (${server.url} gives none), so the --exclude-newer cooldown leaves it out`), refused.stderr);
    assert.match(refused.stderr, /--exclude-newer-allow-unknown keeps files without upload times/);
    const allowed = await ws.run([...args, '--exclude-newer-allow-unknown']);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.deepEqual(pins(await readFile(ws.output, 'utf8')), ['app==1.0', 'dep==1.1']);
  });
});

test('a cooldown value that is neither a duration nor a date: exit 2 before any request', async () => {
  const ws = await makeWorkspace('app\n', 'cooldown');
  await withIndex(Date.now(), {}, async (server) => {
    const result = await ws.run(['lock', 'requirements.in', '-i', server.url, ...TARGET, '--exclude-newer', 'last week']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--exclude-newer "last week" is neither a duration nor a date/);
    assert.equal(server.requests.length, 0);
    await writeFile(ws.output, '');
  });
});

grepForSecretsThenCleanUp();
