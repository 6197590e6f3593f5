import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readZip } from '../../helpers/archive.js';
import {
  buildSdist,
  buildWheel,
  extractMetadata,
  metadataText,
  pkgInfoText,
  sha256Hex,
  wheelFilename,
  type DistSpec,
} from '../../helpers/dists.js';

const hasPython = spawnSync(python3, ['--version']).status === 0;

/** Runs a Python snippet with argv; returns parsed JSON printed on stdout. */
function python(code: string, args: string[]): unknown {
  const result = spawnSync(python3, ['-c', code, ...args], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'pin-hashes-dists-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const spec: DistSpec = {
  name: 'Demo.Pkg_x',
  version: '1.2.3',
  requiresDist: ['requests>=2', 'pysocks>=1.5; extra == "socks"', 'win-inet; sys_platform == "win32" and extra == "win"'],
  requiresPython: '>=3.8',
};

const filenames: { name: string; version: string; tag?: string; build?: string; expected: string }[] = [
  { name: 'Demo.Pkg_x', version: '1.2.3', expected: 'demo_pkg_x-1.2.3-py3-none-any.whl' },
  { name: 'a--b__c', version: '1.0', tag: 'cp312-abi3-manylinux_2_17_x86_64', expected: 'a_b_c-1.0-cp312-abi3-manylinux_2_17_x86_64.whl' },
  { name: 'x', version: '2.0+local', build: '1', expected: 'x-2.0+local-1-py3-none-any.whl' },
];
for (const f of filenames) {
  test(`wheel filename for ${f.name} ${f.version} escapes as PEP 427 says: ${f.expected}`, () => {
    assert.equal(wheelFilename(f.name, f.version, f.tag, f.build), f.expected);
  });
}

test('metadata names every field of the spec and infers Provides-Extra from markers', () => {
  const text = metadataText(spec);
  assert.match(text, /^Metadata-Version: 2\.1\nName: Demo\.Pkg_x\nVersion: 1\.2\.3\n/);
  assert.match(text, /^Requires-Python: >=3\.8$/m);
  assert.deepEqual(text.match(/^Provides-Extra: .*$/gm), ['Provides-Extra: socks', 'Provides-Extra: win']);
  assert.equal(text.match(/^Requires-Dist: /gm)?.length, 3);
  assert.ok(text.endsWith('\n\n'));
});

test('the wheel carries exactly the METADATA that metadataText returns', () => {
  const wheel = buildWheel(spec);
  assert.equal(wheel.filename, 'demo_pkg_x-1.2.3-py3-none-any.whl');
  assert.equal(extractMetadata(wheel.filename, wheel.bytes)?.toString(), metadataText(spec));
  const files = readZip(wheel.bytes);
  assert.match(files.get('demo_pkg_x-1.2.3.dist-info/WHEEL')?.toString() ?? '', /^Tag: py3-none-any$/m);
});

test('the same spec builds the same bytes, a different version different bytes', () => {
  assert.equal(sha256Hex(buildWheel(spec, { padBytes: 1000 }).bytes), sha256Hex(buildWheel(spec, { padBytes: 1000 }).bytes));
  assert.notEqual(sha256Hex(buildWheel(spec).bytes), sha256Hex(buildWheel({ ...spec, version: '1.2.4' }).bytes));
});

test('padBytes makes the wheel at least that large even though it compresses', () => {
  assert.ok(buildWheel(spec, { padBytes: 50_000 }).bytes.length > 50_000);
});

test('hostile options: METADATA can be replaced or left out', () => {
  const replaced = buildWheel(spec, { metadataOverride: 'Metadata-Version: 2.1\nName: other\nVersion: 9\n\n' });
  assert.equal(extractMetadata(replaced.filename, replaced.bytes)?.toString(), replaced.metadata);
  const omitted = buildWheel(spec, { omitMetadata: true });
  assert.equal(omitted.metadata, undefined);
  assert.equal(extractMetadata(omitted.filename, omitted.bytes), undefined);
});

test('the sdist carries PKG-INFO 2.2 with Dynamic lines, in both archive formats', () => {
  for (const format of ['tar.gz', 'zip'] as const) {
    const sdist = buildSdist(spec, { dynamic: ['Requires-Dist'], format });
    assert.equal(sdist.filename, `demo_pkg_x-1.2.3.${format}`);
    const pkgInfo = extractMetadata(sdist.filename, sdist.bytes)?.toString();
    assert.equal(pkgInfo, pkgInfoText(spec, ['Requires-Dist']));
    assert.match(pkgInfo ?? '', /^Metadata-Version: 2\.2$/m);
    assert.match(pkgInfo ?? '', /^Dynamic: Requires-Dist$/m);
  }
  const bare = buildSdist(spec, { pkgInfo: false });
  assert.equal(extractMetadata(bare.filename, bare.bytes), undefined);
});

const CHECK_WHEEL = `
import base64, csv, hashlib, io, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
bad = z.testzip()
info = [n for n in z.namelist() if n.endswith('.dist-info/RECORD')][0]
rows = list(csv.reader(io.StringIO(z.read(info).decode())))
checked = 0
for path, digest, size in rows:
    if not digest:
        continue
    data = z.read(path)
    algo, _, want = digest.partition('=')
    got = base64.urlsafe_b64encode(hashlib.new(algo, data).digest()).rstrip(b'=').decode()
    assert got == want and int(size) == len(data), path
    checked += 1
print(json.dumps({"bad": bad, "names": z.namelist(), "checked": checked,
                  "metadata": z.read(info.replace('RECORD', 'METADATA')).decode()}))
`;

test('python zipfile reads the wheel and every RECORD digest and size matches', (t) => {
  if (!hasPython) return t.skip('python3 absent');
  const wheel = buildWheel(spec, { padBytes: 10_000, buildTag: '7' });
  withTempDir((dir) => {
    const path = join(dir, wheel.filename);
    writeFileSync(path, wheel.bytes);
    const out = python(CHECK_WHEEL, [path]);
    assert.deepEqual(out, {
      bad: null,
      names: [
        'demo_pkg_x/__init__.py',
        'demo_pkg_x/_pad.bin',
        'demo_pkg_x-1.2.3.dist-info/METADATA',
        'demo_pkg_x-1.2.3.dist-info/WHEEL',
        'demo_pkg_x-1.2.3.dist-info/RECORD',
      ],
      checked: 4,
      metadata: metadataText(spec),
    });
  });
});

const CHECK_SDIST = `
import json, sys, tarfile, tomllib
t = tarfile.open(sys.argv[1])
names = t.getnames()
top = names[0]
project = tomllib.loads(t.extractfile(top + '/pyproject.toml').read().decode())['project']
print(json.dumps({"top": top, "project": project, "pkginfo": t.extractfile(top + '/PKG-INFO').read().decode()}))
`;
import { python3 } from '../../helpers/python.js';

test('python tarfile reads the sdist and its pyproject.toml mirrors the spec', (t) => {
  if (!hasPython) return t.skip('python3 absent');
  const sdist = buildSdist(spec);
  withTempDir((dir) => {
    const path = join(dir, sdist.filename);
    writeFileSync(path, sdist.bytes);
    const out = python(CHECK_SDIST, [path]);
    assert.deepEqual(out, {
      top: 'demo_pkg_x-1.2.3',
      project: {
        name: 'Demo.Pkg_x',
        version: '1.2.3',
        'requires-python': '>=3.8',
        dependencies: ['requests>=2'],
        'optional-dependencies': { socks: ['pysocks>=1.5'], win: ['win-inet; sys_platform == "win32"'] },
      },
      pkginfo: pkgInfoText(spec),
    });
  });
});

test('an isolated pip installs the wheel into a target folder', (t) => {
  if (!hasPython) return t.skip('python3 absent');
  const wheel = buildWheel(spec);
  withTempDir((dir) => {
    const path = join(dir, wheel.filename);
    writeFileSync(path, wheel.bytes);
    const env: NodeJS.ProcessEnv = { ...process.env, PIP_CONFIG_FILE: '/dev/null', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
    delete env['PIP_FIND_LINKS'];
    const target = join(dir, 'target');
    const pip = spawnSync(
      python3,
      ['-m', 'pip', 'install', '--isolated', '--no-cache-dir', '--no-deps', '--no-index', '--target', target, path],
      { encoding: 'utf8', env },
    );
    if (pip.status !== 0 && /No module named pip/.test(pip.stderr)) return t.skip('pip absent');
    assert.equal(pip.status, 0, pip.stderr);
    const imported = spawnSync(python3, ['-c', 'import demo_pkg_x, json; print(json.dumps(demo_pkg_x.__version__))'], {
      encoding: 'utf8',
      env: { ...env, PYTHONPATH: target },
    });
    assert.equal(imported.stdout.trim(), '"1.2.3"', imported.stderr);
  });
});
