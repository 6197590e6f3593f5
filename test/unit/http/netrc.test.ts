import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetrcParseError, loadNetrc, parseNetrc } from '../../../src/http/netrc.js';
import { python3 } from '../../helpers/python.js';

interface Case {
  name: string;
  text: string;
  /** host -> [user, password], or null for "no credentials", or 'error' for a file that does not parse. */
  expect: Record<string, [string, string] | null> | 'error';
}

const cases: Case[] = [
  { name: 'one machine', text: 'machine idx.example login alice password s3cret\n', expect: { 'idx.example': ['alice', 's3cret'], 'other.example': null } },
  {
    name: 'entries over several lines, and a default',
    text: 'machine a.example\n  login a\n  password pa\n\ndefault login anon password pd\n',
    expect: { 'a.example': ['a', 'pa'], 'b.example': ['anon', 'pd'] },
  },
  { name: 'the last entry of a host wins (a dict in Python)', text: 'machine h login one password 1\nmachine h login two password 2\n', expect: { h: ['two', '2'] } },
  { name: 'account stands in for an empty login', text: 'machine h account acct password p\n', expect: { h: ['acct', 'p'] } },
  { name: 'quoted tokens with escapes', text: 'machine h login "al ice" password "p\\"w d"\n', expect: { h: ['al ice', 'p"w d'] } },
  { name: 'a backslash escapes in a bare token', text: 'machine h login a\\ b password c\\\\d\n', expect: { h: ['a b', 'c\\d'] } },
  { name: 'a full-line comment', text: '# my indexes\nmachine h login u password p\n', expect: { h: ['u', 'p'] } },
  { name: 'a comment after an entry on its line', text: 'machine h login u password p # note here\nmachine g login v password q\n', expect: { h: ['u', 'p'], g: ['v', 'q'] } },
  { name: 'a macdef is skipped to the empty line', text: 'macdef init\ncd /pub\nbinary\n\nmachine h login u password p\n', expect: { h: ['u', 'p'] } },
  { name: 'CRLF line ends', text: 'machine h\r\n login u\r\n password p\r\n', expect: { h: ['u', 'p'] } },
  { name: 'host names compare without case', text: 'machine IDX.Example login u password p\n', expect: { 'idx.example': ['u', 'p'] } },
  { name: 'user is login', text: 'machine h user u password p\n', expect: { h: ['u', 'p'] } },
  { name: 'an unknown word in an entry is an error', text: 'machine h login u port 21 password p\n', expect: 'error' },
  { name: 'an unknown word at the top is an error', text: 'hostname h login u\n', expect: 'error' },
  { name: 'a macdef without its empty line is an error', text: 'macdef x\nline\n', expect: 'error' },
  { name: 'an empty file', text: '', expect: { h: null } },
];

for (const c of cases) {
  test(`netrc: ${c.name}`, () => {
    if (c.expect === 'error') {
      assert.throws(() => parseNetrc(c.text), NetrcParseError);
      return;
    }
    const netrc = parseNetrc(c.text);
    for (const [host, expected] of Object.entries(c.expect)) {
      const found = netrc.lookup(host);
      assert.deepEqual(found === undefined ? null : [found.username, found.password], expected, host);
    }
  });
}

test('a parse error never quotes a token of the file', () => {
  try {
    parseNetrc('machine h login u password t0psecret bogus\n');
    assert.fail('expected an error');
  } catch (error) {
    assert.ok(error instanceof NetrcParseError);
    assert.doesNotMatch(error.message, /t0psecret|bogus/);
  }
});

test('loadNetrc: $NETRC wins and is the only file read; ~/.netrc otherwise; a broken file gives nothing and says why', async () => {
  const home = await mkdtemp(join(tmpdir(), 'pin-hashes-netrc-'));
  try {
    await writeFile(join(home, '.netrc'), 'machine h login home password hp\n');
    await writeFile(join(home, 'other'), 'machine h login explicit password ep\n');
    await writeFile(join(home, 'broken'), 'machine h login u password secretvalue extra\n');
    assert.equal((await loadNetrc({ HOME: home })).netrc.lookup('h')?.username, 'home');
    assert.equal((await loadNetrc({ HOME: home, NETRC: join(home, 'other') })).netrc.lookup('h')?.username, 'explicit');
    assert.equal((await loadNetrc({ HOME: home, NETRC: join(home, 'absent') })).netrc.lookup('h'), undefined, 'NETRC names the only file');
    const broken = await loadNetrc({ HOME: home, NETRC: join(home, 'broken') });
    assert.equal(broken.netrc.lookup('h'), undefined);
    assert.match(broken.problem ?? '', /broken: .*line \d.*ignored/);
    assert.doesNotMatch(broken.problem ?? '', /secretvalue/);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

// The same files through Python's netrc (what requests, hence pip, uses), when python3 is here.
test('agrees with Python 3.11+ netrc on every case', (t) => {
  const probe = spawnSync(python3, ['-c', 'import sys; print(sys.version_info >= (3, 11))'], { encoding: 'utf8' });
  if (probe.status !== 0 || probe.stdout.trim() !== 'True') {
    t.skip('python3 >= 3.11 absent');
    return;
  }
  const script = [
    'import json, netrc, sys, tempfile, os',
    'out = []',
    'for case in json.load(sys.stdin):',
    '    fd, path = tempfile.mkstemp()',
    '    os.write(fd, case["text"].encode()); os.close(fd)',
    '    try:',
    '        n = netrc.netrc(path)',
    '        res = {}',
    '        for host in case["hosts"]:',
    '            a = n.authenticators(host)',
    '            res[host] = None if a is None else [a[0] or a[1], a[2]]',
    '        out.append(res)',
    '    except netrc.NetrcParseError:',
    '        out.append("error")',
    '    finally:',
    '        os.unlink(path)',
    'print(json.dumps(out))',
  ].join('\n');
  // Python compares host names exactly; ask it with the names as the file spells them.
  const input = cases.map((c) => ({ text: c.text, hosts: c.expect === 'error' ? [] : Object.keys(c.expect).map((h) => (c.name.includes('without case') ? 'IDX.Example' : h)) }));
  const run = spawnSync(python3, ['-c', script], { input: JSON.stringify(input), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const python = JSON.parse(run.stdout) as (Record<string, [string, string] | null> | 'error')[];
  cases.forEach((c, i) => {
    const theirs = python[i];
    assert.equal(theirs === 'error', c.expect === 'error', `${c.name}: Python says ${JSON.stringify(theirs)}`);
    if (c.expect === 'error' || theirs === 'error') return;
    const ours = Object.values(c.expect);
    assert.deepEqual(Object.values(theirs ?? {}), ours, c.name);
  });
});
