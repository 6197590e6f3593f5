/**
 * Which indexes `check` trusted, and whether the lock's header chose them against the inputs.
 *
 * `check` regenerates a lock with the options of its header's command, so whoever can edit the
 * lock (a pull request) can point `--index-url` at an index of their own and replace the hashes
 * with that index's: the regenerated lock then matches and `--verify` finds the bytes. The
 * header cannot be told apart from an honest one by itself; what can be compared is the other
 * record of where packages come from: the inputs' own `-i`/`--extra-index-url` lines and
 * PIP_INDEX_URL / PIP_EXTRA_INDEX_URL of the environment `check` runs in (CI's).
 *
 * The rule, precise so that honest locks stay quiet: a header index disagrees when the inputs or
 * the environment name at least one index and none of those is the header's (URLs compared
 * without credentials, scheme and host case, default port, or a missing final '/'). A lock made
 * with `-i URL` on the command line from inputs that name no index, in an environment that names
 * none either, has nothing to disagree with: only the header says where it came from, and the
 * trusted indexes are printed for the reviewer. A header without `--index-url` used the inputs'
 * or the environment's index itself and cannot disagree with them.
 */
import { stripCredentials, redactUrl } from '../http/redact.js';
import type { EnvIndexSettings } from '../package-index/env.js';
import { EXTRA_INDEX_URL_VAR, INDEX_URL_VAR } from '../package-index/env.js';
import type { RequirementsInput } from '../requirements/index.js';

/** An index URL and where it was named, for the message. */
export interface NamedIndex {
  url: string;
  /** `requirements.in:3`, `PIP_INDEX_URL`... */
  where: string;
}

export interface IndexDisagreement {
  /** The header's index, redacted. */
  header: string;
  /** What the inputs and environment name instead, redacted, with where. */
  named: string[];
  message: string;
}

/** The indexes named outside the header: the inputs' lines (as written and expanded), then the environment's. */
export function indexesNamedOutsideHeader(input: RequirementsInput, env: EnvIndexSettings): NamedIndex[] {
  const named: NamedIndex[] = [];
  for (const setting of [...(input.indexUrl ? [input.indexUrl] : []), ...input.extraIndexUrls]) {
    const where = `${setting.location.file}:${setting.location.line}`;
    named.push({ url: setting.url, where });
    // `${VAR}` in the input: the header may hold either spelling.
    if (setting.expanded !== setting.url) named.push({ url: setting.expanded, where });
  }
  if (env.indexUrl !== undefined) named.push({ url: env.indexUrl, where: INDEX_URL_VAR });
  for (const url of env.extraIndexUrls) named.push({ url, where: EXTRA_INDEX_URL_VAR });
  return named;
}

/** One disagreement per header index (primary and extra) that none of `named` is. */
export function indexDisagreements(headerIndexes: readonly string[], named: readonly NamedIndex[]): IndexDisagreement[] {
  if (named.length === 0) return [];
  const known = new Set(named.map((n) => comparableIndexUrl(n.url)));
  // Each place once, in the spelling that may be shown (the written one comes first).
  const shown = new Map<string, string>();
  for (const n of named) if (!shown.has(n.where)) shown.set(n.where, `${displayIndex(n.url)} (${n.where})`);
  const elsewhere = [...shown.values()];
  const out: IndexDisagreement[] = [];
  for (const url of headerIndexes) {
    if (known.has(comparableIndexUrl(url))) continue;
    const header = displayIndex(url);
    out.push({
      header,
      named: elsewhere,
      message:
        `check used the index ${header} because the lock's header names it, but none of the inputs' index lines nor ${INDEX_URL_VAR} / ${EXTRA_INDEX_URL_VAR} do ` +
        `(they name ${elsewhere.join(', ')}). A header edited to point at another index passes check with that index's own hashes.`,
    });
  }
  return out;
}

/** The form two spellings of one index share: no credentials, URL-normalised, one final '/'. */
export function comparableIndexUrl(url: string): string {
  const bare = stripCredentials(url.trim());
  try {
    const parsed = new URL(bare);
    parsed.hash = '';
    if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
    return parsed.toString();
  } catch {
    return bare;
  }
}

/** For messages: no credentials, secrets of `${VAR}`s masked. */
export function displayIndex(url: string): string {
  return redactUrl(stripCredentials(url));
}
