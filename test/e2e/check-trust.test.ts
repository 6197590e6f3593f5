// Issue #10, decision: a lock whose header index and hashes were both swapped by hand (a pull
// request pointing the lock at the attacker's index) must not pass `check --verify` silently.
// check prints the indexes it trusted, and fails (exit 1) when the header's index is none of
// those the inputs' own lines or PIP_INDEX_URL / PIP_EXTRA_INDEX_URL name.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { buildUniverse, startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { TARGET, TEST_AUTH, escapeRegExp, hashesIn, makeWorkspace, withCredentials, type Workspace } from './hostile-harness.js';
import { grepForSecretsThenCleanUp } from './hostile-harness-index.js';

/** The same project names on both indexes; the attacker's wheels carry other bytes. */
function universe(pad: number) {
  return buildUniverse([
    { name: 'app', versions: { '1.0': { requiresDist: ['dep>=1'], padBytes: pad } } },
    { name: 'dep', versions: { '1.0': { padBytes: pad } } },
  ]);
}

const simple = (server: IndexServer) => server.url.replace(/\/?$/, '/');

describe('check and the index its header names', () => {
  let real: IndexServer;
  let evil: IndexServer;
  before(async () => {
    real = await startIndexServer({ projects: universe(1000), requireAuth: TEST_AUTH });
    evil = await startIndexServer({ projects: universe(2000) });
  });
  after(async () => {
    await real.close();
    await evil.close();
  });

  /**
   * A workspace whose input names the real index (with credentials), and the lock the attacker
   * commits: made with `-i` of their own index on the command line, which overrides the input's
   * line, so header and hashes both say the attacker's index.
   */
  async function swappedLock(input: string, env: Record<string, string | undefined> = {}): Promise<Workspace> {
    const ws = await makeWorkspace(input, 'check-trust');
    const made = await ws.run(['lock', 'requirements.in', '-i', evil.url, ...TARGET], env);
    assert.equal(made.code, 0, made.stderr);
    const lock = await readFile(ws.output, 'utf8');
    assert.match(lock, new RegExp(`--index-url ${escapeRegExp(evil.url)}`), 'the header names the attacker index');
    return ws;
  }

  test('an honest lock (the input names the index): exit 0, the trusted index is printed, no warning', async () => {
    const ws = await makeWorkspace(`-i ${withCredentials(real.url)}\napp\n`, 'check-trust');
    const made = await ws.run(['lock', 'requirements.in', ...TARGET]);
    assert.equal(made.code, 0, made.stderr);
    const checked = await ws.run(['check', '--verify']);
    assert.equal(checked.code, 0, checked.stderr);
    assert.match(checked.stderr, new RegExp(`trusted index: ${escapeRegExp(simple(real))}$`, 'm'), checked.stderr);
    assert.doesNotMatch(checked.stderr, /warning|error/, checked.stderr);
  });

  test('an honest lock made with -i on the command line from inputs that name no index: exit 0, no warning', async () => {
    const ws = await makeWorkspace('app\n', 'check-trust');
    const made = await ws.run(['lock', 'requirements.in', '-i', evil.url, ...TARGET]);
    assert.equal(made.code, 0, made.stderr);
    const checked = await ws.run(['check', '--verify']);
    assert.equal(checked.code, 0, checked.stderr);
    assert.match(checked.stderr, new RegExp(`trusted index: ${escapeRegExp(simple(evil))}$`, 'm'), checked.stderr);
    assert.doesNotMatch(checked.stderr, /warning|error/, checked.stderr);
  });

  test('the same index spelled differently (credentials, scheme case, no final slash) is no disagreement', async () => {
    const respelled = withCredentials(evil.url).replace(/^http:/, 'HTTP:').replace(/\/$/, '');
    const ws = await makeWorkspace(`-i ${evil.url}\napp\n`, 'check-trust');
    const made = await ws.run(['lock', 'requirements.in', '-i', respelled, ...TARGET]);
    assert.equal(made.code, 0, made.stderr);
    assert.match(await readFile(ws.output, 'utf8'), /--index-url HTTP:/, 'the header keeps the spelling');
    const checked = await ws.run(['check', '--verify']);
    assert.equal(checked.code, 0, checked.stderr);
    assert.doesNotMatch(checked.stderr, /warning|error/, checked.stderr);
  });

  test('a header index swapped to another index while the input has -i of the real one: exit 1, both named, no credential', async () => {
    const ws = await swappedLock(`-i ${withCredentials(real.url)}\napp\n`);
    const lock = await readFile(ws.output, 'utf8');
    const checked = await ws.run(['check', '--verify']);
    if (process.env['HOSTILE_SHOW']) process.stdout.write(`# ---\n${checked.stderr.replace(/^/gm, '# ')}\n`);
    // ws.run already asserted that no credential is in stdout or stderr.
    assert.equal(checked.code, 1, checked.stderr);
    assert.match(checked.stderr, /^error: .*header.*index/m, checked.stderr);
    assert.ok(checked.stderr.includes(simple(evil)), `names the header's index:\n${checked.stderr}`);
    assert.ok(checked.stderr.includes(`${simple(real)} (requirements.in:1)`), `names the input's index and where:\n${checked.stderr}`);
    assert.match(checked.stderr, new RegExp(`trusted index: ${escapeRegExp(simple(evil))}$`, 'm'));
    assert.equal(await readFile(ws.output, 'utf8'), lock, 'check writes nothing');

    const json = await ws.run(['check', '--verify', '--json']);
    assert.equal(json.code, 1);
    const data = JSON.parse(json.stdout) as { current: boolean; indexes: string[]; indexDisagreements: { header: string; named: string[] }[] };
    assert.equal(data.current, true, 'the regenerated lock matches: only the index comparison catches it');
    assert.deepEqual(data.indexes, [simple(evil)]);
    assert.equal(data.indexDisagreements[0]?.header, simple(evil));
    assert.deepEqual(data.indexDisagreements[0]?.named, [`${simple(real)} (requirements.in:1)`]);
  });

  test("a header index that is not the environment's PIP_INDEX_URL (inputs name none): exit 1", async () => {
    const ws = await swappedLock('app\n');
    const hashes = hashesIn(await readFile(ws.output, 'utf8'));
    assert.ok(hashes.size > 0);
    // CI sets PIP_INDEX_URL to the real index (with its token); the committed header says otherwise.
    const checked = await ws.run(['check', '--verify'], { PIP_INDEX_URL: withCredentials(real.url) });
    assert.equal(checked.code, 1, checked.stderr);
    assert.ok(checked.stderr.includes(`${simple(real)} (PIP_INDEX_URL)`), checked.stderr);
    assert.ok(checked.stderr.includes(simple(evil)), checked.stderr);
  });

  test('an extra index the header adds beside the input\'s: exit 1', async () => {
    const ws = await makeWorkspace(`-i ${withCredentials(real.url)}\napp\n`, 'check-trust');
    const made = await ws.run(['lock', 'requirements.in', '--extra-index-url', evil.url, ...TARGET]);
    assert.equal(made.code, 0, made.stderr);
    const checked = await ws.run(['check']);
    assert.equal(checked.code, 1, checked.stderr);
    assert.ok(checked.stderr.includes(simple(evil)), checked.stderr);
  });
});

// The inputs name the real index with its credentials, as a private index's users write them.
grepForSecretsThenCleanUp((path) => path.endsWith('requirements.in'));
