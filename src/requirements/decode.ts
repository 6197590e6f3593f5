// Bytes of a requirements file -> text. A BOM decides (UTF-8, UTF-16, UTF-32); otherwise UTF-8.
// pip 23.2 (`auto_decode`) honours a PEP 263 `coding:` comment and otherwise falls back to the
// locale's encoding (UTF-8 only from pip 25.0). We read UTF-8 strictly so a file that is not
// UTF-8 fails with its line number instead of being read differently from one machine to the next.
import { decodeWith, type Codec } from '../pep/codecs.js';
import { firstInvalidUtf8 } from '../pep/utf8.js';
import { inputError } from './input-error.js';

type Bom = { readonly name: string; readonly bytes: readonly number[]; readonly decode: (body: Uint8Array) => string };

/** A strict decoder of the body after the BOM (pep/codecs.ts); throws with the problem. */
const strict = (codec: Codec) => (body: Uint8Array): string => {
  const decoded = decodeWith(body, codec, 'after its byte order mark');
  if (!decoded.ok) throw new RangeError(decoded.problem);
  return decoded.text;
};

// UTF-32 LE is tested before UTF-16 LE because its BOM starts with UTF-16 LE's. (pip tests UTF-16
// first and so misreads UTF-32 LE files; nobody writes requirements in UTF-32, so no one relies on it.)
const BOMS: readonly Bom[] = [
  { name: 'UTF-8', bytes: [0xef, 0xbb, 0xbf], decode: strict('utf_8') },
  { name: 'UTF-32 LE', bytes: [0xff, 0xfe, 0x00, 0x00], decode: strict('utf_32_le') },
  { name: 'UTF-32 BE', bytes: [0x00, 0x00, 0xfe, 0xff], decode: strict('utf_32_be') },
  { name: 'UTF-16 LE', bytes: [0xff, 0xfe], decode: strict('utf_16_le') },
  { name: 'UTF-16 BE', bytes: [0xfe, 0xff], decode: strict('utf_16_be') },
];

function startsWith(data: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.length <= data.length && prefix.every((byte, index) => data[index] === byte);
}

/** Line (1-based, counting \n) of the first byte that is not valid UTF-8. */
function firstInvalidUtf8Line(data: Uint8Array): number {
  const at = firstInvalidUtf8(data);
  let line = 1;
  for (let i = 0; i < at; i++) if (data[i] === 0x0a) line++;
  return line;
}

export function decodeRequirementsFile(data: Uint8Array, file: string): string {
  return refuseNul(decodeText(data, file), file);
}

/**
 * Text files hold no NUL; a file that does is binary, or something like /proc/self/environ (whose
 * NUL-separated "line" is the whole environment) that a hand-edited lock header pointed at.
 */
function refuseNul(text: string, file: string): string {
  const at = text.indexOf('\0');
  if (at === -1) return text;
  const line = text.slice(0, at).split('\n').length;
  throw inputError({ file, line }, 'contains a NUL byte: this is not a requirements file.', 'Check the path; if a lock header names it, regenerate the lock with pin-hashes lock.');
}

function decodeText(data: Uint8Array, file: string): string {
  for (const bom of BOMS) {
    if (!startsWith(data, bom.bytes)) continue;
    try {
      return bom.decode(data.subarray(bom.bytes.length));
    } catch (error) {
      throw inputError({ file, line: 1 }, `the byte order mark says ${bom.name} but the file does not decode as ${bom.name}.`, 'Save the file as UTF-8.', error);
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data);
  } catch (error) {
    throw inputError(
      { file, line: firstInvalidUtf8Line(data) },
      'not valid UTF-8 (pin-hashes reads requirements files as UTF-8, or by their byte order mark).',
      'Save the file as UTF-8; keep requirements files ASCII so every pip reads them alike.',
      error,
    );
  }
}
