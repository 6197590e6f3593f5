// End to end: the built CLI locks a pyproject.toml (dependencies, an extra with a self-reference,
// a PEP 735 group with an include) against a loopback index; the header command regenerates the
// selection; check passes on the lock, and fails as stale once the pyproject changes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUniverse, startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { runCli } from '../helpers/cli.js';
import { PROJECT_PACKAGES } from '../helpers/project-universe.js';

const PY = '3.11.7';
const PLATFORM = 'x86_64-manylinux_2_36';

const PYPROJECT = `[project]
name = "my-app"
version = "1.0"
dependencies = ["app-core"]

[project.optional-dependencies]
docs = ["docs-tool"]
all = ["my-app[docs]"]

[dependency-groups]
test = ["test-runner", {include-group = "lint"}]
lint = ["lint-tool"]
`;

function pins(lock: string): string[] {
  return lock.split('\n').filter((l) => /^[a-z0-9]/.test(l)).map((l) => l.replace(/ \\$/, ''));
}

describe('pin-hashes lock pyproject.toml', () => {
  let server: IndexServer;
  let dir: string;
  const target = ['--python-version', PY, '--python-platform', PLATFORM];

  before(async () => {
    server = await startIndexServer({
      projects: buildUniverse([
        ...PROJECT_PACKAGES,
        { name: 'extra-dep', versions: { '6.0': {} } },
        // The project's own name on the index: a self-reference must not take it from there.
        { name: 'my-app', versions: { '9.0': { requiresDist: ['helper-lib'] } } },
      ]),
    });
    dir = await mkdtemp(join(tmpdir(), 'pin-hashes-pyproject-'));
    await mkdir(join(dir, 'app'));
    await writeFile(join(dir, 'app', 'pyproject.toml'), PYPROJECT);
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('locks the project, the extra through its self-reference, and the group; check agrees, then finds it stale', async () => {
    const locked = await runCli(['lock', 'app/pyproject.toml', '--extra', 'all', '--group', 'Test', '-i', server.url, ...target], { cwd: dir });
    assert.equal(locked.code, 0, locked.stderr);
    // Beside the pyproject, as pip-compile writes it.
    const lock = await readFile(join(dir, 'app', 'requirements.txt'), 'utf8');
    assert.deepEqual(pins(lock), ['app-core==1.0', 'docs-tool==3.0', 'helper-lib==2.0', 'lint-tool==5.0', 'test-runner==4.0']);
    assert.match(lock, /#    pin-hashes lock --python-version 3\.11\.7 --python-platform x86_64-manylinux_2_36 --extra all --group Test --index-url http:\/\/127\.0\.0\.1:\d+\/simple\/ pyproject\.toml\n/);
    assert.match(lock, /^docs-tool==3\.0 \\\n    --hash=sha256:[0-9a-f]{64}\n    # via my-app \(pyproject\.toml\)\n/m);

    const checked = await runCli(['check', 'app/requirements.txt'], { cwd: dir });
    assert.equal(checked.code, 0, `${checked.stdout}\n${checked.stderr}`);

    await writeFile(join(dir, 'app', 'pyproject.toml'), PYPROJECT.replace('lint = ["lint-tool"]', 'lint = ["lint-tool", "extra-dep"]'));
    const stale = await runCli(['check', 'app/requirements.txt'], { cwd: dir });
    assert.equal(stale.code, 1, stale.stderr);
    assert.match(stale.stdout, /^\+extra-dep==6\.0 \\$/m);
    assert.match(stale.stderr, /stale/);
  });

  test('an extra the pyproject does not define: exit 2, the file and the table named, no stack trace', async () => {
    const result = await runCli(['lock', 'app/pyproject.toml', '--extra', 'nope', '-i', server.url, '-o', '-', ...target], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /app\/pyproject\.toml: \[project\.optional-dependencies\] has no extra "nope" \(it defines "docs", "all"\)/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  test('a pyproject and a requirements file together', async () => {
    await writeFile(join(dir, 'dev.in'), 'lint-tool\n');
    await writeFile(join(dir, 'pyproject.toml'), '[project]\nname = "x"\ndependencies = ["docs-tool"]\n');
    const result = await runCli(['lock', 'pyproject.toml', 'dev.in', '-i', server.url, '-o', '-', '-q', ...target], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(pins(result.stdout), ['docs-tool==3.0', 'lint-tool==5.0']);
    assert.match(result.stdout, /# via x \(pyproject\.toml\)/);
    assert.match(result.stdout, /# via -r dev\.in/);
  });
});
