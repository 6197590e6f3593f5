import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PinHashesError } from '../../../src/errors.js';
import { parseRequirementsText, type ParsedLine, type ParseTextOptions } from '../../../src/requirements/parse-text.js';

const FILE = 'reqs/base.in';
const SHA_A = 'a'.repeat(64);
const SHA_B = '0123456789abcdef'.repeat(4);

function parse(text: string, options: ParseTextOptions = {}) {
  return parseRequirementsText(text, FILE, { cwd: '/project', ...options });
}

function requirementLines(text: string, options: ParseTextOptions = {}) {
  return parse(text, options).lines.flatMap((line) => (line.kind === 'requirement' ? [line] : []));
}

function summary(line: ParsedLine & { kind: 'requirement' }) {
  const { requirement } = line;
  return {
    line: line.location.line,
    name: String(requirement.name),
    extras: [...requirement.extras],
    specifier: String(requirement.specifier),
    url: requirement.url,
    marker: requirement.marker === null ? null : String(requirement.marker),
    hashes: [...line.hashes],
  };
}

/** An INPUT_ERROR at FILE:line whose message matches `pattern` (and whose hint matches `hint`). */
function isInputError(line: number, pattern: RegExp, hint?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof PinHashesError, `not a PinHashesError: ${String(error)}`);
    assert.equal(error.code, 'INPUT_ERROR');
    assert.equal(error.exitCode, 2);
    assert.ok(error.message.startsWith(`${FILE}:${line}: `), `message does not start with ${FILE}:${line}: ${error.message}`);
    assert.match(error.message, pattern);
    if (hint !== undefined) assert.match(error.hint ?? '', hint);
    return true;
  };
}

describe('requirement forms that are accepted', () => {
  const none = { extras: [], specifier: '', url: null, marker: null, hashes: [] };
  const cases: [string, string, ReturnType<typeof summary>][] = [
    ['a bare name', 'requests', { line: 1, name: 'requests', ...none }],
    ['a name is normalized', 'Foo_Bar.baz==1.0', { line: 1, ...none, name: 'foo-bar-baz', specifier: '==1.0' }],
    ['extras, a specifier and a marker', 'Requests[socks,Security]>=2.8 ; python_version >= "3.8"', {
      line: 1, ...none, name: 'requests', extras: ['security', 'socks'], specifier: '>=2.8', marker: 'python_version >= "3.8"',
    }],
    ['a marker after ; without spaces (pip splits at the first ;)', 'foo==1;python_version >= "3.8"', {
      line: 1, ...none, name: 'foo', specifier: '==1', marker: 'python_version >= "3.8"',
    }],
    ['an empty marker after ; (pip accepts it)', 'foo==1;', { line: 1, ...none, name: 'foo', specifier: '==1' }],
    ['a direct https reference', 'foo @ https://files.example/foo-1.0-py3-none-any.whl', {
      line: 1, ...none, name: 'foo', url: 'https://files.example/foo-1.0-py3-none-any.whl',
    }],
    ['a direct file reference to an archive', 'foo@file:///srv/dist/foo-1.0.tar.gz', {
      line: 1, ...none, name: 'foo', url: 'file:///srv/dist/foo-1.0.tar.gz',
    }],
    ['a URL fragment is not a comment', 'foo @ https://h/foo-1.0.tar.gz#sha256=' + SHA_A, {
      line: 1, ...none, name: 'foo', url: 'https://h/foo-1.0.tar.gz#sha256=' + SHA_A,
    }],
    ['--hash=alg:hex', `foo==1.0 --hash=sha256:${SHA_A}`, { line: 1, ...none, name: 'foo', specifier: '==1.0', hashes: [`sha256:${SHA_A}`] }],
    ['--hash alg:hex', `foo==1.0 --hash sha256:${SHA_A}`, { line: 1, ...none, name: 'foo', specifier: '==1.0', hashes: [`sha256:${SHA_A}`] }],
    ['hashes over continuation lines keep their order and the first line number', `\n\nfoo==1.0 \\\n  --hash=sha256:${SHA_B} \\\n  --hash=sha256:${SHA_A}\n`, {
      line: 3, ...none, name: 'foo', specifier: '==1.0', hashes: [`sha256:${SHA_B}`, `sha256:${SHA_A}`],
    }],
    ['sha384 and sha512 are accepted like pip', `foo==1 --hash=sha384:${'b'.repeat(96)} --hash=sha512:${'C'.repeat(128)}`, {
      line: 1, ...none, name: 'foo', specifier: '==1', hashes: [`sha384:${'b'.repeat(96)}`, `sha512:${'C'.repeat(128)}`],
    }],
    ['a marker and hashes together', `foo==1 ; sys_platform == "win32" --hash=sha256:${SHA_A}`, {
      line: 1, ...none, name: 'foo', specifier: '==1', marker: 'sys_platform == "win32"', hashes: [`sha256:${SHA_A}`],
    }],
    ['${VAR} in a requirement is expanded before parsing', 'foo @ https://${HOST}/foo-1.0.tar.gz', {
      line: 1, ...none, name: 'foo', url: 'https://h.example/foo-1.0.tar.gz',
    }],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => {
      const lines = requirementLines(text, { env: { HOST: 'h.example' } });
      assert.equal(lines.length, 1);
      const [line] = lines;
      assert.ok(line !== undefined);
      assert.deepEqual(summary(line), expected);
    });
  }

  it('keeps the requirement text as written, ${VAR} unexpanded', () => {
    const [line] = requirementLines('foo @ https://${HOST}/foo-1.0.tar.gz --hash=sha256:' + SHA_A, { env: { HOST: 'h.example' } });
    assert.equal(line?.text, 'foo @ https://${HOST}/foo-1.0.tar.gz');
  });

  it('reads comments, blank lines and CRLF like pip', () => {
    const text = '# top\r\n\r\nalpha==1  # why\r\n  # indented comment\r\nbeta\r\n';
    assert.deepEqual(requirementLines(text).map((line) => [line.location.line, line.requirement.name]), [[3, 'alpha'], [5, 'beta']]);
  });
});

