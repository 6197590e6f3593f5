// Index pages read as pip reads them: pip feeds the page to Python's html.parser.HTMLParser once
// (no close()) and keeps, for every <a> start tag, dict(attrs). Each expectation below is what
// CPython 3.11's parser and pip's HTMLLinkParser gave for the same text (see
// test/helpers/pip_html_links.py; the fuzz test test/fuzz/html-differential.test.ts checks the
// same against the python3 on the machine).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHtml } from '../../../src/package-index/html.js';
import { PageError, parseHtmlPage } from '../../../src/package-index/pages.js';

type Attrs = Record<string, string | null>;
interface Case {
  name: string;
  html: string;
  anchors?: Attrs[];
  base?: string | null;
  refused?: boolean;
}

const cases: Case[] = [
  {"name": "a colon in the tag name (<a:x>) is another element", "html": "<a:x href=evil.whl>x</a:x><a href=good.whl>", "anchors": [{"href": "good.whl"}], "base": null},
  {"name": "<a-x>, <a.x> and <a NUL> are other elements", "html": "<a-x href=evil.whl><a.x href=evil.whl><a\u0000 href=evil.whl><a href=good.whl>", "anchors": [{"href": "good.whl"}], "base": null},
  {"name": "duplicate attributes: the last wins, names lowercased", "html": "<a href=first.whl data-requires-python='>=2' href=last.whl DATA-REQUIRES-PYTHON='&gt;=3.9'>", "anchors": [{"href": "last.whl", "data-requires-python": ">=3.9"}], "base": null},
  {"name": "anchors inside <title> and <textarea> are anchors (CPython <= 3.13.5 has no RCDATA)", "html": "<title><a href=in-title.whl></title><textarea><a href=in-textarea.whl></textarea>", "anchors": [{"href": "in-title.whl"}, {"href": "in-textarea.whl"}], "base": null},
  {"name": "a comment closed by \"-- >\"", "html": "<!-- -- ><a href=after-comment.whl>", "anchors": [{"href": "after-comment.whl"}], "base": null},
  {"name": "\"--!>\" does not close a comment", "html": "<!-- --!><a href=hidden.whl> --><a href=shown.whl>", "anchors": [{"href": "shown.whl"}], "base": null},
  {"name": "the first <base> whose first href has a value", "html": "<base href><base href=b/ href=c/><base href=d/>", "anchors": [], "base": "b/"},
  {"name": "an empty <base href> is still the first base", "html": "<base href=\"\"><base href=d/>", "anchors": [], "base": ""},
  {"name": "an unclosed quote in a start tag ends the page", "html": "<a href=ok.whl></a><a href=\"open.whl><a href=lost.whl>", "anchors": [{"href": "ok.whl"}], "base": null},
  {"name": "script ends at \"</script >\"", "html": "<script>var s = '<a href=no.whl>';</script ><a href=yes.whl>", "anchors": [{"href": "yes.whl"}], "base": null},
  {"name": "script end tag in any ASCII case, newline before >", "html": "<SCRIPT>x</scripT\n><a href=yes.whl>", "anchors": [{"href": "yes.whl"}], "base": null},
  {"name": "an unclosed script ends the page", "html": "<script><a href=lost.whl>", "anchors": [], "base": null},
  {"name": "a self-closed <script/> holds no raw text", "html": "<script/><a href=self-closed-script.whl>", "anchors": [{"href": "self-closed-script.whl"}], "base": null},
  {"name": "entities in attribute values as html.unescape reads them", "html": "<a href=\"&notit;&amp&#0;&#128;&#x26;&hellip;&NotNestedGreaterGreater;&#xD800;&#99999999;&bogus;&ampx\">", "anchors": [{"href": "\u00acit;&\ufffd\u20ac&\u2026\u2aa2\u0338\ufffd\ufffd&bogus;&x"}], "base": null},
  {"name": "a slash before > in an unquoted value is part of it", "html": "<a href=x.whl/>", "anchors": [{"href": "x.whl/"}], "base": null},
  {"name": "a CDATA marked section is skipped", "html": "<![CDATA[<a href=no.whl>]]><a href=yes.whl>", "anchors": [{"href": "yes.whl"}], "base": null},
  {"name": "an unknown marked section stops pip (AssertionError)", "html": "<![foo]><a href=x.whl>", "refused": true},
  {"name": "a processing instruction ends at the first >", "html": "<?php <a href=pi.whl> ?><a href=after-pi.whl>", "anchors": [{"href": "after-pi.whl"}], "base": null},
  {"name": "a valueless attribute has no value", "html": "<a href='x.whl' data-yanked>", "anchors": [{"href": "x.whl", "data-yanked": null}], "base": null},
  {"name": "a vertical tab is part of the tag name", "html": "<a\u000bhref=vt.whl><a href=ok.whl>", "anchors": [{"href": "ok.whl"}], "base": null},
  {"name": "several = before a value", "html": "<a href==x.whl>", "anchors": [{"href": "x.whl"}], "base": null},
  {"name": "a space after = and an unclosed quote: empty value", "html": "<a href= 'x.whl>", "anchors": [{"href": "", "'x.whl": null}], "base": null},
  {"name": "no space between attributes after a quoted value", "html": "<a href='x.whl'data-yanked=\"r\">", "anchors": [{"href": "x.whl", "data-yanked": "r"}], "base": null},
  {"name": "a quoted string where an attribute name goes is a name", "html": "<a href=x.whl \"junk\">", "anchors": [{"href": "x.whl", "\"junk\"": null}], "base": null},
  {"name": "NBSP separates attributes", "html": "<a href=x.whl\u00a0data-yanked=nbsp>", "anchors": [{"href": "x.whl", "data-yanked": "nbsp"}], "base": null},
  {"name": "slashes between attributes", "html": "<a href=\"x.whl\" / data-yanked = 'y' />", "anchors": [{"href": "x.whl", "data-yanked": "y"}], "base": null},
  {"name": "an end tag with attributes is no anchor; a slash separates the tag name", "html": "</a href=no.whl><a/href=slash.whl>", "anchors": [{"href": "slash.whl"}], "base": null},
  {"name": "a doctype", "html": "<!DOCTYPE html><a href=doc.whl>", "anchors": [{"href": "doc.whl"}], "base": null},
  {"name": "a doctype ends at the first >", "html": "<!doctype <a href=no.whl>><a href=yes.whl>", "anchors": [{"href": "yes.whl"}], "base": null},
  {"name": "a bogus comment ends at the first >", "html": "<!x <a href=no.whl>><a href=yes.whl>", "anchors": [{"href": "yes.whl"}], "base": null},
  {"name": "NUL inside an unquoted value", "html": "<a href=x.whl\u0000junk>", "anchors": [{"href": "x.whl\u0000junk"}], "base": null},
  {"name": "a last valueless href wins over a first with a value", "html": "<a href=\"a.whl\" href>", "anchors": [{"href": null}], "base": null},
  {"name": "a base href with a character reference", "html": "<base href=\"&#x2F;files/\">", "anchors": [], "base": "/files/"},
  {"name": "the Kelvin sign lowercases to k", "html": "<a HREF=\"\u212a\" data-yan\u212aed=k>", "anchors": [{"href": "\u212a", "data-yanked": "k"}], "base": null},
  {"name": "anchor text is not read", "html": "<a href=x.whl>&amp;text<b>bold</b></a>", "anchors": [{"href": "x.whl"}], "base": null}
];

