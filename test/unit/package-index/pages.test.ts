import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseHtml } from '../../../src/package-index/html.js';
import { PageError, pageFormat, parseHtmlPage, parseJsonPage } from '../../../src/package-index/pages.js';
import { linkToFile } from '../../../src/package-index/links.js';
import { normalizeName } from '../../../src/pep/names.js';
import { sharedData } from '../../helpers/paths.js';

const PAGE = 'https://idx.example/simple/demo/';

describe('the HTML tokenizer reads anchors the way html.parser does', () => {
  const cases: { name: string; html: string; href: string | null | undefined; attrs?: Record<string, string | null>; text?: string }[] = [
    { name: 'double-quoted href', html: '<a href="x.whl">x.whl</a>', href: 'x.whl', text: 'x.whl' },
    { name: 'single-quoted href', html: "<a href='x.whl'>x</a>", href: 'x.whl' },
    { name: 'unquoted href', html: '<a href=x.whl>x</a>', href: 'x.whl' },
    { name: 'uppercase tag and attribute', html: '<A HREF="x.whl">x</A>', href: 'x.whl' },
    { name: 'entities in attributes', html: '<a href="x.whl" data-requires-python="&gt;=3.8,&lt;4&#44;!=3.9.*">x</a>', href: 'x.whl', attrs: { 'data-requires-python': '>=3.8,<4,!=3.9.*' } },
    { name: 'hex entity', html: '<a href="a&#x2B;b.whl">x</a>', href: 'a+b.whl' },
    { name: 'valueless attribute is present with null', html: '<a href="x.whl" data-yanked>x</a>', href: 'x.whl', attrs: { 'data-yanked': null } },
    { name: 'empty value is present with empty string', html: '<a href="x.whl" data-yanked="">x</a>', href: 'x.whl', attrs: { 'data-yanked': '' } },
    { name: 'newlines between attributes', html: '<a\n  href="x.whl"\n  data-core-metadata="sha256=ab">x</a>', href: 'x.whl', attrs: { 'data-core-metadata': 'sha256=ab' } },
    { name: 'anchor inside a comment is ignored', html: '<!-- <a href="no.whl">no</a> --><a href="yes.whl">yes</a>', href: 'yes.whl' },
    { name: 'anchor inside a script is ignored', html: '<script>var a = "<a href=\'no.whl\'>";</script><a href="yes.whl">y</a>', href: 'yes.whl' },
    { name: 'text entities decoded', html: '<a href="x">a&amp;b</a>', href: 'x', text: 'a&b' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const page = parseHtml(c.html);
      assert.equal(page.anchors.length, 1);
      const [anchor] = page.anchors;
      assert.equal(anchor?.attributes.get('href'), c.href);
      for (const [k, v] of Object.entries(c.attrs ?? {})) assert.equal(anchor?.attributes.get(k), v);
      if (c.text !== undefined) assert.equal(anchor?.text, c.text);
    });
  }

  test('base href and meta tags are read', () => {
    const page = parseHtml('<html><head><base href="/files/"><meta name="pypi:repository-version" content="1.1"></head><a href="x">x</a></html>');
    assert.equal(page.baseHref, '/files/');
    assert.equal(page.meta.get('pypi:repository-version'), '1.1');
  });
});

