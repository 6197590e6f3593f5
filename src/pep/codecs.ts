/**
 * The text codecs pin-hashes decodes, as Python's `codecs` does: a charset label is looked up the
 * way codecs.lookup normalizes it, and decoding is strict (a byte sequence invalid in the encoding
 * is an error with its offset, never U+FFFD). Used for index pages (package-index/page-encoding.ts)
 * and for requirements files read by their BOM (requirements/decode.ts).
 */
import { firstInvalidUtf8 } from './utf8.js';

export type Codec = 'utf_8' | 'utf_8_sig' | 'utf_16' | 'utf_16_le' | 'utf_16_be' | 'utf_32' | 'utf_32_le' | 'utf_32_be' | 'latin_1' | 'ascii' | 'cp1252';

export type Decoded = { ok: true; text: string; codec: Codec } | { ok: false; problem: string };

/** Python's codec names (encodings/aliases.py) for the codecs we decode; module names count too. */
const ALIASES: Readonly<Record<string, Codec>> = {
  utf_8: 'utf_8', u8: 'utf_8', utf: 'utf_8', utf8: 'utf_8', utf8_ucs2: 'utf_8', utf8_ucs4: 'utf_8', cp65001: 'utf_8',
  utf_8_sig: 'utf_8_sig',
  utf_16: 'utf_16', u16: 'utf_16', utf16: 'utf_16',
  utf_16_le: 'utf_16_le', utf_16le: 'utf_16_le', unicodelittleunmarked: 'utf_16_le',
  utf_16_be: 'utf_16_be', utf_16be: 'utf_16_be', unicodebigunmarked: 'utf_16_be',
  utf_32: 'utf_32', u32: 'utf_32', utf32: 'utf_32',
  utf_32_le: 'utf_32_le', utf_32le: 'utf_32_le',
  utf_32_be: 'utf_32_be', utf_32be: 'utf_32_be',
  latin_1: 'latin_1', '8859': 'latin_1', cp819: 'latin_1', csisolatin1: 'latin_1', ibm819: 'latin_1', iso8859: 'latin_1',
  iso8859_1: 'latin_1', iso_8859_1: 'latin_1', iso_8859_1_1987: 'latin_1', iso_ir_100: 'latin_1', l1: 'latin_1', latin: 'latin_1', latin1: 'latin_1',
  ascii: 'ascii', '646': 'ascii', 'ansi_x3.4_1968': 'ascii', 'ansi_x3.4_1986': 'ascii', ansi_x3_4_1968: 'ascii', cp367: 'ascii', csascii: 'ascii',
  ibm367: 'ascii', iso646_us: 'ascii', 'iso_646.irv_1991': 'ascii', iso_ir_6: 'ascii', us: 'ascii', us_ascii: 'ascii',
  cp1252: 'cp1252', '1252': 'cp1252', windows_1252: 'cp1252',
};

/**
 * The codec a charset label names, found the way Python's codecs.lookup finds it: lowercased,
 * runs of characters other than ASCII letters, digits and '.' collapsed into one '_' (and dropped
 * at the ends), then looked up as is and with '.' read as '_'.
 */
export function codecOf(label: string): Codec | undefined {
  const normalized = normalizeEncoding(label.toLowerCase());
  // Own keys only: a page's charset is the server's text, and "constructor" is on every object.
  for (const key of [normalized, normalized.replaceAll('.', '_')]) if (Object.hasOwn(ALIASES, key)) return ALIASES[key];
  return undefined;
}

function normalizeEncoding(label: string): string {
  let out = '';
  let punct = false;
  for (const c of label) {
    if (/^[\p{L}\p{N}.]$/u.test(c)) {
      if (punct && out !== '') out += '_';
      // Python keeps only the ASCII ones of the alphanumerics it saw.
      if (c.charCodeAt(0) < 0x80) out += c;
      punct = false;
    } else {
      punct = true;
    }
  }
  return out;
}

/**
 * Python's cp1252 for bytes 0x80-0x9F (the rest is Latin-1); 0 where Python leaves a byte undefined
 * (WHATWG's windows-1252 maps those to C1 controls). Our own table: Node's TextDecoder for
 * 'windows-1252' decodes as Latin-1 on some builds, which the differential test caught.
 */
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

