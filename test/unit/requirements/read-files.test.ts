import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PinHashesError } from '../../../src/errors.js';
import { normalizeName } from '../../../src/pep/names.js';
import { readRequirementsFiles, type RequirementsInput } from '../../../src/requirements/index.js';

let root = '';
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'pin-hashes-req-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh folder under the temp root holding `files`; returns its path. */
async function project(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await mkdtemp(join(root, 'p-'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return dir;
}

async function read(files: Record<string, string | Uint8Array>, paths: string[], env: Record<string, string> = {}) {
  const cwd = await project(files);
  return { cwd, input: await readRequirementsFiles(paths, { cwd, env }) };
}

const names = (entries: RequirementsInput['requirements']) => entries.map((entry) => String(entry.requirement.name));
const where = (entries: RequirementsInput['requirements']) => entries.map((entry) => `${entry.location.file}:${entry.location.line}`);

function inputErrorAt(prefix: string, pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof PinHashesError, String(error));
    assert.equal(error.code, 'INPUT_ERROR');
    assert.equal(error.exitCode, 2);
    assert.ok(error.message.startsWith(prefix), `expected ${prefix}..., got ${error.message}`);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('includes', () => {
  it('reads -r relative to the including file and names files relative to cwd', async () => {
    const { input } = await read(
      { 'top.in': 'first\n-r sub/a.txt\nlast\n', 'sub/a.txt': 'middle\n-r b.txt\n', 'sub/b.txt': '\n\ninner\n' },
      ['top.in'],
    );
    assert.deepEqual(names(input.requirements), ['first', 'middle', 'inner', 'last']);
    assert.deepEqual(where(input.requirements), ['top.in:1', join('sub', 'a.txt') + ':1', join('sub', 'b.txt') + ':3', 'top.in:3']);
    assert.deepEqual(input.files, ['top.in', join('sub', 'a.txt'), join('sub', 'b.txt')]);
  });

  it('puts -c files in constraints, and -c inside them too', async () => {
    const { input } = await read(
      { 'r.in': 'django-debug-toolbar<2.2\n-c c/one.txt\n', 'c/one.txt': 'django==2.1.15\n-c two.txt\n', 'c/two.txt': 'pytz==2023.3\n' },
      ['r.in'],
    );
    assert.deepEqual(names(input.requirements), ['django-debug-toolbar']);
    assert.deepEqual(names(input.constraints), ['django', 'pytz']);
    assert.ok(input.constraints.every((entry) => entry.constraint));
    assert.ok(input.requirements.every((entry) => !entry.constraint));
  });

  it('reads -r inside a constraints file as requirements, as pip does, with a warning', async () => {
    const { input } = await read({ 'r.in': '-c c.txt\n', 'c.txt': 'foo==1\n-r inner.txt\n', 'inner.txt': 'bar==2\n' }, ['r.in']);
    assert.deepEqual(names(input.constraints), ['foo']);
    assert.deepEqual(names(input.requirements), ['bar']);
    assert.match(input.warnings[0]?.message ?? '', /pip reads inner.txt as requirements, not constraints/);
    assert.deepEqual(input.warnings[0]?.location, { file: 'c.txt', line: 2 });
  });

  it('reads a file included twice without a cycle twice, listing it once', async () => {
    const { input } = await read({ 'a.in': '-r b.txt\n-r c.txt\n', 'b.txt': '-r d.txt\n', 'c.txt': '-r d.txt\n', 'd.txt': 'shared\n' }, ['a.in']);
    assert.deepEqual(names(input.requirements), ['shared', 'shared']);
    assert.deepEqual(input.files, ['a.in', 'b.txt', 'd.txt', 'c.txt']);
  });

  it('refuses a file that includes itself', async () => {
    await assert.rejects(read({ 'a.in': 'x\n-r a.in\n' }, ['a.in']), inputErrorAt('a.in:2: ', /`-r a.in` includes a.in again.*include cycle a\.in -> a\.in\./));
  });

  it('refuses a longer include cycle at the line that closes it', async () => {
    await assert.rejects(
      read({ 'a.in': '-r sub/b.txt\n', 'sub/b.txt': '\n-c ../a.in\n' }, ['a.in']),
      inputErrorAt(join('sub', 'b.txt') + ':2: ', /include cycle a\.in -> sub.b\.txt -> a\.in\./),
    );
  });

  it('names the including file and line when an included file is missing', async () => {
    await assert.rejects(
      read({ 'a.in': 'x\n-r missing.txt\n' }, ['a.in']),
      inputErrorAt('a.in:2: ', /`-r missing.txt`: could not open missing.txt: no such file/),
    );
  });

  it('reports a missing top-level file by its name', async () => {
    await assert.rejects(read({}, ['nope.in']), inputErrorAt('nope.in: ', /could not open requirements file: no such file/));
  });

  it('refuses -r with a URL for now', async () => {
    await assert.rejects(read({ 'a.in': '-r https://h/r.txt\n' }, ['a.in']), inputErrorAt('a.in:1: ', /URL is not supported yet/));
  });

  it('shows an absolute path inside cwd relative to cwd', async () => {
    const cwd = await project({ 'sub/a.in': 'foo\n' });
    const input = await readRequirementsFiles([join(cwd, 'sub', 'a.in')], { cwd, env: {} });
    assert.deepEqual(input.files, [join('sub', 'a.in')]);
    assert.equal(input.requirements[0]?.location.file, join('sub', 'a.in'));
  });

  it('reads several named files in order', async () => {
    const { input } = await read({ 'a.in': 'a\n', 'b.in': 'b\n' }, ['b.in', 'a.in']);
    assert.deepEqual(names(input.requirements), ['b', 'a']);
    assert.deepEqual(input.files, ['b.in', 'a.in']);
  });
});

describe('global options across files', () => {
  it('keeps the last -i, keeps ${VAR} in url and expands it for fetching', async () => {
    const { input } = await read(
      { 'a.in': '-i https://first/simple\n-r b.txt\n', 'b.txt': '--index-url https://u:${TOKEN}@second/simple\n' },
      ['a.in'],
      { TOKEN: 's3cr3t' },
    );
    assert.deepEqual(input.indexUrl, {
      url: 'https://u:${TOKEN}@second/simple', expanded: 'https://u:s3cr3t@second/simple', location: { file: 'b.txt', line: 1 },
    });
  });

  it('drops extra index URLs read before a later -i, as pip does, with a warning', async () => {
    const { input } = await read({ 'a.in': '--extra-index-url https://e1\n-i https://main\n--extra-index-url https://e2\n' }, ['a.in']);
    assert.equal(input.indexUrl?.url, 'https://main');
    assert.deepEqual(input.extraIndexUrls.map((extra) => extra.url), ['https://e2']);
    assert.match(input.warnings[0]?.message ?? '', /drops --extra-index-url https:\/\/e1 from a.in:1/);
  });

  it('--no-index clears the index list and later index options are ignored', async () => {
    const { input } = await read({ 'a.in': '-i https://main\n--no-index\n--extra-index-url https://e\n-i https://again\n' }, ['a.in']);
    assert.equal(input.noIndex, true);
    assert.equal(input.indexUrl, null);
    assert.deepEqual(input.extraIndexUrls, []);
    assert.equal(input.warnings.length, 2);
  });

  it('resolves -f against the including file when that path exists, else keeps it as written', async () => {
    const { cwd, input } = await read(
      { 'reqs/a.in': '-f ../wheels\n-f ./not-there\n-f https://h/links.html\n', 'wheels/x.txt': '' },
      [join('reqs', 'a.in')],
    );
    assert.deepEqual(input.findLinks.map((link) => link.value), [join(cwd, 'wheels'), './not-there', 'https://h/links.html']);
    assert.deepEqual(input.findLinks.map((link) => link.location.line), [1, 2, 3]);
  });

  it('accumulates flags, trusted hosts and format control over files in order', async () => {
    const { input } = await read(
      {
        'a.in': '--pre\n--no-binary :all:\n-r b.txt\n--trusted-host a.example\n',
        'b.txt': '--prefer-binary\n--require-hashes\n--only-binary Foo_Bar\n--trusted-host b.example:8080\n',
      },
      ['a.in'],
    );
    assert.equal(input.pre, true);
    assert.equal(input.preferBinary, true);
    assert.equal(input.requireHashes, true);
    assert.deepEqual(input.trustedHosts, ['b.example:8080', 'a.example']);
    assert.deepEqual(input.formatControl.toJSON(), { noBinary: [':all:'], onlyBinary: ['foo-bar'] });
    assert.equal(input.formatControl.allows(normalizeName('foo.bar'), 'sdist'), false);
    assert.equal(input.formatControl.allows(normalizeName('other'), 'wheel'), false);
  });

  it('starts from pip defaults', async () => {
    const { input } = await read({ 'a.in': 'foo\n' }, ['a.in']);
    assert.equal(input.indexUrl, null);
    assert.deepEqual([input.noIndex, input.pre, input.preferBinary, input.requireHashes], [false, false, false, false]);
    assert.deepEqual(input.formatControl.toJSON(), { noBinary: [], onlyBinary: [] });
    assert.deepEqual(input.warnings, []);
  });

  it('collects warnings with their file and line', async () => {
    const { input } = await read({ 'a.in': '-r b.txt\n', 'b.txt': '\n--use-feature=truststore\n' }, ['a.in']);
    assert.deepEqual(input.warnings.map((warning) => warning.location), [{ file: 'b.txt', line: 2 }]);
  });
});

describe('encodings', () => {
  const utf16le = (text: string) => new Uint8Array([0xff, 0xfe, ...Buffer.from(text, 'utf16le')]);
  const utf16be = (text: string) => new Uint8Array([0xfe, 0xff, ...Buffer.from(text, 'utf16le').swap16()]);
  const utf32be = (text: string) => {
    const bytes = [0x00, 0x00, 0xfe, 0xff];
    for (const char of text) {
      const point = char.codePointAt(0) ?? 0;
      bytes.push((point >>> 24) & 255, (point >>> 16) & 255, (point >>> 8) & 255, point & 255);
    }
    return new Uint8Array(bytes);
  };
  const cases: [string, Uint8Array][] = [
    ['a UTF-8 BOM', new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('foo==1\nbar\n')])],
    ['a UTF-16 LE BOM', utf16le('foo==1\nbar\n')],
    ['a UTF-16 BE BOM', utf16be('foo==1\nbar\n')],
    ['a UTF-32 BE BOM', utf32be('foo==1\nbar\n')],
    ['no BOM: UTF-8', new Uint8Array(Buffer.from('foo==1\nbar\n'))],
  ];
  for (const [name, bytes] of cases) {
    it(`reads a file with ${name}`, async () => {
      const { input } = await read({ 'a.in': bytes }, ['a.in']);
      assert.deepEqual(names(input.requirements), ['foo', 'bar']);
    });
  }

  it('refuses text that is not UTF-8, naming the line of the first bad byte', async () => {
    const bytes = new Uint8Array([...Buffer.from('foo\n# caf'), 0xe9, ...Buffer.from('\nbar\n')]);
    await assert.rejects(read({ 'a.in': bytes }, ['a.in']), inputErrorAt('a.in:2: ', /not valid UTF-8/));
  });
});
