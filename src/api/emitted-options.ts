/**
 * The option lines pip obeys that a lock may carry before its pins, as pip-compile writes them
 * with --emit-index-url and --emit-find-links. Off by default: a lock that names its index only
 * in comments installs from whatever index the installing machine is set up for (a mirror, a
 * proxy). Never a credential: URLs as the header writes them (userinfo removed, `${VAR}` kept,
 * which pip expands at install time); find-links folders relative to the lock's folder (pip reads
 * a relative path in a requirements file against that file's folder).
 */
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { stripCredentials } from '../http/redact.js';
import { isUrl } from '../http/url-text.js';
import { displayPath } from './command.js';
import { DEFAULT_INDEX_URL, type PreparedRun } from './prepare.js';

export function emittedOptions(run: PreparedRun, emit: { indexUrl: boolean; findLinks: boolean }): string[] {
  const lines: string[] = [];
  if (emit.indexUrl) {
    if (run.indexes.length === 0) lines.push('--no-index');
    run.indexes.forEach((index, i) => {
      // pip's default needs no line (pip-compile leaves it out too); an extra index always does.
      if (i === 0 && index.written === DEFAULT_INDEX_URL) return;
      lines.push(`${i === 0 ? '--index-url' : '--extra-index-url'} ${index.written}`);
    });
  }
  if (emit.findLinks) {
    const base = run.outputPath === null ? run.cwd : dirname(run.outputPath);
    // The command line's, as given (relative to where it ran), then the files', as written: never
    // what a `${VAR}` expanded to.
    for (const link of run.config.lockFlags.findLinks ?? []) {
      lines.push(`--find-links ${isUrl(link) ? stripCredentials(link) : displayPath(base, resolvePath(run.cwd, link))}`);
    }
    for (const link of run.input.findLinks) {
      const asWritten = isUrl(link.written) || link.written.includes('${');
      lines.push(`--find-links ${asWritten ? stripCredentials(link.written) : isAbsolute(link.value) ? displayPath(base, link.value) : link.written}`);
    }
  }
  return lines;
}
