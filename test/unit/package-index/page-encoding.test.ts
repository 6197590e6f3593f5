import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { codecOf, decodeWith, type Codec } from '../../../src/pep/codecs.js';
import { charsetOf, decodeHtmlPage, decodeJsonPage } from '../../../src/package-index/page-encoding.js';
import { python3 } from '../../helpers/python.js';
import { SEED } from '../../fuzz/fuzz-helpers.js';

const hasPython = spawnSync(python3, ['--version']).status === 0;

/** Python's own name for each codec we decode (codecs.lookup(label).name). */
const PYTHON_NAME: Readonly<Record<Codec, string>> = {
  utf_8: 'utf-8',
  utf_8_sig: 'utf-8-sig',
  utf_16: 'utf-16',
  utf_16_le: 'utf-16-le',
  utf_16_be: 'utf-16-be',
  utf_32: 'utf-32',
  utf_32_le: 'utf-32-le',
  utf_32_be: 'utf-32-be',
  latin_1: 'iso8859-1',
  ascii: 'ascii',
  cp1252: 'cp1252',
};

test('charset labels: the codec Python would look up', () => {
  const cases: Array<[string, Codec | undefined]> = [
    ['utf-8', 'utf_8'],
    ['UTF-8', 'utf_8'],
    [' utf 8 ', 'utf_8'],
    ['utf8', 'utf_8'],
    ['U8', 'utf_8'],
    ['utf-8-sig', 'utf_8_sig'],
    ['UTF-16', 'utf_16'],
    ['utf-16le', 'utf_16_le'],
    ['UTF-16-BE', 'utf_16_be'],
    ['utf-32', 'utf_32'],
    ['ISO-8859-1', 'latin_1'],
    ['latin1', 'latin_1'],
    ['iso_8859_1:1987', 'latin_1'],
    ['us-ascii', 'ascii'],
    ['ANSI_X3.4-1968', 'ascii'],
    ['windows-1252', 'cp1252'],
    ['shift_jis', undefined],
    ['no-such-charset', undefined],
    ['', undefined],
    // Names of Object.prototype's members: a lookup on a plain object would find them (a crash once).
    ['constructor', undefined],
    ['__proto__', undefined],
    ['toString', undefined],
  ];
  for (const [label, codec] of cases) assert.equal(codecOf(label), codec, label);
});

test('the charset parameter of a Content-Type', () => {
  const cases: Array<[string, string | undefined]> = [
    ['text/html', undefined],
    ['text/html; charset=utf-16', 'utf-16'],
    ['text/html;charset="ISO-8859-1"', 'ISO-8859-1'],
    ['text/html; CHARSET = latin1 ', 'latin1'],
    ['text/html; charset=', undefined],
    ['text/html; q=1; charset=ascii; charset=utf-8', 'ascii'],
  ];
  for (const [contentType, charset] of cases) assert.equal(charsetOf(contentType), charset, contentType);
});

