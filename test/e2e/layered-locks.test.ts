// End to end: pip-tools' layered locks (dev.in reads `-c requirements.txt`) and `lock --all` /
// `check --all` over pyproject.toml's [tool.pin-hashes] locks list: the layers run in the order
// they build on each other (whatever the list's order), share what they download, agree on the
// versions they share, and check (online and --offline) holds them to the list.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUniverse, startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { runCli } from '../helpers/cli.js';

const TARGET = ['--python-version', '3.12.1', '--python-platform', 'x86_64-manylinux_2_36'];

const PYPROJECT = `[project]
name = "my-app"
version = "1.0"

[tool.pin-hashes]
# dev.txt builds on requirements.txt, listed first on purpose: --all orders them.
locks = [
  { inputs = ["dev.in"], output-file = "dev.txt" },
  { inputs = ["requirements.in"] },
]
`;

function pins(lock: string): string[] {
  return lock.split('\n').filter((l) => /^[a-z0-9]/.test(l)).map((l) => l.replace(/ \\$/, ''));
}

describe('layered locks and --all', () => {
  let server: IndexServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const run = (args: string[]) => runCli(args, { cwd: dir, env });

  before(async () => {
    server = await startIndexServer({
      projects: buildUniverse([
        { name: 'app-core', versions: { '1.0': { requiresDist: ['helper-lib<2'] } } },
        { name: 'helper-lib', versions: { '1.0': {}, '2.0': {} } },
        { name: 'test-runner', versions: { '4.0': { requiresDist: ['helper-lib'] } } },
      ]),
    });
    dir = await mkdtemp(join(tmpdir(), 'pin-hashes-layers-'));
    env = { PIN_HASHES_CACHE_DIR: join(dir, 'cache') };
    await writeFile(join(dir, 'pyproject.toml'), PYPROJECT);
    await writeFile(join(dir, 'requirements.in'), 'app-core\n');
    await writeFile(join(dir, 'dev.in'), '-c requirements.txt\ntest-runner\n');
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('lock --all: requirements.txt first, then dev.txt within its pins; each shared file downloaded once', async () => {
    const result = await run(['lock', '--all', '-i', server.url, ...TARGET]);
    assert.equal(result.code, 0, result.stderr);
    const prod = await readFile(join(dir, 'requirements.txt'), 'utf8');
    const dev = await readFile(join(dir, 'dev.txt'), 'utf8');
    assert.deepEqual(pins(prod), ['app-core==1.0', 'helper-lib==1.0']);
    // Without the layer test-runner would take helper-lib 2.0.
    assert.deepEqual(pins(dev), ['helper-lib==1.0', 'test-runner==4.0']);
    assert.match(dev, /^helper-lib==1\.0 \\\n {4}--hash=sha256:[0-9a-f]{64}\n {4}# via\n {4}#   -c requirements\.txt\n {4}#   test-runner$/m);
    assert.match(dev, /^# {4}pin-hashes lock .*--index-url http:\/\/127\.0\.0\.1:\d+\/simple\/ dev\.in$/m);
    assert.ok(result.stderr.indexOf('requirements.txt') < result.stderr.indexOf('dev.txt'), result.stderr);
    assert.equal(server.downloads().filter((d) => d.filename?.startsWith('helper_lib-1.0')).length, 1, 'shared by both locks');
  });

  test('check --all and check --all --offline: both current', async () => {
    const offline = await run(['check', '--all', '--offline']);
    assert.equal(offline.code, 0, offline.stderr);
    assert.match(offline.stderr, /dev\.txt is current/);
    assert.match(offline.stderr, /requirements\.txt is current/);
    const online = await run(['check', '--all']);
    assert.equal(online.code, 0, online.stderr + online.stdout);
  });

  test('an entry asking for other options than its lock was made with: check --all --offline fails and names both', async () => {
    await writeFile(join(dir, 'pyproject.toml'), PYPROJECT.replace('output-file = "dev.txt" }', 'output-file = "dev.txt", pre = true }'));
    try {
      const result = await run(['check', '--all', '--offline']);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /\[inputs-changed\] pyproject\.toml \[tool\.pin-hashes\] asks for `pin-hashes lock .*--pre .*dev\.in`, but the lock was made with `pin-hashes lock /);
    } finally {
      await writeFile(join(dir, 'pyproject.toml'), PYPROJECT);
    }
  });

  test('re-locking the base makes the layer stale offline, and lock --all brings both back', async () => {
    await writeFile(join(dir, 'requirements.in'), 'app-core\nhelper-lib<1.5\n');
    try {
      const stale = await run(['check', '--all', '--offline']);
      assert.equal(stale.code, 1);
      assert.match(stale.stderr, /requirements\.txt is stale/);
    } finally {
      await writeFile(join(dir, 'requirements.in'), 'app-core\n');
    }
  });

  /** A list -> the error --all gives (exit 2, before any request). */
  const BAD_LISTS: [string, string, RegExp][] = [
    ['no list', '[project]\nname = "x"\n', /has no \[tool\.pin-hashes\] locks list for --all/],
    ['an unknown key', '[tool.pin-hashes]\nlocks = [{ inputs = ["requirements.in"], outptu = "x.txt" }]\n', /locks\[0\]: unknown key "outptu"/],
    ['a run-only flag', '[tool.pin-hashes]\nlocks = [{ inputs = ["requirements.in"], concurrency = 4 }]\n', /locks\[0\]: unknown key "concurrency"/],
    ['a value of the wrong kind', '[tool.pin-hashes]\nlocks = [{ inputs = ["requirements.in"], extra = "docs" }]\n', /locks\[0\]\.extra must be a list of strings/],
    ['no inputs', '[tool.pin-hashes]\nlocks = [{ output-file = "x.txt" }]\n', /locks\[0\]\.inputs must be a non-empty list/],
    ['two locks writing one file', '[tool.pin-hashes]\nlocks = [{ inputs = ["requirements.in"] }, { inputs = ["dev.in"], output-file = "requirements.txt" }]\n', /locks\[0\] and locks\[1\] both write requirements\.txt/],
    ['a circle', '[tool.pin-hashes]\nlocks = [{ inputs = ["a.in"] }, { inputs = ["b.in"] }]\n', /read each other's outputs in a circle \(locks\[0\] -> locks\[1\] -> locks\[0\]\)/],
  ];
  for (const [name, pyproject, said] of BAD_LISTS) {
    test(`lock --all with ${name}: exit 2, the entry named`, async () => {
      await writeFile(join(dir, 'a.in'), '-c b.txt\napp-core\n');
      await writeFile(join(dir, 'b.in'), '-c a.txt\napp-core\n');
      await writeFile(join(dir, 'pyproject.toml'), pyproject);
      server.clearRequests();
      try {
        const result = await run(['lock', '--all', '-i', server.url, ...TARGET]);
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, said);
        assert.equal(server.requests.length, 0);
      } finally {
        await writeFile(join(dir, 'pyproject.toml'), PYPROJECT);
      }
    });
  }

  test('--all with inputs or -o: a usage error', async () => {
    const withInputs = await run(['lock', '--all', 'requirements.in']);
    assert.equal(withInputs.code, 2);
    assert.match(withInputs.stderr, /--all locks what pyproject\.toml lists; leave out the inputs/);
    const withOutput = await run(['lock', '--all', '-o', 'x.txt']);
    assert.equal(withOutput.code, 2);
    assert.match(withOutput.stderr, /leave out -o/);
  });
});
