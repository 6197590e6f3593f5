/**
 * Every URL that reaches a message, a log line, a header or an output file goes through
 * redactUrl() first. A URL's userinfo may hold a token in either half (`https://TOKEN@host`,
 * `https://user:TOKEN@host`), so both halves go; query values go too (signed CDN URLs carry their
 * signature there), and so does every value registered with registerSecret() (a `${TOKEN}` the
 * input expanded into a path, where nothing in the URL's shape says it is a secret).
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL we can parse: still strip anything that looks like userinfo.
    return maskRegistered(maskUserinfo(url));
  }
  let changed = false;
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = '***';
    parsed.password = '';
    changed = true;
  }
  if (parsed.search !== '') {
    const masked = [...parsed.searchParams.keys()].map((key) => `${encodeURIComponent(key)}=***`).join('&');
    parsed.search = masked === '' ? '' : `?${masked}`;
    changed = true;
  }
  return maskRegistered(changed ? parsed.toString() : url);
}

/**
 * Secrets known to this process, with what to show instead. Process-wide on purpose: a value
 * expanded from `${TOKEN}` must stay hidden in every message, including the ones built far from
 * the code that expanded it.
 */
const registered = new Map<string, string>();

/** Values shorter than this are not masked: hiding every "ci" or "pypi" would garble messages. */
export const MIN_SECRET_LENGTH = 4;

/** From now on, `value` is shown as `shownAs` (e.g. `${TOKEN}`) by redactUrl() and redactSecrets(). */
export function registerSecret(value: string, shownAs = '***'): void {
  if (value.length < MIN_SECRET_LENGTH) return;
  registered.set(value, shownAs);
  const encoded = encodeURIComponent(value);
  if (encoded !== value) registered.set(encoded, shownAs);
}

/**
 * Registers the value of every `${NAME}` that `written` references (as pip expands them: upper
 * case, digits and underscores) and that `env` sets: the values a requirements file expanded.
 */
export function registerExpandedSecrets(written: string, env: Readonly<Record<string, string | undefined>>): void {
  for (const match of written.matchAll(/\$\{([A-Z0-9_]+)\}/g)) {
    const name = match[1];
    const value = name === undefined ? undefined : env[name];
    if (name !== undefined && value !== undefined && value !== '') registerSecret(value, `\${${name}}`);
  }
}

function maskRegistered(text: string): string {
  if (registered.size === 0) return text;
  let out = text;
  for (const [value, shownAs] of [...registered].sort((a, b) => b[0].length - a[0].length)) out = out.split(value).join(shownAs);
  return out;
}

/**
 * The URL without userinfo at all: what the lock header records (credentials come from env/netrc).
 * Done on the text, not by re-serialising a parsed URL, so everything else stays as written:
 * a `${VAR}` placeholder must not come out as `$%7BVAR%7D`.
 */
export function stripCredentials(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(url);
  if (!match) return url.replace(/\/\/[^/@\s]*@/g, '//');
  const [, scheme = '', authority = '', rest = ''] = match;
  const at = authority.lastIndexOf('@');
  return at === -1 ? url : scheme + authority.slice(at + 1) + rest;
}

/**
 * Whether a URL may hold a credential: userinfo, or a query (signed CDN and private-index file
 * URLs carry their tokens there). Such a URL is never written to the cache. Unparseable counts as yes.
 */
export function mayCarrySecrets(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '' || parsed.search !== '';
  } catch {
    return true;
  }
}

/** Replaces every occurrence of known secrets in free text (e.g. an error message from a library). */
export function redactText(text: string, urls: readonly string[]): string {
  return redactSecrets(text, urls.flatMap(secretsOfUrl));
}

/** The userinfo halves of a URL, as written and percent-decoded. */
export function secretsOfUrl(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const secrets: string[] = [];
  for (const secret of [parsed.password, parsed.username]) {
    if (secret === '') continue;
    secrets.push(secret);
    const decoded = safeDecode(secret);
    if (decoded !== secret) secrets.push(decoded);
  }
  return secrets;
}

/**
 * Every occurrence of each secret replaced by `***`, longest first so one secret inside another
 * cannot leave a tail behind, then any leftover `//user:pass@` userinfo. Secrets shorter than 3
 * characters are left alone: replacing every "a" in a message would make it unreadable and hide
 * nothing.
 */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = maskRegistered(text);
  const sorted = [...new Set(secrets)].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  for (const secret of sorted) out = out.split(secret).join('***');
  return maskUserinfo(out);
}

/**
 * Userinfo masked by reading the text, never by parsing a URL: a URL that does not parse
 * (`http://user:SECRET@pw@host:99999/`) still has its credentials hidden. The authority runs from
 * `//` to the first `/`, `?`, `#`, quote or space; everything in it up to its last `@` is userinfo
 * (an `@` in a password is not encoded by everyone who writes one).
 */
export function maskUserinfo(text: string): string {
  return text.replace(/\/\/([^/?#\s'"<>]*)@/g, '//***@');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
