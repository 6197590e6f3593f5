// PEP 751: `lock -o pylock.toml` writes the same lock as requirements.txt (same files, same
// digests); `check` reads it back, and `check --verify` names the exact file whose bytes changed,
// or that was added. That packaging.pylock accepts it and pip >= 26.1 installs it:
// pylock-pip.test.ts (in test:all).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { buildWheel } from '../helpers/dists.js';
import { runCli } from '../helpers/cli.js';
import { hashesIn } from './hostile-harness.js';
import { usePylockFixture } from './pylock-fixture.js';

describe('pylock.toml', () => {
  const fixture = usePylockFixture('pylock');
  const lockTo = fixture.lockTo;

  test('the same files and digests as requirements.txt, by name, URL, size, upload time and sha256; deterministic', async () => {
    assert.equal((await lockTo('requirements.txt')).code, 0);
    const written = await lockTo('pylock.toml');
    assert.equal(written.code, 0, written.stderr);
    const text = await readFile(join(fixture.dir, 'pylock.toml'), 'utf8');
    const doc = parse(text) as unknown as { 'lock-version': string; 'created-by': string; environments: string[]; packages: { name: string; version: string; wheels?: { name: string; url: string; size: number; 'upload-time': Date; hashes: { sha256: string } }[]; sdist?: { name: string; hashes: { sha256: string } } }[]; tool: { 'pin-hashes': { command: string[] } } };
    assert.equal(doc['lock-version'], '1.0');
    assert.equal(doc['created-by'], 'pin-hashes');
    assert.match(doc.environments[0] ?? '', /sys_platform == 'linux' and platform_machine == 'x86_64'/);
    assert.deepEqual(doc.packages.map((p) => `${p.name}==${p.version}`), ['app==1.0', 'native==1.0', 'pure==2.0']);
    const native = doc.packages.find((p) => p.name === 'native');
    assert.equal(native?.wheels?.length, 5);
    const wheel = native!.wheels![0]!;
    assert.ok(wheel['upload-time'] instanceof Date, 'a TOML datetime, not a string');
    assert.match(wheel.url, /^http:\/\/127\.0\.0\.1:\d+\/files\//);
    assert.ok(wheel.size > 0);
    const pylockDigests = new Set(doc.packages.flatMap((p) => [...(p.wheels ?? []), ...(p.sdist ? [p.sdist] : [])].map((f) => f.hashes.sha256)));
    assert.deepEqual([...pylockDigests].sort(), [...hashesIn(await readFile(join(fixture.dir, 'requirements.txt'), 'utf8'))].sort(), 'the two formats lock the same digests');
    assert.ok(doc.tool['pin-hashes'].command.includes('pylock.toml'));
    assert.doesNotMatch(text, /[ \t]+\n/);
    assert.equal((await lockTo('pylock.toml', '--no-cache')).code, 0);
    assert.equal(await readFile(join(fixture.dir, 'pylock.toml'), 'utf8'), text, 'the same bytes again');
    const checked = await runCli(['check', 'pylock.toml'], { cwd: fixture.dir });
    assert.equal(checked.code, 0, `check reads it back:\n${checked.stdout}${checked.stderr}`);
  });

  test("an existing pylock's pins are kept as preferences: an upstream release alone changes nothing", async () => {
    assert.equal((await lockTo('pylock.toml')).code, 0);
    const before = await readFile(join(fixture.dir, 'pylock.toml'), 'utf8');
    const newer = buildWheel({ name: 'pure', version: '2.1' });
    fixture.server.addFile('pure', { filename: newer.filename, bytes: newer.bytes, metadata: 'auto' });
    const again = await lockTo('pylock.toml', '--refresh');
    assert.equal(again.code, 0, again.stderr);
    assert.equal(await readFile(join(fixture.dir, 'pylock.toml'), 'utf8'), before);
    const bumped = await lockTo('pylock.toml', '-P', 'pure');
    assert.equal(bumped.code, 0, bumped.stderr);
    assert.match(bumped.stderr, /pure 2\.0 -> 2\.1/);
    fixture.server.removeFile('pure', newer.filename);
    assert.equal((await lockTo('pylock.toml', '--refresh', '-P', 'pure')).code, 0);
  });

  test('--format must fit the output name (pip reads a pylock only under its PEP 751 name)', async () => {
    const result = await lockTo('locked.txt', '--format', 'pylock');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--format pylock does not fit the output locked\.txt/);
  });

  test('check --verify names the exact file whose bytes changed, and the file that was added', async () => {
    assert.equal((await lockTo('pylock.toml')).code, 0);
    const target = 'native-1.0-cp311-cp311-win_amd64.whl';
    fixture.server.replaceFileBytes('native', target, buildWheel({ name: 'native', version: '1.0' }, { tag: 'cp311-cp311-win_amd64', padBytes: 10 }).bytes);
    const added = buildWheel({ name: 'native', version: '1.0' }, { tag: 'cp313-cp313-manylinux_2_17_x86_64' });
    fixture.server.addFile('native', { filename: added.filename, bytes: added.bytes, metadata: 'auto' });
    const check = await runCli(['check', 'pylock.toml', '--verify', '--json'], { cwd: fixture.dir });
    assert.equal(check.code, 1);
    const findings = (JSON.parse(check.stdout) as { findings: { kind: string; filename?: string }[] }).findings;
    assert.deepEqual(
      findings.filter((f) => f.kind === 'bytes-changed' || f.kind === 'file-added').map((f) => `${f.kind} ${f.filename}`).sort(),
      [`bytes-changed ${target}`, `file-added ${added.filename}`],
    );
  });
});

