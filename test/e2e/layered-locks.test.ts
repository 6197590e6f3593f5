// End to end: pip-tools' layered locks (dev.in reads `-c requirements.txt`) and `lock --all` /
// `check --all` over pyproject.toml's [tool.pin-hashes] locks list: the layers run in the order
// they build on each other (whatever the list's order), share what they download, agree on the
// versions they share, and check (online and --offline) holds them to the list.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUniverse, startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { runCli } from '../helpers/cli.js';

const TARGET = ['--python-version', '3.12.1', '--python-platform', 'x86_64-manylinux_2_36'];

/** The list, for an index at `url`: dev.txt builds on requirements.txt, listed first on purpose (--all orders them). */
const pyproject = (url: string, dev = 'output-file = "dev.txt"') => `[project]
name = "my-app"
version = "1.0"

[tool.pin-hashes]
index-url = "${url}"
python-version = "3.12.1"
python-platform = "x86_64-manylinux_2_36"
locks = [
  { inputs = ["dev.in"], ${dev} },
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
  let PYPROJECT = '';
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
    PYPROJECT = pyproject(server.url);
    await writeFile(join(dir, 'pyproject.toml'), PYPROJECT);
    await writeFile(join(dir, 'requirements.in'), 'app-core\n');
    await writeFile(join(dir, 'dev.in'), '-c requirements.txt\ntest-runner\n');
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
    await rm(`${dir}-outside`, { recursive: true, force: true });
  });

  test('lock --all: requirements.txt first, then dev.txt within its pins; each shared file downloaded once', async () => {
    const result = await run(['lock', '--all']);
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

  /** An edit of the list (the locks as they are) -> what check --all --offline says. */
  const LIST_EDITS: [string, (url: string) => string, RegExp][] = [
    ['a key added to an entry', (url) => pyproject(url, 'output-file = "dev.txt", pre = true'), /asks for `pin-hashes lock .*--pre .*dev\.in`, but dev\.txt was made with `pin-hashes lock /],
    ['a key removed from the table', (url) => pyproject(url).replace(`index-url = "${url}"\n`, ''), /asks for `pin-hashes lock --python-version 3\.12\.1 --python-platform x86_64-manylinux_2_36 dev\.in`, but dev\.txt was made with `pin-hashes lock .*--index-url /],
  ];
  for (const [name, edit, said] of LIST_EDITS) {
    test(`the list edited (${name}): check --all --offline fails, names both commands, and says to run lock --all`, async () => {
      await writeFile(join(dir, 'pyproject.toml'), edit(server.url));
      try {
        const result = await run(['check', '--all', '--offline']);
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stderr, new RegExp(`\\[inputs-changed\\] pyproject\\.toml \\[tool\\.pin-hashes\\] ${said.source}`));
        assert.match(result.stderr, /dev\.txt is stale: run `pin-hashes lock --all`/);
      } finally {
        await writeFile(join(dir, 'pyproject.toml'), PYPROJECT);
      }
    });
  }

  test('a layer reaching the base through an -r include runs after it too', async () => {
    await writeFile(join(dir, 'common.in'), '-c requirements.txt\n');
    await writeFile(join(dir, 'dev.in'), '-r common.in\ntest-runner\n');
    await writeFile(join(dir, 'requirements.in'), 'app-core\nhelper-lib<1.5\n');
    try {
      const result = await run(['lock', '--all']);
      assert.equal(result.code, 0, result.stderr);
      const current = await run(['check', '--all', '--offline']);
      assert.equal(current.code, 0, current.stderr);
    } finally {
      await writeFile(join(dir, 'dev.in'), '-c requirements.txt\ntest-runner\n');
      await writeFile(join(dir, 'requirements.in'), 'app-core\n');
      assert.equal((await run(['lock', '--all'])).code, 0);
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
    ['a value of the wrong kind', '[tool.pin-hashes]\nlocks = [{ inputs = ["requirements.in"], extra = 3 }]\n', /locks\[0\]\.extra must be a string or a list of strings/],
    ['no inputs', '[tool.pin-hashes]\nlocks = [{ output-file = "x.txt" }]\n', /locks\[0\]\.inputs must be a non-empty list/],
    ['two locks writing one file', '[tool.pin-hashes]\nlocks = [{ inputs = ["requirements.in"] }, { inputs = ["dev.in"], output-file = "requirements.txt" }]\n', /locks\[0\] and locks\[1\] both write requirements\.txt/],
    ['a circle', '[tool.pin-hashes]\nlocks = [{ inputs = ["a.in"] }, { inputs = ["b.in"] }]\n', /read each other's outputs in a circle \(locks\[0\] -> locks\[1\] -> locks\[0\]\)/],
    ['a lock constrained by its own output', '[tool.pin-hashes]\nlocks = [{ inputs = ["self.in"] }]\n', /in a circle \(locks\[0\] -> locks\[0\]\)/],
    ['an output over an input of the list', '[tool.pin-hashes]\nlocks = [{ inputs = ["requirements.in"], output-file = "dev.in" }, { inputs = ["dev.in"] }]\n', /locks\[0\] would write its lock over dev\.in, which a lock of the list reads as an input/],
    ['an output outside the repository', '[tool.pin-hashes]\nlocks = [{ inputs = ["requirements.in"], output-file = "../elsewhere.txt" }]\n', /locks\[0\]\.output-file: \.\.\/elsewhere\.txt is not a path inside the repository \(it leads out of /],
    ['an output through a symlink out of the repository', '[tool.pin-hashes]\nlocks = [{ inputs = ["requirements.in"], output-file = "out/x.txt" }]\n', /locks\[0\]\.output-file: out\/x\.txt is not a path inside the repository/],
    ['an input outside the repository', '[tool.pin-hashes]\nlocks = [{ inputs = ["/etc/hostname"] }]\n', /locks\[0\]\.inputs: \/etc\/hostname is not a path inside the repository \(it is absolute\)/],
    ['an input that is a URL', '[tool.pin-hashes]\nlocks = [{ inputs = ["https://user:pw@evil.example/r.in"] }]\n', /locks\[0\]\.inputs: https:\/\/evil\.example\/r\.in is a URL/],
    ["an output '-'", '[tool.pin-hashes]\nlocks = [{ inputs = ["requirements.in"], output-file = "-" }]\n', /locks\[0\]\.output-file is '-'/],
    ['a pylock entry with a requirements.txt flag (checked before any lock is written)', '[tool.pin-hashes]\nlocks = [{ inputs = ["requirements.in"], output-file = "fresh.txt" }, { inputs = ["dev.in"], output-file = "pylock.dev.toml", emit-index-url = true }]\n', /--emit-index-url shapes a requirements\.txt lock, not a pylock\.toml/],
  ];
  for (const [name, list, said] of BAD_LISTS) {
    test(`lock --all with ${name}: exit 2, the entry named`, async () => {
      await writeFile(join(dir, 'a.in'), '-c b.txt\napp-core\n');
      await writeFile(join(dir, 'b.in'), '--constr "a.txt"\napp-core\n');
      await writeFile(join(dir, 'self.in'), '-cself.txt\napp-core\n');
      await mkdir(`${dir}-outside`, { recursive: true });
      await symlink(`${dir}-outside`, join(dir, 'out')).catch(() => undefined);
      await writeFile(join(dir, 'pyproject.toml'), list.includes('[tool.pin-hashes]') ? `[tool.pin-hashes]\nindex-url = "${server.url}"\n` + list.replace('[tool.pin-hashes]\n', '') : list);
      server.clearRequests();
      try {
        const result = await run(['lock', '--all']);
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, said);
        assert.equal(server.requests.length, 0);
        await assert.rejects(stat(join(dir, 'fresh.txt')), 'no lock of the list was written');
      } finally {
        await writeFile(join(dir, 'pyproject.toml'), PYPROJECT);
      }
    });
  }

  test('--all with inputs, or with a flag that shapes a lock: a usage error that says where it goes', async () => {
    const withInputs = await run(['lock', '--all', 'requirements.in']);
    assert.equal(withInputs.code, 2);
    assert.match(withInputs.stderr, /--all locks what pyproject\.toml lists; leave out the inputs/);
    const withFlags = await run(['lock', '--all', '-o', 'x.txt', '-i', server.url, ...TARGET]);
    assert.equal(withFlags.code, 2);
    assert.match(withFlags.stderr, /with --all, what shapes the locks comes from pyproject\.toml only .*: put --python-version, --python-platform, --index-url, --output-file into \[tool\.pin-hashes\]/);
    // Run options are the command line's.
    const withRunFlags = await run(['lock', '--all', '--concurrency', '2', '--dry-run']);
    assert.equal(withRunFlags.code, 0, withRunFlags.stderr);
  });

  /** A list for several targets: the entry as written -> the lock, then an edit of it -> stale. */
  test('several targets: check --all holds the lock to the list (a target removed is stale), and a platform left to the machine stands as recorded', async () => {
    const list = (entry: string) => `[tool.pin-hashes]\nindex-url = "${server.url}"\nlocks = [{ inputs = ["requirements.in"], ${entry} }]\n`;
    const both = 'target = ["x86_64-manylinux_2_28@3.12", "x86_64-pc-windows-msvc@3.12"]';
    try {
      await writeFile(join(dir, 'pyproject.toml'), list(both));
      assert.equal((await run(['lock', '--all'])).code, 0);
      assert.equal((await run(['check', '--all', '--offline'])).code, 0);
      // The list now leaves the target to the machine: lock --all would write a lock for this host.
      await writeFile(join(dir, 'pyproject.toml'), list('output-file = "requirements.txt"'));
      const stale = await run(['check', '--all', '--offline']);
      assert.equal(stale.code, 1, stale.stderr);
      assert.match(stale.stderr, /\[inputs-changed\] pyproject\.toml \[tool\.pin-hashes\] asks for `pin-hashes lock --python-version \S+ --python-platform \S+ .*but requirements\.txt was made with `pin-hashes lock --target x86_64-manylinux_2_28@3\.12\.0 --target x86_64-pc-windows-msvc@3\.12\.0/);
      // Versions named, the platform left to the machine: made on a Mac, checked here.
      await writeFile(join(dir, 'pyproject.toml'), list('python-version = ["3.11", "3.12"]'));
      const onMac = await run(['lock', 'requirements.in', '-i', server.url, '--python-version', '3.11', '--python-version', '3.12', '--python-platform', 'aarch64-apple-darwin']);
      assert.equal(onMac.code, 0, onMac.stderr);
      const here = await run(['check', '--all', '--offline']);
      assert.equal(here.code, 0, here.stderr);
    } finally {
      await writeFile(join(dir, 'pyproject.toml'), PYPROJECT);
      assert.equal((await run(['lock', '--all'])).code, 0);
    }
  });

  test('a target option that fails for a later lock of the list fails before the first lock is written', async () => {
    await writeFile(join(dir, 'pyproject.toml'), `[tool.pin-hashes]\nindex-url = "${server.url}"\nlocks = [{ inputs = ["requirements.in"], output-file = "first.txt" }, { inputs = ["dev.in"], output-file = "second.txt", python-platform = "no-such-platform" }]\n`);
    try {
      const result = await run(['lock', '--all']);
      assert.equal(result.code, 2, result.stderr);
      await assert.rejects(stat(join(dir, 'first.txt')), 'the first lock of the list was not written');
    } finally {
      await writeFile(join(dir, 'pyproject.toml'), PYPROJECT);
    }
  });
});
