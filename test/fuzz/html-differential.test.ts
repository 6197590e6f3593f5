// Differential fuzz: random and crafted HTML pages through pip's link extraction (Python's
// html.parser driven the way pip drives it, test/helpers/pip_html_links.py) and through ours;
// the anchors' attributes, the base href and "pip stops with an error" must agree exactly.
// Fixed seed, a few hundred pages, one Python process. Skipped, with a notice, without python3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseHtml } from '../../src/package-index/html.js';
import { python3 } from '../helpers/python.js';
import { projectRoot as repoRoot } from '../helpers/paths.js';
import { SEED } from './fuzz-helpers.js';

const PAGES = Number(process.env['FUZZ_HTML_PAGES'] ?? 400);

const TOKENS = [
  '<a', '<A', '<a ', '<a:', '<a-', '<a.', '<a\u0000', '<a\u000b', '<a/', '</a>', '</A >', '</a', '<base', '<BASE ', '<b>', '</b>', '<br/>',
  ' href', ' HREF', ' href=', ' href="', " href='", ' href =', ' href= ', ' href==', ' data-requires-python=', ' DATA-REQUIRES-PYTHON="',
  ' data-yanked', ' data-yanked=""', ' data-core-metadata="sha256=ab"', ' data-dist-info-metadata=true', ' data-yan\u212aed',
  'dep-1.0-py3-none-any.whl', 'dep-2.0.tar.gz', '../x.whl', '#sha256=ab', '>', '/>', ' />', '"', "'", '=', ' ', '  ', '\t', '\n', '\r',
  '\f', '\u000b', '\u00a0', '\u2028', '\u3000', '\u0085', '\u001c', '<script>', '<SCRIPT >', '</script>', '</script >', '</ script>',
  '</SCRIPT\n>', '</scripty>', '<style>', '</style>', '<script/>', '<title>', '</title>', '<textarea>', '</textarea>', '<!--', '-->',
  '--!>', '-- >', '--\n>', '<!-->', '<!--->', '<![CDATA[', ']]>', '] ]>', '<![if', '<![endif]>', '<![foo', '<?', '<?xml ?>', '?>',
  '<!DOCTYPE html>', '<!doctype', '<!x', '<!', '</', '</>', '<', '&', '&amp;', '&amp', '&notit;', '&not', '&#x26;', '&#38;', '&#0;',
  '&#128;', '&#x110000;', '&#xd800;', '&hellip;', '&NotNestedGreaterGreater;', '&bogus;', '&lt;', '&gt;=3.8', '&#', '&#x', ';', 'x', 'é',
  '\u{1f600}', '\ud800',
];

/** A page made of tokens and a little arbitrary text: near-valid markup in odd combinations. */
const page: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(...TOKENS) },
      { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

/** An index-like page with some anchors made hostile by a few tokens spliced in. */
const indexLike: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.constantFrom('<a', '<A', '<a:x', '<a-x', '<a.x', '<a\u0000'),
        fc.constantFrom(' href="dep-1.0-py3-none-any.whl"', " href='dep-1.0.tar.gz'", ' href=dep-2.0.zip', ' href'),
        fc.subarray([' data-requires-python="&gt;=3.8"', ' href=evil.whl', ' data-yanked', ' DATA-REQUIRES-PYTHON=">=4"', ' data-core-metadata="sha256=00"']),
        fc.constantFrom('>', '/>', ' >', ''),
        fc.constantFrom('', '</a>', '</a >'),
      ),
      { maxLength: 5 },
    ),
    fc.array(fc.constantFrom(...TOKENS), { maxLength: 4 }),
    fc.nat(),
  )
  .map(([anchors, noise, at]) => {
    const text = anchors.map(([open, href, attrs, close, end]) => `${open}${href}${attrs.join('')}${close}x${end}\n`).join('');
    const cut = text.length === 0 ? 0 : at % (text.length + 1);
    return text.slice(0, cut) + noise.join('') + text.slice(cut);
  });

