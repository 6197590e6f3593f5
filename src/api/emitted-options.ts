/**
 * The option lines pip obeys that a lock may carry before its pins, as pip-compile writes them
 * with --emit-index-url and --emit-find-links. Off by default: a lock that names its index only
 * in comments installs from whatever index the installing machine is set up for (a mirror, a
 * proxy). URLs lose their user:password (a userinfo of only `${VAR}`s stays: pip expands it at
 * install time); a token in a URL's path or query is written as the user wrote it, as the
 * header writes it. Find-links folders are relative to the lock's folder (pip reads a relative
 * path in a requirements file against that file's folder). Values are quoted as pip's shlex
 * reads them back; a line break in one is refused (it would start a line pip obeys).
 */
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { stripCredentials } from '../http/redact.js';
import { isUrl } from '../http/url-text.js';
import { PinHashesError } from '../errors.js';
import { LINE_BREAK, displayPath, shellQuote } from './command.js';
import { DEFAULT_INDEX_URL, type PreparedRun } from './prepare.js';

export function emittedOptions(run: PreparedRun, emit: { indexUrl: boolean; findLinks: boolean }): string[] {
  const lines: string[] = [];
  if (emit.indexUrl) {
    if (run.indexes.length === 0) lines.push('--no-index');
    run.indexes.forEach((index, i) => {
      // pip's default needs no line (pip-compile leaves it out too); an extra index always does.
      if (i === 0 && index.written === DEFAULT_INDEX_URL) return;
      lines.push(optionLine(i === 0 ? '--index-url' : '--extra-index-url', index.emitted));
    });
  }
  if (emit.findLinks) {
    const base = run.outputPath === null ? run.cwd : dirname(run.outputPath);
    // The command line's, as given (relative to where it ran), then the files', as written: never
    // what a `${VAR}` expanded to.
    for (const link of run.config.lockFlags.findLinks ?? []) {
      lines.push(optionLine('--find-links', isUrl(link) ? stripCredentials(link) : displayPath(base, resolvePath(run.cwd, link))));
    }
    for (const link of run.input.findLinks) {
      const asWritten = isUrl(link.written) || link.written.includes('${');
      lines.push(optionLine('--find-links', asWritten ? stripCredentials(link.written) : isAbsolute(link.value) ? displayPath(base, link.value) : link.written));
    }
  }
  return lines;
}

function optionLine(option: string, value: string): string {
  if (LINE_BREAK.test(value)) {
    throw new PinHashesError('INPUT_ERROR', `${option} ${JSON.stringify(value)} cannot be written into the lock: it holds a line break`, {
      exitCode: 2,
      hint: 'Rename the folder or URL, or leave out --emit-index-url / --emit-find-links.',
    });
  }
  // Quoted only where shlex would split or unquote it: `${VAR}` stays readable (pip expands it either way).
  return `${option} ${/[\s'"\\]/.test(value) ? shellQuote(value) : value}`;
}