test('pages decode as pip decodes them, or fail with the offending byte', () => {
  const utf16 = Buffer.from('<a href="x">x</a>', 'utf16le');
  const cases: Array<{ name: string; run: () => ReturnType<typeof decodeWith>; text?: string; problem?: RegExp }> = [
    { name: 'HTML without charset is UTF-8', run: () => decodeHtmlPage(Buffer.from('é'), 'text/html'), text: 'é' },
    { name: 'HTML keeps a UTF-8 BOM as U+FEFF (pip does not strip it)', run: () => decodeHtmlPage(Buffer.from([0xef, 0xbb, 0xbf, 0x61]), 'text/html'), text: '\ufeffa' },
    { name: 'HTML in the charset it names', run: () => decodeHtmlPage(utf16, 'text/html; charset=UTF-16LE'), text: '<a href="x">x</a>' },
    { name: 'UTF-16 HTML with no charset fails', run: () => decodeHtmlPage(Buffer.from([0x3c, 0x00, 0xff, 0xdc]), 'text/html'), problem: /invalid UTF-8 at byte 2/ },
    { name: 'an unknown charset is refused', run: () => decodeHtmlPage(Buffer.from('a'), 'text/html; charset=shift_jis'), problem: /shift_jis/ },
    { name: 'JSON with a UTF-8 BOM', run: () => decodeJsonPage(Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d])), text: '{}' },
    { name: 'JSON in UTF-16 without BOM', run: () => decodeJsonPage(Buffer.from('{"a":1}', 'utf16le')), text: '{"a":1}' },
    { name: 'JSON in UTF-32 BE', run: () => decodeJsonPage(Buffer.from([0, 0, 0, 0x7b, 0, 0, 0, 0x7d])), text: '{}' },
    { name: 'cp1252 leaves 0x81 undefined', run: () => decodeWith(Buffer.from([0x41, 0x81]), 'cp1252', 'cp1252'), problem: /at byte 1/ },
    { name: 'cp1252 maps 0x80 to the euro sign', run: () => decodeWith(Buffer.from([0x80]), 'cp1252', 'cp1252'), text: '€' },
    { name: 'a lone UTF-16 surrogate', run: () => decodeWith(Buffer.from([0x00, 0xd8, 0x41, 0x00]), 'utf_16_le', 'x'), problem: /lone high surrogate at byte 0/ },
    { name: 'odd UTF-16 length', run: () => decodeWith(Buffer.from([0x41, 0x00, 0x42]), 'utf_16_le', 'x'), problem: /truncated/ },
  ];
  for (const c of cases) {
    const result = c.run();
    if (c.text !== undefined) assert.deepEqual(result, { ...result, ok: true, text: c.text }, c.name);
    else {
      assert.equal(result.ok, false, c.name);
      if (!result.ok) assert.match(result.problem, c.problem!, c.name);
    }
  }
});

// ---- Differential against Python, the decoder pip runs ----------------------------------------

const PY_JUDGE = String.raw`
import codecs, email.message, json, sys
out = {"labels": [], "charsets": [], "html": [], "json": []}
cases = json.load(sys.stdin)
for label in cases["labels"]:
    try:
        out["labels"].append(codecs.lookup(label).name)
    except (LookupError, ValueError):
        out["labels"].append(None)
for ct in cases["charsets"]:
    m = email.message.Message()
    m["content-type"] = ct
    value = m.get_param("charset")
    out["charsets"].append(str(value) if value else None)
for label, hexed in cases["html"]:
    try:
        out["html"].append(bytes.fromhex(hexed).decode(label))
    except UnicodeDecodeError:
        out["html"].append(None)
for hexed in cases["json"]:
    raw = bytes.fromhex(hexed)
    try:
        # json.loads decodes with surrogatepass; strict here, as we decode (the note in page-encoding.ts).
        out["json"].append(raw.decode(json.detect_encoding(raw)))
    except UnicodeDecodeError:
        out["json"].append(None)
json.dump(out, sys.stdout)
`;

const LABELS = ['utf-8', 'utf8', 'utf-8-sig', 'utf-16', 'utf-16-le', 'utf-16-be', 'utf-32', 'utf-32le', 'utf-32-be', 'latin-1', 'iso-8859-1', 'l1', 'ascii', 'us-ascii', 'windows-1252', 'cp1252', 'shift_jis', 'koi8-r', 'utf-7'];

/** A label with its case and punctuation shaken, as a sloppy server might send it. */
const sloppyLabel = fc
  .tuple(fc.constantFrom(...LABELS), fc.array(fc.tuple(fc.nat(), fc.constantFrom('-', '_', ' ', '.', ':', '', 'x')), { maxLength: 3 }), fc.boolean())
  .map(([label, edits, upper]) => {
    let out = upper ? label.toUpperCase() : label;
    for (const [at, piece] of edits) {
      const i = at % (out.length + 1);
      out = out.slice(0, i) + piece + out.slice(i);
    }
    return out;
  });