/** The cases the issue names, and shapes found while writing the parser. */
const CRAFTED = [
  '<a:x href=evil.whl>x</a:x><a href=good.whl>',
  '<a-x href=evil.whl><a.x href=evil.whl><a\u0000 href=evil.whl><a href=good.whl>',
  '<a href=first.whl href=last.whl data-requires-python=">=2" DATA-REQUIRES-PYTHON="&gt;=3.9">',
  '<title><a href=t.whl></title><textarea><a href=ta.whl></textarea>',
  '<!-- -- ><a href=c.whl>',
  '<!-- --!><a href=hidden.whl> --><a href=shown.whl>',
  '<base href><base href=b/ href=c/><base href=d/><a href=x>',
  '<a href=ok></a><a href="open><a href=lost>',
  '<![foo]><a href=x.whl>',
  '<a href= \'x.whl>',
  '<a href==x.whl>',
  '<script>' + '<a href=no>'.repeat(3) + '</script\t><a href=yes>',
];

function pipReads(pages: readonly string[]): { python: string; rcdata: boolean; source: string; results: PipResult[] } | undefined {
  const run = spawnSync(python3, [join(repoRoot, 'test/helpers/pip_html_links.py')], { input: JSON.stringify(pages), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.error || run.status !== 0) return undefined;
  return JSON.parse(run.stdout) as { python: string; rcdata: boolean; source: string; results: PipResult[] };
}

type PipResult = { error: string } | { anchors: Record<string, string | null>[]; base: string | null };

/**
 * Constructs that CPython's security releases of 2025 (3.9.23, 3.10.18, 3.11.13, 3.12.11,
 * 3.13.6, 3.14) read differently from the parser we follow (see src/package-index/html.ts).
 * Against such a python3, pages containing one are not compared.
 */
const VERSION_SENSITIVE = /<\/?(?:title|textarea|xmp|iframe|noembed|noframes|noscript|plaintext)|<!|<\?|--|<\/[^a-zA-Z]|[\u0000\u000b\u001c-\u001f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]|==|&[a-zA-Z0-9]+(?![;a-zA-Z0-9])|&[^;]*=|<\/script|<\/style|[<&][^>]*$/i;

test('HTML link extraction agrees with pip (Python html.parser) on random and crafted pages', (t) => {
  const random = [...fc.sample(page, { seed: SEED, numRuns: PAGES / 2 }), ...fc.sample(indexLike, { seed: SEED + 1, numRuns: PAGES / 2 })];
  const pages = [...CRAFTED, ...random];
  const pip = pipReads(pages);
  if (pip === undefined) {
    t.skip('python3 is not available: the differential check against pip did not run');
    return;
  }
  t.diagnostic(`compared with ${pip.source === 'pip' ? "pip's HTMLLinkParser" : 'a model of it'} on Python ${pip.python}`);
  let compared = 0;
  let anchors = 0;
  let refusals = 0;
  pages.forEach((html, i) => {
    if (pip.rcdata && VERSION_SENSITIVE.test(html)) return;
    const expected = pip.results[i];
    assert.ok(expected);
    const ours = parseHtml(html);
    const where = `page ${i}: ${JSON.stringify(html)}`;
    if ('error' in expected) {
      assert.ok(ours.unreadable !== undefined, `${where}: pip stops with ${expected.error}, we read it`);
      refusals++;
    } else {
      assert.equal(ours.unreadable, undefined, `${where}: pip reads it, we refuse it (${ours.unreadable})`);
      assert.deepEqual(ours.anchors.map((a) => Object.fromEntries(a.attributes)), expected.anchors, where);
      assert.equal(ours.baseHref ?? null, expected.base, `${where}: base href`);
      anchors += expected.anchors.length;
    }
    compared++;
  });
  t.diagnostic(`${compared} pages compared, ${anchors} anchors, ${refusals} pages pip refuses`);
  // The generators must exercise both sides, or the comparison proves little.
  assert.ok(compared >= pages.length / 2 && anchors > 100 && refusals > 0, `${compared} pages, ${anchors} anchors, ${refusals} refusals`);
});
