// Differential test against the real pip: each case is written to a temp folder, read by pip
// 23.2's own `parse_requirements` (with a PackageFinder, so option lines take effect) and by
// `readRequirementsFiles`, and the two results are compared: requirements and constraints (name,
// specifier, marker, hashes, line), the index list, find-links, format control and flags.
// Only inputs both accept are compared this way; pip errors are compared as "both refuse".
// Runs when `python3` has pip 23.2.x; skips otherwise (pip only reads local files here: no network).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { PinHashesError } from '../../../src/errors.js';
import { readRequirementsFiles, type RequirementsInput } from '../../../src/requirements/index.js';

const PIP_SCRIPT = String.raw`
import json, os, sys
from pip._internal.req.req_file import parse_requirements
from pip._internal.network.session import PipSession
from pip._internal.index.package_finder import PackageFinder
from pip._internal.index.collector import LinkCollector
from pip._internal.models.search_scope import SearchScope
from pip._internal.models.selection_prefs import SelectionPreferences
from pip._internal.models.format_control import FormatControl
from pip._internal.req.constructors import install_req_from_parsed_requirement
import logging
logging.disable(logging.CRITICAL)
results = []
for case in json.load(sys.stdin):
    os.chdir(case["dir"])
    for k, v in case["env"].items():
        os.environ[k] = v
    session = PipSession()
    fc = FormatControl(set(), set())
    scope = SearchScope.create(find_links=[], index_urls=[], no_index=False)
    finder = PackageFinder.create(link_collector=LinkCollector(session, scope),
        selection_prefs=SelectionPreferences(allow_yanked=False, format_control=fc))
    out = {"requirements": [], "error": None}
    try:
        for pr in parse_requirements(case["entry"], session=session, finder=finder):
            ir = install_req_from_parsed_requirement(pr)
            hashes = [f"{alg}:{d}" for alg, ds in (pr.options or {}).get("hashes", {}).items() for d in ds]
            out["requirements"].append({
                "name": ir.name, "specifier": sorted(str(s) for s in ir.specifier),
                "marker": str(ir.markers) if ir.markers else None, "url": ir.link.url if ir.link else None,
                "extras": sorted(ir.extras), "hashes": hashes, "constraint": pr.constraint,
                "line": int(pr.comes_from.rsplit("(line ", 1)[1].rstrip(")")),
            })
    except BaseException as e:
        out["error"] = type(e).__name__ + ": " + str(e)
    for k in case["env"]:
        del os.environ[k]
    out.update(index_urls=finder.index_urls, find_links=finder.find_links, no_index=finder.search_scope.no_index,
        only_binary=sorted(fc.only_binary), no_binary=sorted(fc.no_binary),
        pre=finder._candidate_prefs.allow_all_prereleases, prefer_binary=finder._candidate_prefs.prefer_binary,
        trusted_hosts=[h if p is None else f"{h}:{p}" for h, p in session.pip_trusted_origins])
    results.append(out)
print(json.dumps(results))
`;
import { python3 } from '../../helpers/python.js';

const PipRequirement = z.object({
  name: z.string(), specifier: z.array(z.string()), marker: z.string().nullable(), url: z.string().nullable(),
  extras: z.array(z.string()), hashes: z.array(z.string()), constraint: z.boolean(), line: z.number(),
});
const PipResult = z.object({
  requirements: z.array(PipRequirement), error: z.string().nullable(), index_urls: z.array(z.string()),
  find_links: z.array(z.string()), no_index: z.boolean(), only_binary: z.array(z.string()), no_binary: z.array(z.string()),
  pre: z.boolean(), prefer_binary: z.boolean(), trusted_hosts: z.array(z.string()),
});
type PipResult = z.infer<typeof PipResult>;

interface Case {
  name: string;
  files: Record<string, string>;
  entry?: string;
  env?: Record<string, string>;
}

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);