function encode(text: string, codec: Codec): Buffer {
  switch (codec) {
    case 'utf_8':
    case 'utf_8_sig':
      return Buffer.from(text, 'utf8');
    case 'utf_16':
    case 'utf_16_le':
      return Buffer.from(text, 'utf16le');
    case 'utf_16_be':
      return Buffer.from(text, 'utf16le').swap16();
    case 'latin_1':
    case 'ascii':
    case 'cp1252':
      return Buffer.from(text, 'latin1');
    case 'utf_32':
    case 'utf_32_le':
    case 'utf_32_be': {
      const points = [...text].map((c) => c.codePointAt(0)!);
      const out = Buffer.alloc(points.length * 4);
      points.forEach((p, i) => (codec === 'utf_32_be' ? out.writeUInt32BE(p, i * 4) : out.writeUInt32LE(p, i * 4)));
      return out;
    }
  }
}

const BOMS = [[], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0xff, 0xfe, 0, 0], [0, 0, 0xfe, 0xff]];

/** Bytes in an encoding, then perhaps a BOM put in front, a byte replaced, or the end cut off. */
const pageBytes = (codec: Codec): fc.Arbitrary<Buffer> =>
  fc
    .tuple(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom(...BOMS), fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }))), fc.nat({ max: 3 }))
    .map(([text, bom, replace, cut]) => {
      const body = Buffer.concat([Buffer.from(bom), encode(`{"a":"${text}"}`, codec)]);
      if (replace && body.length > 0) body[replace[0] % body.length] = replace[1];
      return body.subarray(0, Math.max(0, body.length - (cut === 3 ? 1 : 0)));
    });

const CODECS = Object.keys(PYTHON_NAME) as Codec[];

test('differential: labels, charsets and decoded text agree with Python', { skip: hasPython ? false : 'python3 not found: the differential needs it' }, () => {
  const labels = [...LABELS, ...fc.sample(sloppyLabel, { seed: SEED, numRuns: 400 })];
  const charsets = ['text/html', 'text/html; charset=utf-16', 'text/html;charset="latin1"', 'text/html; CHARSET = ascii ', 'text/html; charset=', "text/html; charset=''", 'text/html; a=b; charset=utf-8; charset=ascii', 'text/html; charset="utf-8"x'];
  const html = fc.sample(
    fc.constantFrom(...CODECS).chain((codec) => pageBytes(codec).map((bytes) => [PYTHON_NAME[codec], bytes] as const)),
    { seed: SEED, numRuns: 1500 },
  );
  const json = fc.sample(fc.constantFrom(...CODECS).chain(pageBytes), { seed: SEED + 1, numRuns: 1500 });
  const input = JSON.stringify({ labels, charsets, html: html.map(([label, bytes]) => [label, bytes.toString('hex')]), json: json.map((b) => b.toString('hex')) });
  const run = spawnSync(python3, ['-c', PY_JUDGE], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, run.stderr);
  const judged = JSON.parse(run.stdout) as { labels: Array<string | null>; charsets: Array<string | null>; html: Array<string | null>; json: Array<string | null> };

  const known = new Map(Object.entries(PYTHON_NAME).map(([codec, name]) => [name, codec as Codec]));
  labels.forEach((label, i) => {
    const pythons = judged.labels[i] ?? null;
    // Where Python finds one of our codecs, we must find the same; a codec we lack is refused, never guessed.
    assert.equal(codecOf(label), pythons === null ? undefined : known.get(pythons), `label ${JSON.stringify(label)} (Python: ${pythons})`);
  });
  charsets.forEach((ct, i) => {
    const ours = charsetOf(ct);
    const theirs = judged.charsets[i] ?? null;
    assert.equal(ours ?? null, theirs, ct);
  });
  html.forEach(([label, bytes], i) => {
    const ours = decodeHtmlPage(bytes, `text/html; charset=${label}`);
    assert.equal(ours.ok ? ours.text : null, judged.html[i] ?? null, `${label} ${bytes.toString('hex')}`);
  });
  // The samples must exercise both outcomes, or the comparison proves little.
  for (const side of [judged.html, judged.json]) {
    const decoded = side.filter((t) => t !== null).length;
    assert.ok(decoded > 100 && side.length - decoded > 100, `decoded ${decoded} of ${side.length}`);
  }
  json.forEach((bytes, i) => {
    const ours = decodeJsonPage(bytes);
    assert.equal(ours.ok ? ours.text : null, judged.json[i] ?? null, `json ${bytes.toString('hex')}`);
  });
});
