// Index pages, HTML and JSON, take any body: links or a PageError. Every link a page yields can
// be turned into a file (or skipped) without throwing, and a skipped link is never one whose name
// could be used as a path. Also the archive readers and netrc, which read hostile bytes too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NetrcParseError, parseNetrc } from '../../src/http/netrc.js';
import { readTarMembers } from '../../src/metadata/tar.js';
import { readZipEntries, readZipMember, type RandomAccess } from '../../src/metadata/zip.js';
import { linkToFile, parseHtmlPage, parseJsonPage } from '../../src/package-index/index.js';
import { normalizeName } from '../../src/pep/names.js';
import { Readable } from 'node:stream';
import { writeZip } from '../helpers/archive.js';
import { Outcomes, fuzzParams, fuzzText, mutated, total, totalAsync } from './fuzz-helpers.js';

const PAGE_URL = 'https://idx.example/simple/dep/';
const dep = normalizeName('dep');

const HTML_PIECES = [
  '<a href="', '<a href=', '<A HREF=\'', '">', '</a>', '<a', '>', '<', '/>', '<base href="', '<meta name="pypi:repository-version" content="',
  '1.0', '2.0', '1.x', '"', "'", '=', ' ', '\n', 'data-requires-python="', '&gt;=3.8', 'data-yanked', 'data-yanked="reason"',
  'data-core-metadata="sha256=', 'data-dist-info-metadata="true"', '#sha256=', 'ab'.repeat(32), '#md5=xyz', '&amp;', '&#x3c;', '&#0;',
  '&#xD800;', '&#99999999;', '&bogus;', 'dep-1.0-py3-none-any.whl', 'dep-1.0.tar.gz', '../../dep-2.0-py3-none-any.whl', '..%2Fdep-2.0.tar.gz',
  'https://other/x', '//cdn/dep-1.0.zip', 'javascript:alert(1)', 'file:///etc/passwd', '<!--', '-->', '<script>', '</script>',
  '<style>', '<!DOCTYPE html>', '<?xml?>', '<title>', '</title>', 'é', '%', '%zz', '?q=1',
];

const JSON_PIECES = [
  '{', '}', '[', ']', ',', ':', '"', '"meta"', '"api-version"', '"1.0"', '"1.1"', '"2.0"', '"x"', '"files"', '"filename"', '"url"',
  '"hashes"', '"sha256"', `"${'ab'.repeat(32)}"`, '"requires-python"', '">=3.8"', '"yanked"', 'true', 'false', 'null', '"reason"',
  '"size"', '12', '-1', '1.5', '1e309', '"core-metadata"', '"dist-info-metadata"', '{"sha256":"00"}', '"dep-1.0-py3-none-any.whl"',
  '"../../dep-2.0-py3-none-any.whl"', '"dep-1.0.tar.gz"', '"https://h/dep-1.0-py3-none-any.whl"', '"/rel/dep-1.0.tar.gz"', '"\\u0000"',
  '"\\ud800"', ' ', '\n',
];

/** A JSON page with every field present and randomly typed values: the shape the schema guards. */
const jsonShaped = fc
  .record({
    version: fc.oneof(fc.constantFrom('1.0', '1.1', '2.0', '', 'x', '01.0'), fc.string()),
    files: fc.array(
      fc.record({
        filename: fc.oneof(fc.constantFrom('dep-1.0-py3-none-any.whl', 'dep-1.0.tar.gz', '../dep-2.0.tar.gz', '', 'dep-1.0.whl'), fc.string()),
        url: fc.oneof(fc.constantFrom('dep-1.0.tar.gz', 'https://h/x', '::', 'http://[::1', '//h/x', 'javascript:x'), fc.string()),
        hashes: fc.oneof(fc.dictionary(fc.constantFrom('sha256', 'md5', 'SHA256', 'blake2b'), fc.string()), fc.constant(undefined)),
        size: fc.oneof(fc.integer(), fc.double(), fc.constant(undefined)),
        yanked: fc.oneof(fc.boolean(), fc.string(), fc.constant(null)),
        core: fc.oneof(fc.boolean(), fc.dictionary(fc.string(), fc.string()), fc.constant(null)),
      }),
      { maxLength: 5 },
    ),
  })
  .map(({ version, files }) =>
    JSON.stringify({
      meta: { 'api-version': version },
      files: files.map((f) => ({ filename: f.filename, url: f.url, hashes: f.hashes, size: f.size, yanked: f.yanked, 'core-metadata': f.core })),
    }),
  );

/** A page like the ones indexes serve: anchors with every attribute pip reads, in any quoting. */
const htmlShaped: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', '<!DOCTYPE html>', '<html><head><meta name="pypi:repository-version" content="1.1"></head><body>', '<base href="/files/">'),
    fc.array(
      fc.tuple(
        fc.constantFrom('dep-1.0-py3-none-any.whl', 'dep-1.0.tar.gz', '../dep-2.0.zip', 'https://cdn/dep-3.0-cp312-cp312-manylinux_2_17_x86_64.whl', 'other-1.0.tar.gz', 'dep-x.whl'),
        fc.constantFrom('', `#sha256=${'ab'.repeat(32)}`, '#md5=00', '#sha256=XYZ', '#egg=dep'),
        fc.constantFrom('"', "'", ''),
        fc.subarray([' data-requires-python="&gt;=3.8"', ' data-yanked', ' data-yanked="bad"', ' data-core-metadata="sha256=00"', ' data-dist-info-metadata="true"']),
      ),
      { maxLength: 6 },
    ),
  )
  .map(([head, anchors]) => head + anchors.map(([href, frag, q, attrs]) => `<a href=${q}${href}${frag}${q}${attrs.join('')}>${href}</a><br/>`).join('\n'));

