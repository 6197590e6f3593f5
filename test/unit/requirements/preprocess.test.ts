import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandEnvVars, joinContinuations, preprocess, stripComment } from '../../../src/requirements/preprocess.js';
import { pySplitLines, pyStrip } from '../../../src/requirements/python-text.js';

describe('pySplitLines follows Python str.splitlines', () => {
  const cases: [string, string, string[]][] = [
    ['empty text has no lines', '', []],
    ['a final newline makes no empty line', 'a\nb\n', ['a', 'b']],
    ['empty lines in the middle are kept', 'a\n\nb', ['a', '', 'b']],
    ['\\r\\n is one break', 'a\r\nb', ['a', 'b']],
    ['a lone \\r is a break', 'a\rb', ['a', 'b']],
    ['\\r\\r\\n is two breaks', 'a\r\r\nb', ['a', '', 'b']],
    ['vertical tab, form feed and file/group/record separators break', 'a\vb\fc\x1cd\x1de\x1ef', ['a', 'b', 'c', 'd', 'e', 'f']],
    ['NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR break', 'a\x85b\u2028c\u2029d', ['a', 'b', 'c', 'd']],
    ['the unit separator \\x1f does not break', 'a\x1fb', ['a\x1fb']],
    ['only a newline gives one empty line', '\n', ['']],
  ];
  for (const [name, text, expected] of cases) it(name, () => assert.deepEqual(pySplitLines(text), expected));
});

describe('pyStrip uses Python whitespace', () => {
  it('strips \\x1c-\\x1f and NEL, which JavaScript trim() keeps', () => assert.equal(pyStrip('\x1f\x85 a \x1c'), 'a'));
  it('keeps a BOM character, which JavaScript trim() removes', () => assert.equal(pyStrip('\ufeffa'), '\ufeffa'));
});

describe('joinContinuations follows pip join_lines', () => {
  const cases: [string, string[], { line: number; text: string }[]][] = [
    ['a backslash joins the next line without adding a space', ['a \\', '  b'], [{ line: 1, text: 'a   b' }]],
    ['the joined block takes the first line number', ['x', 'a\\', 'b\\', 'c', 'd'], [
      { line: 1, text: 'x' }, { line: 2, text: 'abc' }, { line: 5, text: 'd' },
    ]],
    ['whitespace after the backslash stops the continuation', ['a \\ ', 'b'], [{ line: 1, text: 'a \\ ' }, { line: 2, text: 'b' }]],
    ['backslashes are stripped from both ends of a continued line', ['\\\\a\\\\', 'b'], [{ line: 1, text: 'ab' }]],
    ['a comment line ends the block and is glued on with a space', ['a \\', '# c \\', 'b'], [
      { line: 1, text: 'a  # c \\' }, { line: 3, text: 'b' },
    ]],
    ['an indented comment line also ends the block', ['a \\', '   # c', 'b'], [{ line: 1, text: 'a     # c' }, { line: 3, text: 'b' }]],
    ['a continuation on the last line is kept', ['a \\'], [{ line: 1, text: 'a ' }]],
    ['a lone backslash line joins with the next', ['\\', '', 'c'], [{ line: 1, text: '' }, { line: 3, text: 'c' }]],
  ];
  for (const [name, lines, expected] of cases) it(name, () => assert.deepEqual(joinContinuations(lines), expected));
});

describe('stripComment follows pip COMMENT_RE', () => {
  const cases: [string, string, string][] = [
    ['a line comment disappears', '# hello', ''],
    ['a comment after whitespace is removed', 'foo==1  # pinned', 'foo==1'],
    ['a # without whitespace before it is not a comment', 'https://h/p.whl#sha256=ab', 'https://h/p.whl#sha256=ab'],
    ['a tab before # starts a comment', 'foo\t#c', 'foo'],
    ['the first comment wins', 'a #b #c', 'a'],
    ['whitespace around the text is stripped', '  foo  ', 'foo'],
    ['a # inside a marker string after a space is still a comment (as pip)', 'foo; os_name == "a #b"', 'foo; os_name == "a'],
  ];
  for (const [name, line, expected] of cases) it(name, () => assert.equal(stripComment(line), expected));
});

describe('expandEnvVars follows pip expand_env_variables', () => {
  const env = { TOKEN: 's3cr3t', EMPTY: '', HOST: 'h.example', lower: 'no' };
  const cases: [string, string, string][] = [
    ['${NAME} is replaced', 'https://u:${TOKEN}@h/simple', 'https://u:s3cr3t@h/simple'],
    ['every occurrence is replaced', '${HOST}/${HOST}', 'h.example/h.example'],
    ['an unset variable stays as written', '${MISSING}/x', '${MISSING}/x'],
    ['an empty variable stays as written', '${EMPTY}/x', '${EMPTY}/x'],
    ['$NAME is never expanded', '$TOKEN', '$TOKEN'],
    ['%NAME% is never expanded', '%TOKEN%', '%TOKEN%'],
    ['lowercase names are never expanded', '${lower}', '${lower}'],
  ];
  for (const [name, text, expected] of cases) it(name, () => assert.equal(expandEnvVars(text, env), expected));
});

describe('preprocess', () => {
  it('drops empty and comment lines, keeps first line numbers, and keeps the written form beside the expanded one', () => {
    const text = '# header\n\nfoo==1 \\\n  --hash=sha256:${H} # c\n--index-url ${URL}\n';
    assert.deepEqual(preprocess(text, { URL: 'https://x/simple', H: 'ab' }), [
      { line: 3, written: 'foo==1   --hash=sha256:${H}', text: 'foo==1   --hash=sha256:ab' },
      { line: 5, written: '--index-url ${URL}', text: '--index-url https://x/simple' },
    ]);
  });

  it('expands after comment stripping, so a # inside a value is not a comment', () => {
    assert.deepEqual(preprocess('-i ${U}', { U: 'https://h/#x y' }), [{ line: 1, written: '-i ${U}', text: '-i https://h/#x y' }]);
  });
});
