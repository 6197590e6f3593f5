/**
 * Bytes of an index page into text, exactly as pip decodes them (pip/_internal/index/collector.py):
 *
 * - an HTML page: `content.decode(charset or "utf-8")`, the charset taken from the Content-Type
 *   parameter as email.message reads it. No BOM sniffing: a UTF-16 page without a charset fails
 *   for pip, so it fails here too, with a message instead of a traceback.
 * - a PEP 691 JSON page: `json.loads(content)`, which ignores any charset and picks UTF-8, -16 or
 *   -32 from a BOM or from where the zero bytes of the first four are (json.detect_encoding).
 *
 * The codecs themselves, strict as Python's, are pep/codecs.ts. Decoding is strict, as Python's is: a byte sequence that is not valid in the encoding is an
 * error, never a U+FFFD that would turn into a link pip does not see. We decode the encodings
 * index servers send (the UTF family, Latin-1, ASCII, cp1252) under every name Python's codec
 * registry gives them; a charset Python knows but we do not is refused with a clear message
 * rather than guessed, since tables such as Shift_JIS differ between Python and WHATWG decoders.
 *
 * One known difference: json.loads decodes with 'surrogatepass', so a JSON page in UTF-16/32
 * holding a lone surrogate loads for pip; we refuse it (no real index sends one, and such a
 * string could never be a filename or URL pip would download).
 */

import { codecOf, decodeWith, type Codec, type Decoded } from '../pep/codecs.js';

export type { Codec, Decoded };

/** The charset parameter of a Content-Type, as email.message.Message.get_param reads it; the first wins. */
export function charsetOf(contentType: string): string | undefined {
  for (const param of contentType.split(';').slice(1)) {
    const eq = param.indexOf('=');
    if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    let value = param.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value === '' ? undefined : value;
  }
  return undefined;
}

/** An HTML page's text: its charset, else UTF-8. */
export function decodeHtmlPage(bytes: Uint8Array, contentType: string): Decoded {
  const label = charsetOf(contentType) ?? 'utf-8';
  const codec = codecOf(label);
  if (!codec) return { ok: false, problem: `is in charset "${label}", which pin-hashes cannot decode exactly as pip would` };
  return decodeWith(bytes, codec, label);
}

/** A JSON page's text, the encoding chosen as Python's json.loads chooses it for bytes. */
export function decodeJsonPage(bytes: Uint8Array): Decoded {
  return decodeWith(bytes, jsonCodec(bytes), 'detected from the first bytes, as for JSON');
}

function jsonCodec(b: Uint8Array): Codec {
  const starts = (...prefix: number[]): boolean => prefix.every((byte, i) => b[i] === byte);
  if (starts(0x00, 0x00, 0xfe, 0xff) || starts(0xff, 0xfe, 0x00, 0x00)) return 'utf_32';
  if (starts(0xfe, 0xff) || starts(0xff, 0xfe)) return 'utf_16';
  if (starts(0xef, 0xbb, 0xbf)) return 'utf_8_sig';
  if (b.length >= 4) {
    if (b[0] === 0) return b[1] ? 'utf_16_be' : 'utf_32_be';
    if (b[1] === 0) return b[2] || b[3] ? 'utf_16_le' : 'utf_32_le';
  } else if (b.length === 2) {
    if (b[0] === 0) return 'utf_16_be';
    if (b[1] === 0) return 'utf_16_le';
  }
  return 'utf_8';
}