describe('requirement lines that are refused', () => {
  const cases: [string, string, number, RegExp, RegExp?][] = [
    ['-e with a path', 'foo\n-e ./proj', 2, /editable requirements cannot be installed in --require-hashes mode/, /pip wheel .*name @ file:/],
    ['--editable= with a VCS URL', '--editable=git+https://g/a/b.git#egg=b', 1, /editable/],
    ['a bare VCS URL', 'git+https://github.com/a/b.git@v1#egg=b', 1, /version-control requirement: pip cannot check hashes/, /build a wheel.*name @ https:/],
    ['a named VCS reference', 'b @ git+https://github.com/a/b.git', 1, /version-control requirement/],
    ['a bare wheel URL suggests its name', 'https://h/pkgs/Foo_Bar-1.0-py3-none-any.whl', 1, /URL without a project name/, /`Foo_Bar @ https:\/\/h\/pkgs\/Foo_Bar-1.0-py3-none-any.whl`/],
    ['a bare sdist URL with #egg= suggests the egg name', 'https://h/archive/v1.tar.gz#egg=thing', 1, /URL without a project name/, /`thing @ https:\/\/h\/archive\/v1.tar.gz`/],
    ['a bare file URL to a directory', 'file:///srv/proj', 1, /cannot hash a local directory/],
    ['a bare archive path suggests name @ file://', './dist/foo-1.0.tar.gz', 1, /local file without a project name/, /`foo @ file:\/\/\/project\/dist\/foo-1.0.tar.gz`/],
    ['an archive file name without a slash is a path for pip', 'foo-1.0-py3-none-any.whl', 1, /local file without a project name/],
    ['a local directory', '.', 1, /looks like a local path: pip cannot hash a local directory/],
    ['a local directory with extras', './proj[dev]', 1, /looks like a local path/],
    ['a direct reference with an unsupported scheme', 'foo @ ftp://h/foo-1.0.tar.gz', 1, /must be an https:\/\/, http:\/\/ or file:\/\/ URL/],
    ['a direct file reference to a directory', 'foo @ file:///srv/proj', 1, /does not name an archive/],
    ['a malformed requirement includes the parser message', 'foo[', 1, /invalid requirement `foo\[`: \S/],
    ['= instead of == gets pip\'s hint', 'foo=1.0', 1, /invalid requirement/, /Did you mean == \?/],
    ['whitespace after a continuation backslash', 'alpha==1.0 \\ \n  --hash=sha256:' + SHA_A, 1, /invalid requirement `alpha==1.0 \\`/, /spaces after the `\\`/],
    ['an unknown option on an option line', '--foo', 1, /no such option: --foo/, /--index-url/],
    ['an unknown option after a requirement', 'foo==1 --bar', 1, /no such option: --bar/],
    ['an option without its value', '\n--no-binary', 2, /--no-binary option requires 1 argument/],
    ['--only-binary given another option as its value', '--only-binary --pre', 1, /--only-binary requires a value/],
    ['an unknown hash algorithm', `foo==1 --hash=md5:${SHA_A}`, 1, /allowed hash algorithms for --hash are sha256, sha384, sha512/],
    ['a hash without a digest', 'foo==1 --hash=sha256', 1, /must be a hash name followed by a value/],
    ['a digest that is not hex of the right length', 'foo==1 --hash=sha256:abc', 1, /not a sha256 digest \(64 hexadecimal characters expected\)/],
    ['options shlex cannot split', 'foo==1 --hash "sha256:x', 1, /could not split options .*No closing quotation/],
    ['--config-settings without KEY=VAL', 'foo -C nokey', 1, /must be of the form KEY=VAL/],
    ['an invalid --use-feature', '--use-feature=bogus', 1, /invalid choice: 'bogus'/],
  ];
  for (const [name, text, line, pattern, hint] of cases) {
    it(name, () => assert.throws(() => parse(text), isInputError(line, pattern, hint)));
  }

  it('refuses extras in a constraints file (pip 23 does)', () => {
    assert.throws(() => parse('\n\nfoo[bar]==1', { constraint: true }), isInputError(3, /constraints cannot have extras/));
  });

  it('accepts the same extras outside a constraints file', () => {
    assert.equal(requirementLines('foo[bar]==1').length, 1);
  });
});