describe('project pages become links', () => {
  test('relative links resolve against the final page URL, or <base href>', () => {
    const [a] = parseHtmlPage('<a href="../../files/demo-1.0.tar.gz#sha256=AB">demo</a>', PAGE);
    assert.equal(a?.url, 'https://idx.example/files/demo-1.0.tar.gz#sha256=AB');
    const [b] = parseHtmlPage('<base href="https://cdn.example/p/"><a href="demo-1.0.tar.gz">demo</a>', PAGE);
    assert.equal(b?.url, 'https://cdn.example/p/demo-1.0.tar.gz');
  });

  test('yanked, requires-python and metadata flags from HTML', () => {
    const links = parseHtmlPage(
      '<a href="a-1.0-py3-none-any.whl" data-yanked="bad" data-core-metadata="sha256=CD" data-dist-info-metadata="sha256=ef">a</a>' +
        '<a href="a-1.1-py3-none-any.whl" data-yanked data-dist-info-metadata="true">a</a>' +
        '<a href="a-1.2-py3-none-any.whl" data-requires-python="&gt;=3.9">a</a>',
      PAGE,
    );
    assert.deepEqual(links[0]?.yanked, { reason: 'bad' });
    assert.deepEqual(links[0]?.coreMetadata, { sha256: 'cd' }, 'data-core-metadata wins over the PEP 658 name');
    assert.deepEqual(links[1]?.yanked, { reason: '' }, 'a valueless data-yanked means yanked (the spec; pip 23 disagrees)');
    assert.equal(links[1]?.coreMetadata, true);
    assert.equal(links[2]?.yanked, false);
    assert.equal(links[2]?.coreMetadata, false);
    assert.equal(links[2]?.requiresPython, '>=3.9');
  });

  test('a newer major API version is refused, a newer minor read', () => {
    assert.throws(() => parseHtmlPage('<meta name="pypi:repository-version" content="2.0"><a href="x">x</a>', PAGE), PageError);
    assert.equal(parseHtmlPage('<meta name="pypi:repository-version" content="1.9"><a href="x">x</a>', PAGE).length, 1);
    assert.throws(() => parseJsonPage('{"meta":{"api-version":"2.0"},"files":[]}', PAGE), PageError);
  });

  const badJson: [string, string][] = [
    ['not JSON', '<html>'],
    ['files missing', '{"meta":{"api-version":"1.0"}}'],
    ['hashes of the wrong type', '{"meta":{"api-version":"1.0"},"files":[{"filename":"a.whl","url":"a.whl","hashes":"x"}]}'],
    ['size negative', '{"meta":{"api-version":"1.1"},"files":[{"filename":"a.whl","url":"a.whl","hashes":{},"size":-1}]}'],
  ];
  for (const [name, body] of badJson) {
    test(`JSON of the wrong shape is an error, not an empty list: ${name}`, () => {
      assert.throws(() => parseJsonPage(body, PAGE), PageError);
    });
  }

  test('the page format comes from Content-Type', () => {
    assert.equal(pageFormat('application/vnd.pypi.simple.v1+json'), 'json');
    assert.equal(pageFormat('application/vnd.pypi.simple.v1+html; charset=utf-8'), 'html');
    assert.equal(pageFormat('text/html'), 'html');
    assert.equal(pageFormat('application/json'), undefined);
    assert.equal(pageFormat('text/plain'), undefined);
  });
});

describe('links become files of one project', () => {
  const demo = normalizeName('demo');
  const cases: { name: string; url: string; filename?: string; kind?: 'wheel' | 'sdist' }[] = [
    { name: 'a wheel', url: 'https://h/demo-1.0-py3-none-any.whl', kind: 'wheel' },
    { name: 'a legacy-named sdist', url: 'https://h/Demo-1.0.zip', kind: 'sdist' },
    { name: 'another project', url: 'https://h/demolition-1.0.tar.gz' },
    { name: 'an egg', url: 'https://h/demo-1.0-py2.7.egg' },
    { name: 'a traversal filename from JSON', url: 'https://h/x.whl', filename: '../../demo-1.0-py3-none-any.whl' },
    { name: 'an impossible wheel name', url: 'https://h/demo-1.0.whl' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const file = linkToFile({ url: c.url, filename: c.filename }, demo, 'idx');
      assert.equal(file?.kind, c.kind);
    });
  }

  test('the fragment digest is a claim, lowercased, and leaves the URL', () => {
    const file = linkToFile({ url: 'https://h/demo-1.0-py3-none-any.whl#sha256=ABCD' }, demo, 'idx');
    assert.deepEqual(file?.hashes, { sha256: 'abcd' });
    assert.equal(file?.url, 'https://h/demo-1.0-py3-none-any.whl');
  });
});

describe('saved real-world pages (Poetry fixtures)', { skip: sharedData('poetry') === undefined && '../shared/data/poetry is absent' }, () => {
  test('every HTML page with a JSON twin yields the same files, and the same digests where both give one', async () => {
    const dir = join(sharedData('poetry') ?? '', 'tests/repositories/fixtures/legacy');
    const jsonNames = (await readdir(join(dir, 'json'))).filter((n) => n.endsWith('.json'));
    let compared = 0;
    for (const jsonName of jsonNames) {
      const stem = jsonName.slice(0, -5);
      const html = await readFile(join(dir, `${stem}.html`), 'utf8').catch(() => undefined);
      if (html === undefined) continue;
      const json = await readFile(join(dir, 'json', jsonName), 'utf8');
      const project = normalizeName((JSON.parse(json) as { name: string }).name);
      const fromHtml = parseHtmlPage(html, PAGE).map((l) => linkToFile(l, project, 'h')).filter((f) => f !== undefined);
      const fromJson = parseJsonPage(json, PAGE).map((l) => linkToFile(l, project, 'j')).filter((f) => f !== undefined);
      assert.deepEqual(fromHtml.map((f) => f.filename).sort(), fromJson.map((f) => f.filename).sort(), stem);
      // The twins are not always complete (some JSON files carry no digest); where both claim one, it agrees.
      for (const h of fromHtml) {
        const j = fromJson.find((f) => f.filename === h.filename);
        for (const [alg, hex] of Object.entries(h.hashes)) {
          const other = j?.hashes[alg];
          if (other !== undefined) assert.equal(other, hex, `${stem} ${h.filename} ${alg}`);
        }
      }
      compared++;
    }
    assert.ok(compared >= 5, `compared ${compared} page pairs`);
  });
});
