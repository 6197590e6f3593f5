/**
 * A lock's own digest, written into it: sha256 of the file without the line that holds it. It
 * proves the body is what pin-hashes wrote. A bot that regenerates the pins with another tool
 * under our header (Dependabot re-running pip-compile, a hand edit) changes the body but cannot
 * know to update the digest, and `check --offline` sees that without a request. It is not a
 * signature: anyone can recompute it, so it catches accidents and tools, not a forger (`check`
 * online, which regenerates the lock, is the proof against that).
 *
 * Line endings are read as `\n`: a checkout with `core.autocrlf` must not look like an edit.
 */
import { createHash } from 'node:crypto';
import type { LockFormat } from './model.js';

const PLACEHOLDER = '0'.repeat(64);

const LINE: Record<LockFormat, { readonly pattern: RegExp; readonly write: (hex: string) => string }> = {
  'requirements-txt': {
    pattern: /^# lock-sha256: ([0-9a-f]{64}) \(of this file without this line\)\r?$/m,
    write: (hex) => `# lock-sha256: ${hex} (of this file without this line)`,
  },
  pylock: {
    pattern: /^lock-sha256 = "([0-9a-f]{64})"\r?$/m,
    write: (hex) => `lock-sha256 = "${hex}"`,
  },
};

/** The line a renderer writes where the digest goes; seal() fills it in. */
export function digestPlaceholder(format: LockFormat): string {
  return LINE[format].write(PLACEHOLDER);
}

/** The rendered text with its placeholder line replaced by the digest of the rest. */
export function seal(text: string, format: LockFormat): string {
  const line = digestPlaceholder(format);
  const at = text.indexOf(`${line}\n`);
  if (at === -1) throw new Error(`Assertion failed: the ${format} renderer wrote no digest line`);
  const without = text.slice(0, at) + text.slice(at + line.length + 1);
  return text.slice(0, at) + LINE[format].write(digestOf(without)) + text.slice(at + line.length);
}

export type DigestStatus =
  /** The file is as pin-hashes wrote it. */
  | { readonly kind: 'sealed' }
  /** Written by a pin-hashes that wrote no digest (or the line was removed). */
  | { readonly kind: 'absent' }
  | { readonly kind: 'mismatch'; readonly recorded: string; readonly actual: string };

export function digestStatus(text: string, format: LockFormat): DigestStatus {
  const match = LINE[format].pattern.exec(text);
  if (match === null) return { kind: 'absent' };
  const recorded = match[1] ?? '';
  // The line goes with its line ending; what is left is hashed as the renderer hashed it.
  const end = match.index + match[0].length;
  const without = text.slice(0, match.index) + text.slice(text[end] === '\n' ? end + 1 : end);
  const actual = digestOf(without);
  return actual === recorded ? { kind: 'sealed' } : { kind: 'mismatch', recorded, actual };
}

function digestOf(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n'), 'utf8').digest('hex');
}