describe('HTML index pages: the anchors and base href pip sees', () => {
  for (const c of cases) {
    test(c.name, () => {
      const page = parseHtml(c.html);
      if (c.refused) {
        assert.ok(page.unreadable, 'pip stops on this page with an error, so must we');
        assert.throws(() => parseHtmlPage(c.html, 'https://idx.example/simple/dep/'), PageError);
        return;
      }
      assert.equal(page.unreadable, undefined);
      assert.deepEqual(
        page.anchors.map((a) => Object.fromEntries(a.attributes)),
        c.anchors,
      );
      assert.equal(page.baseHref ?? null, c.base);
    });
  }
});

describe('HTML parsing is linear in the page size', () => {
  // Shapes that were quadratic (a raw-text element lowercasing the rest of the page) or that a
  // backtracking reading would make so; each is timed at n and 4n.
  const shapes: { name: string; unit: string; tail: string }[] = [
    { name: 'script pairs before one anchor', unit: '<script></script>', tail: '<a href="x.whl">x</a>' },
    { name: 'style pairs', unit: '<style>a{}</style>', tail: '<a href="x.whl">x</a>' },
    { name: 'start tags with an unclosed quote-like value', unit: "<b x= 'y>", tail: '<a href="x.whl">x</a>' },
    { name: 'comments', unit: '<!-- - -- -->', tail: '<a href="x.whl">x</a>' },
    { name: 'end tags', unit: '</x y="z">', tail: '<a href="x.whl">x</a>' },
    { name: 'lone < and &', unit: '< & &amp; &notit', tail: '<a href="x.whl">x</a>' },
  ];
  for (const s of shapes) {
    test(s.name, () => {
      const time = (count: number): number => {
        const html = s.unit.repeat(count) + s.tail;
        const started = performance.now();
        const page = parseHtml(html);
        const elapsed = performance.now() - started;
        assert.equal(page.anchors.length, 1, 'the anchor after the filler is read');
        return elapsed;
      };
      time(1000);
      const small = time(20_000);
      const large = time(80_000);
      // Linear would be 4x; quadratic 16x. The bound is wide for a loaded machine.
      assert.ok(large < small * 10 + 50, `${s.name}: ${small.toFixed(1)} ms at n, ${large.toFixed(1)} ms at 4n`);
    });
  }

  test('a 3 MB page of 40,000 script pairs and anchors parses well under a second', () => {
    const html = '<script></script>'.repeat(40_000) + '<a href="dep-1.0-py3-none-any.whl#sha256=00">dep</a>\n'.repeat(45_000);
    assert.ok(html.length > 3_000_000);
    const started = performance.now();
    const page = parseHtml(html);
    const elapsed = performance.now() - started;
    assert.equal(page.anchors.length, 45_000);
    assert.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms`);
  });
});