const CASES: Case[] = [
  { name: 'plain pins, comments and blank lines', files: { 'r.in': '# c\n\nfoo==1.0  # pinned\nBar_Baz>=2,<3\n\n' } },
  { name: 'extras, markers and a legacy parenthesised specifier', files: { 'r.in': 'a[X,y]>=1 ; python_version >= "3.8"\nzope.interface (>3.5.0)\nb;sys_platform == "win32"\nc;\n' } },
  { name: 'hashes in both spellings over continuations', files: { 'r.in': `foo==1 \\\n  --hash=sha256:${H1} \\\n  --hash sha256:${H2}\nbar==2 --hash=sha256:${H2}\n` } },
  { name: 'a comment between continuation lines cuts the hashes off', files: { 'r.in': `foo==1 \\\n# note\n  --hash=sha256:${H1}\n` } },
  { name: 'backslashes stripped from both ends of a continued line', files: { 'r.in': 'fo\\\n\\o==1\\\\\n\n' } },
  { name: 'CR and other Python line breaks', files: { 'r.in': 'a==1\rb==2\x0bc==3\x0cd==4\u2028e==5\r\n' } },
  { name: 'a direct reference', files: { 'r.in': 'foo @ https://h.example/foo-1.0-py3-none-any.whl\n' } },
  { name: 'env vars only as ${UPPER}', files: { 'r.in': '-i https://u:${TOKEN}@h/simple\n--extra-index-url https://${lower}/x\n-f $HOME/wheels\nfoo==${VER}\n' }, env: { TOKEN: 'tok', VER: '1.2' } },
  { name: 'includes and constraints, nested, relative to the including file', files: {
    'r.in': 'top\n-r sub/a.txt\n-c sub/c.txt\n', 'sub/a.txt': 'mid==1\n-r ../b.txt\n', 'b.txt': 'low\n', 'sub/c.txt': 'mid==1\n-c c2.txt\n-r inner.txt\n', 'sub/c2.txt': 'low<2\n', 'sub/inner.txt': 'inner\n',
  } },
  { name: 'index options in order', files: { 'r.in': '--extra-index-url https://e1\n-i https://main\n--extra-index-url https://e2\n-r more.txt\n', 'more.txt': '--index-url=https://last\n--extra-index-url https://e3\n' } },
  { name: '--no-index clears and wins', files: { 'r.in': '-i https://main\n--no-index\n--extra-index-url https://e\n-i https://again\n' } },
  { name: 'find-links resolved beside the file when it exists', files: { 'reqs/r.in': '-f ../wheels\n-f missing-dir\n--find-links=https://h/links\n', 'wheels/keep.txt': '' }, entry: 'reqs/r.in' },
  { name: 'format control across lines and after a requirement', files: { 'r.in': '--no-binary a,B_c\n--only-binary :all:\nfoo==1 --no-binary foo\n--only-binary A\n--no-binary :all:,x\n--no-binary :none:\n' } },
  { name: 'flags, trusted hosts and abbreviations', files: { 'r.in': '--pre\n--prefer-bin\n--trusted-host h1 --trusted-host h2:8080\n--require-hashes\n--index https://abbrev\n--use-feature=truststore\n' } },
  { name: 'global options after a requirement are ignored', files: { 'r.in': 'foo==1 --pre --index-url https://x -f y\n' } },
  { name: 'a marker glued to a URL by ; (pip splits at the first ;)', files: { 'r.in': 'foo @ https://h/foo-1.0.tar.gz;python_version>"3"\n' } },
  { name: 'an include path from ${VAR}, leftovers and -i inside a constraints file', files: {
    'r.in': '-r ${SUB}/a.txt extra words\n-c c.txt\n', 'sub/a.txt': 'a\n--constraint=../c2.txt\n', 'c.txt': '-i https://from-constraints\nx==1\n', 'c2.txt': 'y<3\n',
  }, env: { SUB: 'sub' } },
  { name: 'a --hash line without a requirement and --no-binary=:all:', files: { 'r.in': `foo==1\n--hash=sha256:${H1}\n--no-binary=:all:\n` } },
  { name: 'a BOM, Python-only whitespace and an empty marker', files: { 'r.in': '\ufefffoo==1\x1f\nbar\x85baz\n\x1c\nqux ; \n' } },
  { name: 'an empty file', files: { 'r.in': '' } },
  { name: 'quoted option values', files: { 'r.in': '-i "https://h/a b"\n--trusted-host \'h\'\n' } },
  { name: 'a tab before an option keeps it in the requirement', files: { 'r.in': `foo==1\t--hash=sha256:${H1}\n` } },
  { name: 'marker spellings', files: { 'r.in': "a ; python_version<'3.10' and (os_name=='nt' or extra == 'x')\nb; platform_machine in 'x86_64 aarch64'\n" } },
  { name: 'an unknown option', files: { 'r.in': 'foo\n--bogus\n' } },
  { name: 'an option without its value', files: { 'r.in': '--index-url\n' } },
  { name: 'whitespace after a backslash', files: { 'r.in': 'alpha==1.0 \\ \n  --hash=sha256:' + H1 + '\n' } },
  { name: 'a bad hash algorithm', files: { 'r.in': `foo==1 --hash=md5:${H1}\n` } },
  { name: 'a malformed requirement', files: { 'r.in': 'foo==1\nbar[\n' } },
  { name: 'a missing include', files: { 'r.in': '-r nope.txt\n' } },
];

