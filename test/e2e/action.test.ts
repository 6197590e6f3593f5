// End to end: the GitHub Action's run step, as action.yml writes it, run by bash with the
// environment the runner would give it (its `env:` with the inputs filled in, GITHUB_ACTION_PATH
// at this checkout, node first on PATH as actions/setup-node leaves it), against locks made from a
// loopback index. Each mode, several locks, working-directory, and inputs carrying shell syntax.
// (The install step, `npm ci` in the action's checkout, runs in integrations.test.ts.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildUniverse, startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { HOOK_PACKAGES } from '../helpers/project-universe.js';
import { cleanEnvironment, runCli } from '../helpers/cli.js';
import { readAction, runStep, stepEnv } from '../helpers/action-yml.js';
import { projectRoot } from '../helpers/paths.js';

const TARGET = ['--python-version', '3.12', '--python-platform', 'x86_64-manylinux_2_36'];
const action = readAction();
const step = action.steps.find((s) => s.run?.includes('action/run.mjs'));

describe('the GitHub Action run step', () => {
  let server: IndexServer;
  let dir: string;
  let cache: string;

  before(async () => {
    server = await startIndexServer({
      projects: buildUniverse(HOOK_PACKAGES),
    });
    dir = await mkdtemp(join(tmpdir(), 'pin-hashes-action-'));
    cache = join(dir, '.cache');
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A folder with requirements.in (app-core) and its lock. */
  async function project(name: string): Promise<string> {
    const folder = join(dir, name);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'requirements.in'), `--index-url ${server.url}\napp-core\n`);
    const locked = await runCli(['lock', 'requirements.in', ...TARGET], { cwd: folder });
    assert.equal(locked.code, 0, locked.stderr);
    return folder;
  }

  function run(inputs: Record<string, string>, cwd: string) {
    assert.ok(step, 'action.yml has the run step');
    const env = {
      ...cleanEnvironment(),
      HOME: dir,
      PIN_HASHES_CACHE_DIR: cache,
      GITHUB_ACTION_PATH: projectRoot,
      PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}`,
      ...stepEnv(action, step, inputs),
    };
    return runStep(step, env, cwd);
  }

  /** The CLI's output sits between ::stop-commands::T and ::T::, with one random T per run. */
  function assertFramed(stdout: string): string[] {
    const tokens = [...stdout.matchAll(/^::stop-commands::([0-9a-f-]{36})$/gm)].map((m) => m[1]!);
    assert.ok(tokens.length > 0, stdout);
    for (const token of tokens) assert.match(stdout, new RegExp(`^::${token}::$`, 'm'));
    assert.equal(new Set(tokens).size, tokens.length, 'a new token for each run');
    return tokens;
  }

  test('verify: a current lock passes; after an input changes, exit 1 with an error on the lock', async () => {
    const folder = await project('verify');
    const ok = await run({ mode: 'verify' }, folder);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stderr, /is current and every pinned file still has its locked digest/);
    const [first] = assertFramed(ok.stdout);
    const [second] = assertFramed((await run({ mode: 'verify' }, folder)).stdout);
    assert.notEqual(first, second);

    await writeFile(join(folder, 'requirements.in'), `--index-url ${server.url}\napp-core\nextra-tool\n`);
    const stale = await run({}, folder); // mode defaults to verify
    assert.equal(stale.code, 1, stale.stdout + stale.stderr);
    assert.match(stale.stdout, /^\+extra-tool==3\.0 \\$/m);
    assert.match(stale.stdout, /^::error file=requirements\.txt::requirements\.txt: pin-hashes check --verify failed/m);
  });

  test('several locks, split on newlines, from a working-directory: each is checked, the stale one named', async () => {
    const a = await project('several/a');
    await project('several/b');
    await writeFile(join(a, 'requirements.in'), `--index-url ${server.url}\napp-core\nextra-tool\n`);
    const result = await run({ mode: 'verify', lock: 'a/requirements.txt\nb/requirements.txt\n', 'working-directory': 'several' }, dir);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.equal(assertFramed(result.stdout).length, 2);
    assert.match(result.stderr, /several\/b\/requirements\.txt is current/);
    assert.match(result.stdout, /^::error file=a\/requirements\.txt::/m);
    assert.doesNotMatch(result.stdout, /^::error file=b\//m);
  });

  test('relock-diff: passes when the lock is what lock writes; else exit 1 with the diff, and the lock rewritten', async () => {
    const folder = await project('relock');
    const args = ['requirements.in', ...TARGET].join(' ');
    const same = await run({ mode: 'relock-diff', args }, folder);
    assert.equal(same.code, 0, same.stdout + same.stderr);

    await writeFile(join(folder, 'requirements.in'), `--index-url ${server.url}\napp-core\nextra-tool\n`);
    const changed = await run({ mode: 'relock-diff', args }, folder);
    assert.equal(changed.code, 1, changed.stdout + changed.stderr);
    assert.match(changed.stdout, /^\+extra-tool==3\.0 \\$/m);
    assert.match(changed.stdout, /^::error file=requirements\.txt::requirements\.txt is not what `pin-hashes lock` writes/m);
    assert.equal(assertFramed(changed.stdout).length, 2, 'the lock run and the diff');
    assert.match(await readFile(join(folder, 'requirements.txt'), 'utf8'), /^extra-tool==3\.0 \\$/m);
  });

  test('lock: writes the new lock and exits 0, for a later step to commit', async () => {
    const folder = await project('lock');
    await writeFile(join(folder, 'requirements.in'), `--index-url ${server.url}\napp-core\nextra-tool\n`);
    const result = await run({ mode: 'lock', args: `requirements.in ${TARGET.join(' ')}` }, folder);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const checked = await runCli(['check'], { cwd: folder });
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
  });

  test('inputs with shell syntax are only words: nothing runs', async () => {
    const folder = await project('hostile');
    const cases: Record<string, string>[] = [
      { mode: 'verify', args: '$(touch pwned-1); touch pwned-2 `touch pwned-3`' },
      { mode: 'verify', lock: '$(touch pwned-4).txt' },
      { mode: 'lock', args: '"; touch pwned-5; echo "' },
      { mode: 'verify', 'working-directory': '$(touch pwned-6)' },
    ];
    for (const inputs of cases) {
      const result = await run(inputs, folder);
      assert.equal(result.code, 2, `${JSON.stringify(inputs)}: ${result.stdout}${result.stderr}`);
    }
    for (let i = 1; i <= 6; i++) assert.equal(existsSync(join(folder, `pwned-${i}`)), false, `pwned-${i}`);
  });

  test('an unknown mode: exit 2 and an error naming the modes', async () => {
    const result = await run({ mode: 'check' }, dir);
    assert.equal(result.code, 2);
    assert.match(result.stdout, /^::error::pin-hashes action: mode "check" is not one of verify, offline, relock-diff, lock\.$/m);
  });

  test('offline: check --offline on the lock', async (t) => {
    const help = await runCli(['check', '--help']);
    if (!help.stdout.includes('--offline')) {
      t.skip('this build of pin-hashes has no check --offline yet');
      return;
    }
    // Locked against an index of its own, gone before the check: it must make no request.
    const own = await startIndexServer({ projects: buildUniverse([{ name: 'app-core', versions: { '1.0': {} } }]) });
    const folder = join(dir, 'offline');
    await mkdir(folder);
    await writeFile(join(folder, 'requirements.in'), `--index-url ${own.url}\napp-core\n`);
    const locked = await runCli(['lock', 'requirements.in', ...TARGET], { cwd: folder });
    await own.close();
    assert.equal(locked.code, 0, locked.stderr);
    const result = await run({ mode: 'offline' }, folder);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });
});