export function decodeWith(bytes: Uint8Array, codec: Codec, label: string): Decoded {
  const fail = (at: number, why: string): Decoded => ({
    ok: false,
    problem: `cannot be decoded as ${codec.replaceAll('_', '-')} (${label}): ${why} at byte ${at}`,
  });
  switch (codec) {
    case 'latin_1':
      return { ok: true, text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), codec };
    case 'ascii': {
      const at = bytes.findIndex((byte) => byte > 0x7f);
      if (at !== -1) return fail(at, 'not an ASCII byte');
      return { ok: true, text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), codec };
    }
    case 'cp1252': {
      const at = bytes.findIndex((byte) => byte >= 0x80 && byte <= 0x9f && CP1252_HIGH[byte - 0x80] === 0);
      if (at !== -1) return fail(at, 'a byte cp1252 does not define');
      const units = new Uint16Array(bytes.length);
      for (let i = 0; i < bytes.length; i++) {
        const byte = bytes[i]!;
        units[i] = byte >= 0x80 && byte <= 0x9f ? CP1252_HIGH[byte - 0x80]! : byte;
      }
      return { ok: true, text: fromUnits(units), codec };
    }
    case 'utf_8':
    case 'utf_8_sig': {
      const body = codec === 'utf_8_sig' && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
      try {
        return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body), codec };
      } catch {
        return fail(firstInvalidUtf8(body) + (bytes.length - body.length), 'invalid UTF-8');
      }
    }
    case 'utf_16':
    case 'utf_16_le':
    case 'utf_16_be':
      return decodeUtf16(bytes, codec, fail);
    case 'utf_32':
    case 'utf_32_le':
    case 'utf_32_be':
      return decodeUtf32(bytes, codec, fail);
  }
}

type Fail = (at: number, why: string) => Decoded;

/** Python's UTF-16: a BOM picks the order and is dropped (utf_16 only), else little-endian, the native order here. */
function decodeUtf16(bytes: Uint8Array, codec: 'utf_16' | 'utf_16_le' | 'utf_16_be', fail: Fail): Decoded {
  let big = codec === 'utf_16_be';
  let start = 0;
  if (codec === 'utf_16' && bytes.length >= 2) {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) start = 2;
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) [big, start] = [true, 2];
  }
  // Typed arrays: two bytes of memory per unit, whatever the page size (a number[] costs eight or more).
  const units = new Uint16Array(Math.floor((bytes.length - start) / 2));
  for (let u = 0, i = start; u < units.length; u++, i += 2) units[u] = big ? (bytes[i]! << 8) | bytes[i + 1]! : bytes[i]! | (bytes[i + 1]! << 8);
  // Surrogates must pair; Python's strict decoder rejects a lone one.
  for (let u = 0; u < units.length; u++) {
    const unit = units[u]!;
    if (unit >= 0xdc00 && unit <= 0xdfff) return fail(start + 2 * u, 'a lone low surrogate');
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = units[u + 1];
      if (next === undefined || next < 0xdc00 || next > 0xdfff) return fail(start + 2 * u, 'a lone high surrogate');
      u++;
    }
  }
  if ((bytes.length - start) % 2 !== 0) return fail(bytes.length - 1, 'truncated data');
  return { ok: true, text: fromUnits(units), codec: codec === 'utf_16' ? (big ? 'utf_16_be' : 'utf_16_le') : codec };
}

function decodeUtf32(bytes: Uint8Array, codec: 'utf_32' | 'utf_32_le' | 'utf_32_be', fail: Fail): Decoded {
  let big = codec === 'utf_32_be';
  let start = 0;
  if (codec === 'utf_32' && bytes.length >= 4) {
    if (bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0) start = 4;
    else if (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff) [big, start] = [true, 4];
  }
  const points = new Uint32Array(Math.floor((bytes.length - start) / 4));
  let i = start;
  for (let p = 0; i + 3 < bytes.length; i += 4, p++) {
    const [a, b, c, d] = [bytes[i]!, bytes[i + 1]!, bytes[i + 2]!, bytes[i + 3]!];
    const point = (big ? a * 0x1000000 + (b << 16) + (c << 8) + d : d * 0x1000000 + (c << 16) + (b << 8) + a) >>> 0;
    if (point > 0x10ffff) return fail(i, 'a code point beyond U+10FFFF');
    if (point >= 0xd800 && point <= 0xdfff) return fail(i, 'a surrogate code point');
    points[p] = point;
  }
  if (i !== bytes.length) return fail(i, 'truncated data');
  let text = '';
  for (let j = 0; j < points.length; j += 8192) text += String.fromCodePoint(...points.subarray(j, j + 8192));
  return { ok: true, text, codec: codec === 'utf_32' ? (big ? 'utf_32_be' : 'utf_32_le') : codec };
}

/** UTF-16 units into a string, a slice at a time (a spread of millions of arguments would overflow the stack). */
function fromUnits(units: Uint16Array): string {
  const parts: string[] = [];
  for (let i = 0; i < units.length; i += 8192) parts.push(String.fromCharCode(...units.subarray(i, i + 8192)));
  return parts.join('');
}