function pipAvailable(): boolean {
  const probe = spawnSync(python3, ['-c', 'import pip; print(pip.__version__)'], { encoding: 'utf8', env: isolatedEnv({}) });
  return probe.status === 0 && /^23\.2(\.|$)/.test(probe.stdout.trim());
}

function isolatedEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'], PIP_CONFIG_FILE: '/dev/null', PIP_NO_INPUT: '1', ...extra };
  return env;
}

function ours(input: RequirementsInput) {
  const entries = [...input.requirements, ...input.constraints].sort((a, b) => Number(a.constraint) - Number(b.constraint));
  return entries.map((entry) => ({
    name: entry.requirement.rawName,
    specifier: entry.requirement.specifier.specifiers.map((clause) => `${clause.operator}${clause.version}`).sort(),
    marker: entry.requirement.marker === null ? null : String(entry.requirement.marker),
    url: entry.requirement.url,
    hashes: [...entry.hashes],
    constraint: entry.constraint,
    line: entry.location.line,
  }));
}

describe('reading like pip 23.2.1 itself', () => {
  const available = pipAvailable();
  let root = '';
  const pipResults = new Map<string, PipResult>();
  const dirs = new Map<string, string>();

  before(async () => {
    if (!available) return;
    root = await mkdtemp(join(tmpdir(), 'pin-hashes-pipdiff-'));
    const jobs = [];
    for (const [index, testCase] of CASES.entries()) {
      const dir = join(root, String(index));
      for (const [name, content] of Object.entries(testCase.files)) {
        await mkdir(dirname(join(dir, name)), { recursive: true });
        await writeFile(join(dir, name), content);
      }
      dirs.set(testCase.name, dir);
      jobs.push({ dir, entry: testCase.entry ?? 'r.in', env: testCase.env ?? {} });
    }
    const run = spawnSync(python3, ['-c', PIP_SCRIPT], { input: JSON.stringify(jobs), encoding: 'utf8', env: isolatedEnv({}) });
    assert.equal(run.status, 0, run.stderr);
    const results = z.array(PipResult).parse(JSON.parse(run.stdout));
    CASES.forEach((testCase, index) => {
      const result = results[index];
      if (result !== undefined) pipResults.set(testCase.name, result);
    });
  });

  after(async () => {
    if (root !== '') await rm(root, { recursive: true, force: true });
  });

  for (const testCase of CASES) {
    it(testCase.name, async (t) => {
      if (!available) return t.skip('python3 with pip 23.2 absent');
      const pip = pipResults.get(testCase.name);
      const dir = dirs.get(testCase.name);
      assert.ok(pip !== undefined && dir !== undefined);
      const reading = readRequirementsFiles([testCase.entry ?? 'r.in'], { cwd: dir, env: testCase.env ?? {} });
      if (pip.error !== null) {
        await assert.rejects(reading, (error: unknown) => error instanceof PinHashesError && error.code === 'INPUT_ERROR');
        return;
      }
      const input = await reading;
      const pipEntries = [...pip.requirements].sort((a, b) => Number(a.constraint) - Number(b.constraint));
      assert.deepEqual(ours(input), pipEntries.map(({ extras: _extras, ...rest }) => rest));
      assert.deepEqual(
        input.noIndex ? [] : [...(input.indexUrl === null ? [] : [input.indexUrl.expanded]), ...input.extraIndexUrls.map((extra) => extra.expanded)],
        pip.index_urls,
      );
      assert.equal(input.noIndex, pip.no_index);
      // pip keeps `reqs/../wheels` as joined; we normalize the path.
      assert.deepEqual(input.findLinks.map((link) => link.value), pip.find_links.map((link) => (isAbsolute(link) ? normalize(link) : link)));
      assert.deepEqual(input.formatControl.toJSON(), { noBinary: pip.no_binary.filter((name) => name !== ''), onlyBinary: pip.only_binary.filter((name) => name !== '') });
      assert.equal(input.pre, pip.pre);
      assert.equal(input.preferBinary, pip.prefer_binary);
      assert.deepEqual(input.trustedHosts, pip.trusted_hosts);
    });
  }
});