describe('option lines', () => {
  it('reads -r and -c as includes, in order, with their line numbers', () => {
    const { lines } = parse('-r a.txt\n--constraint=c.txt\n-rb.txt');
    assert.deepEqual(lines, [
      { kind: 'include', location: { file: FILE, line: 1 }, include: 'requirements', path: 'a.txt' },
      { kind: 'include', location: { file: FILE, line: 2 }, include: 'constraints', path: 'c.txt' },
      { kind: 'include', location: { file: FILE, line: 3 }, include: 'requirements', path: 'b.txt' },
    ]);
  });

  it('follows one include per line, -r before -c, and warns about the rest', () => {
    const { lines, warnings } = parse('-c c.txt -r a.txt -r b.txt');
    assert.deepEqual(lines.map((line) => (line.kind === 'include' ? [line.include, line.path] : line.kind)), [['requirements', 'a.txt']]);
    assert.match(warnings[0]?.message ?? '', /only `a.txt` is read/);
  });

  it('keeps ${VAR} in the written index URL and expands it for fetching', () => {
    const { lines } = parse('--index-url https://u:${TOKEN}@h/simple\n--extra-index-url=${EXTRA}', {
      env: { TOKEN: 's3cr3t', EXTRA: 'https://e/simple' },
    });
    const options = lines.flatMap((line) => (line.kind === 'options' ? [line.options] : []));
    assert.deepEqual(options[0]?.indexUrl, { written: 'https://u:${TOKEN}@h/simple', expanded: 'https://u:s3cr3t@h/simple' });
    assert.deepEqual(options[1]?.extraIndexUrls, [{ written: '${EXTRA}', expanded: 'https://e/simple' }]);
  });

  it('refuses a ${VAR} whose value pip would split into more words', () => {
    assert.throws(() => parse('-i ${URL}', { env: { URL: 'https://h/simple --pre' } }), isInputError(1, /environment variable/));
  });

  it('reads every global option pip allows', () => {
    const text = [
      '-i https://a/simple', '--extra-index-url https://b/simple', '--no-index', '-f ./wheels', '--pre', '--prefer-binary',
      '--require-hashes', '--trusted-host h:8080', '--no-binary :all:', '--only-binary foo',
    ].join('\n');
    const options = parse(text).lines.flatMap((line) => (line.kind === 'options' ? [line.options] : []));
    assert.equal(options.length, 10);
    assert.equal(options[0]?.indexUrl?.expanded, 'https://a/simple');
    assert.equal(options[1]?.extraIndexUrls[0]?.expanded, 'https://b/simple');
    assert.equal(options[2]?.noIndex, true);
    assert.equal(options[3]?.findLinks?.expanded, './wheels');
    assert.equal(options[4]?.pre, true);
    assert.equal(options[5]?.preferBinary, true);
    assert.equal(options[6]?.requireHashes, true);
    assert.deepEqual(options[7]?.trustedHosts, ['h:8080']);
    assert.deepEqual(options[8]?.formatControl, [{ option: 'noBinary', value: ':all:' }]);
    assert.deepEqual(options[9]?.formatControl, [{ option: 'onlyBinary', value: 'foo' }]);
  });

  it('keeps only the last -i of a line (optparse store)', () => {
    const [line] = parse('-i https://a -i https://b').lines;
    assert.ok(line?.kind === 'options');
    assert.equal(line.options.indexUrl?.expanded, 'https://b');
  });
});

