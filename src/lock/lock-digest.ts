/**
 * A lock's own digest, written into it: sha256 of the file as it is with the digest itself
 * written as 64 zeros (so the line's place is covered too: moved into the body, a comment line
 * ends pip's reading of a requirement's hashes). It shows the body is what pin-hashes wrote. A
 * bot that changes the pins under our header (Dependabot or Renovate updating a requirements.txt,
 * pip-compile run over it, a hand edit) cannot know to update it, and `check --offline` sees that
 * without a request. It is not a signature: anyone can recompute it, so it catches accidents and
 * tools, not a forger (`check` online, which regenerates the lock, is the proof against that).
 *
 * Line endings are read as `\n`: a checkout with `core.autocrlf` must not look like an edit.
 */
import { createHash } from 'node:crypto';
import type { LockFormat } from './model.js';

const PLACEHOLDER = '0'.repeat(64);

const LINE: Record<LockFormat, { readonly pattern: RegExp; readonly write: (hex: string) => string }> = {
  'requirements-txt': {
    pattern: /^# lock-sha256: ([0-9a-f]{64}) \(of this file, with this digest as zeros\)\r?$/m,
    write: (hex) => `# lock-sha256: ${hex} (of this file, with this digest as zeros)`,
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
  return text.slice(0, at) + LINE[format].write(digestOf(text)) + text.slice(at + line.length);
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
  // Hashed as the renderer hashed it: with the placeholder where the digest stands.
  const start = match.index + match[0].indexOf(recorded);
  const actual = digestOf(text.slice(0, start) + PLACEHOLDER + text.slice(start + recorded.length));
  return actual === recorded ? { kind: 'sealed' } : { kind: 'mismatch', recorded, actual };
}

function digestOf(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n'), 'utf8').digest('hex');
}