function checkLinks(links: ReturnType<typeof parseHtmlPage>): void {
  for (const link of links) {
    const file = total('linkToFile', link, () => linkToFile(link, dep, 'fuzz'));
    if (file === undefined || file === null) continue;
    assert.ok(!/[/\\\x00-\x1f]/.test(file.filename) && file.filename !== '..' && file.filename !== '.', `unsafe filename ${JSON.stringify(file.filename)}`);
  }
}

test('parseHtmlPage: any body gives links or a PageError, and every link is safe to use', () => {
  const outcomes = new Outcomes();
  let links = 0;
  fc.assert(
    fc.property(fuzzText(HTML_PIECES, htmlShaped), (body) => {
      const found = total('parseHtmlPage', body, () => parseHtmlPage(body, PAGE_URL), [], outcomes);
      if (found) {
        links += found.length;
        checkLinks(found);
      }
    }),
    fuzzParams(),
  );
  // HTML is lenient: almost anything parses; the API-version meta is what refuses a page.
  assert.ok(outcomes.ok > 0 && links > 0, `${outcomes.ok} pages, ${links} links`);
});

test('parseJsonPage: any body gives links or a PageError, and every link is safe to use', () => {
  const outcomes = new Outcomes();
  fc.assert(
    fc.property(fc.oneof(fuzzText(JSON_PIECES, jsonShaped), mutated(jsonShaped, JSON_PIECES)), (body) => {
      const links = total('parseJsonPage', body, () => parseJsonPage(body, PAGE_URL), [], outcomes);
      if (links) checkLinks(links);
    }),
    fuzzParams(),
  );
  outcomes.assertBoth('parseJsonPage');
});

function memory(bytes: Uint8Array): RandomAccess {
  const buffer = Buffer.from(bytes);
  return { size: buffer.length, read: async (start, length) => buffer.subarray(start, Math.max(start, Math.min(buffer.length, start + length))) };
}

const sampleZip = writeZip([
  { name: 'dep-1.0.dist-info/METADATA', data: Buffer.from('Metadata-Version: 2.1\nName: dep\nVersion: 1.0\n\n') },
  { name: 'dep/__init__.py', data: Buffer.from('x = 1\n'), method: 'stored' },
]);

test('the ZIP reader: damaged archives (flipped, cut, random bytes) give entries or a ZipError', async () => {
  const zipOutcomes = new Outcomes();
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.uint8Array({ maxLength: 400 }),
        fc.constant(sampleZip),
        // One byte changed anywhere: the readers' bounds checks get exercised field by field.
        fc.tuple(fc.nat(sampleZip.length - 1), fc.integer({ min: 0, max: 255 })).map(([at, value]) => {
          const bytes = Buffer.from(sampleZip);
          bytes[at] = value;
          return bytes;
        }),
        fc.tuple(fc.nat(sampleZip.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(sampleZip.length)).map(([at, value, cut]) => {
          const bytes = Buffer.from(sampleZip);
          bytes[at] = value;
          return bytes.subarray(0, Math.max(cut, sampleZip.length - 40));
        }),
      ),
      async (bytes) => {
        const source = memory(bytes);
        const entries = await totalAsync('readZipEntries', bytes.length, () => readZipEntries(source, 'fuzz.whl'), zipOutcomes);
        for (const entry of entries ?? []) await totalAsync('readZipMember', entry, () => readZipMember(source, entry, 'fuzz.whl', 1024 * 1024));
      },
    ),
    fuzzParams(1000),
  );
  zipOutcomes.assertBoth('readZipEntries');
});

test('the tar reader: random and damaged streams give members or a BAD_ARCHIVE error', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 2048 }), async (bytes) => {
      await totalAsync('readTarMembers', bytes.length, () =>
        readTarMembers(Readable.from([Buffer.from(bytes)]), () => true, () => false, 'fuzz.tar', 1024 * 1024),
      );
    }),
    fuzzParams(300),
  );
});

test('parseNetrc: any text gives credentials or a NetrcParseError', () => {
  const pieces = ['machine', 'default', 'macdef', 'login', 'user', 'account', 'password', 'h', 'x y', '"q', '"', '\\', '#', '# c', '\n', '\n\n', ' ', '\t', '\r\n'];
  fc.assert(
    fc.property(fuzzText(pieces), (text) => {
      const netrc = total('parseNetrc', text, () => parseNetrc(text), [NetrcParseError]);
      if (netrc) total('lookup', text, () => netrc.lookup('h'));
    }),
    fuzzParams(),
  );
});