describe('warnings for what pip ignores', () => {
  const cases: [string, string, RegExp][] = [
    ['a --hash line without a requirement', `foo==1\n--hash=sha256:${SHA_A}`, /--hash without a requirement/],
    ['a hash cut off by a comment between continuation lines', `foo==1 \\\n# note\n  --hash=sha256:${SHA_A}`, /--hash without a requirement/],
    ['--use-feature', '--use-feature=fast-deps', /--use-feature=fast-deps is ignored/],
    ['--global-option on a requirement', 'foo --global-option=--x', /--global-option is ignored/],
    ['--config-settings on a requirement', 'foo --config-settings=k=v', /--config-settings is ignored/],
    ['a global option after a requirement', 'foo==1 --pre -i https://x', /--pre, -i ignored: pip reads global options only on lines without a requirement/],
    ['a requirements file named without -r', 'dev-requirements.txt', /`dev-requirements.txt` is read as a project name; .*`-r dev-requirements.txt`/],
    ['words after an option', '-r a.txt b.txt', /ignored `b.txt`/],
  ];
  for (const [name, text, pattern] of cases) {
    it(name, () => {
      const { warnings } = parse(text);
      assert.ok(warnings.some((warning) => pattern.test(warning.message)), JSON.stringify(warnings));
      assert.ok(warnings.every((warning) => warning.location.file === FILE));
    });
  }

  it('applies --only-binary given after a requirement, as pip does, but not --pre', () => {
    const { lines } = parse('foo==1 --only-binary :all: --pre');
    assert.deepEqual(lines.map((line) => line.kind), ['options', 'requirement']);
    const [options] = lines;
    assert.ok(options?.kind === 'options');
    assert.deepEqual(options.options.formatControl, [{ option: 'onlyBinary', value: ':all:' }]);
    assert.equal(options.options.pre, false);
  });

  it('puts the warning of a hash cut off by a comment on the hash line', () => {
    const { warnings } = parse(`foo==1 \\\n# note\n  --hash=sha256:${SHA_A}`);
    assert.deepEqual(warnings.map((warning) => warning.location.line), [3]);
  });
});
