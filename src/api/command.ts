/**
 * The "To update, run:" command of a lock header: every option that shapes the lock, inputs and
 * output relative to the lock's folder. `check` parses it back (api/check.ts); the recall
 * fingerprint (api/recall.ts) covers it.
 */
import { dirname, relative, resolve as resolvePath, sep } from 'node:path';
import { stripCredentials } from '../http/redact.js';
import { formatPlatform } from '../pep/tags.js';
import { defaultOutput, isUrl, type PreparedRun } from './prepare.js';

/** The command that regenerates this lock; `check` reads its options back (see api/check.ts). */
export function regenerateCommand(run: PreparedRun): string {
  const { options, target, cwd, outputPath, inputs } = run;
  const base = outputPath === null ? cwd : dirname(outputPath);
  const parts = ['pin-hashes', 'lock'];
  parts.push('--python-version', target.pythonVersion.toString(), '--python-platform', formatPlatform(target.platform));
  if (options.indexUrl) parts.push('--index-url', stripCredentials(options.indexUrl));
  for (const url of options.extraIndexUrls ?? []) parts.push('--extra-index-url', stripCredentials(url));
  for (const link of options.findLinks ?? []) parts.push('--find-links', isUrl(link) ? stripCredentials(link) : displayPath(base, resolvePath(cwd, link)));
  if (options.noIndex) parts.push('--no-index');
  if (options.mergeIndexes) parts.push('--index-strategy', 'unsafe-best-match');
  if (options.pre) parts.push('--pre');
  for (const v of options.onlyBinary ?? []) parts.push('--only-binary', v);
  for (const v of options.noBinary ?? []) parts.push('--no-binary', v);
  if (outputPath !== null && resolvePath(cwd, defaultOutput(inputs)) !== outputPath) parts.push('-o', displayPath(base, outputPath));
  for (const inputPath of inputs) parts.push(displayPath(base, resolvePath(cwd, inputPath)));
  return parts.map(shellQuote).join(' ');
}

/** Paths in the lock are relative to the lock's folder and use '/', so the file is the same on every machine. */
export function displayPath(base: string, path: string): string {
  const rel = relative(base, path) || '.';
  return rel.split(sep).join('/');
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
