/**
 * Every URL that reaches a message, a log line, a header or an output file goes through
 * redactUrl() first. A URL's userinfo may hold a token in either half (`https://TOKEN@host`,
 * `https://user:TOKEN@host`), so both halves go; query values go too (signed CDN URLs carry their
 * signature there), and so does every value registered with registerSecret() (a `${TOKEN}` the
 * input expanded into a path, where nothing in the URL's shape says it is a secret).
 *
 * Done on the text, never by parsing: the URL most in need of redaction is the one no parser
 * accepts (`http://user:SECRET@pw@host:99999/`), and a parser that gives up must not leave the
 * password's tail behind. See userinfoSpans() for the rule. Everything else stays as written.
 */
export function redactUrl(url: string): string {
  const text = maskRegistered(url);
  const spans = userinfoSpans(text, 'url');
  // The query starts past the userinfo: a password may hold a `?`.
  const cut = spans.length === 0 ? 0 : (spans[spans.length - 1]?.[1] ?? 0) + 1;
  return replaceSpans(text.slice(0, cut), spans, '***') + maskQuery(text.slice(cut));
}

/** Where a URL ends in free text: whitespace, quotes, backticks and angle brackets delimit it. */
const WORD_END = /[\s'"`<>]/;
/** Where an authority ends: the first `/`, `\` (WHATWG reads it as `/` in http URLs), `?` or `#`. */
const AUTHORITY_END = /[/\\?#]/;

/**
 * The spans [start, end) of `text` that are userinfo, `end` being the index of the `@` that
 * closes each. The rule, the same for URLs no parser accepts:
 *
 * - An authority starts after any run of two or more `/` or `\` (`http://`, `//host`, `http:\\`),
 *   and, for a URL (not free text) whose scheme is not followed by two slashes, at its very start
 *   (`http:user:pw@host`, which WHATWG parsers read as userinfo, and `user:pw@host` without a
 *   scheme). It ends at the first `/`, `\`, `?` or `#` (in free text also at whitespace or a quote).
 * - An authority holding an `@` has userinfo up to its last `@`.
 * - An authority holding an `@` or a `:` (a password's first half, cut short by a `/`, `?` or
 *   `#` in it) has userinfo up to the last `@` of the whole URL (of the word, in free text): a
 *   password may hold any of those characters unencoded, and guessing wrong only hides more of a
 *   URL that has a port and an `@` in its path (`http://host:8080/@scope/` shows as `http://***@scope/`).
 *
 * Linear: every scan stops at the next delimiter, and the last `@` of each word is found once.
 */
export function userinfoSpans(text: string, mode: 'url' | 'text'): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const words = mode === 'url' ? [[0, text.length] as const] : wordsOf(text);
  for (const [wordStart, wordEnd] of words) {
    // Searched within the word: from the end of the text it made long messages quadratic.
    const inWord = text.slice(wordStart, wordEnd).lastIndexOf('@');
    if (inWord < 0) continue;
    const lastAt = wordStart + inWord;
    const starts: number[] = [];
    if (mode === 'url') {
      let first = wordStart;
      while (first < wordEnd && /\s/.test(text[first] ?? '')) first++;
      if (!/^[a-z][a-z0-9+.-]*:[/\\]{2}/i.test(text.slice(first, first + 64))) starts.push(first);
    }
    for (let i = wordStart; i < wordEnd - 1; i++) {
      if (!isSlash(text[i]) || !isSlash(text[i + 1])) continue;
      let j = i + 2;
      while (j < wordEnd && isSlash(text[j])) j++;
      starts.push(j);
      i = j - 1;
    }
    for (const start of pathCollapsedAuthorities(text, wordStart, wordEnd)) starts.push(start);
    starts.sort((a, b) => a - b);
    for (const start of starts) {
      if (start > lastAt) break;
      let end = start;
      while (end < wordEnd && !AUTHORITY_END.test(text[end] ?? '') && !(mode === 'text' && WORD_END.test(text[end] ?? ''))) end++;
      const authority = text.slice(start, end);
      if (authority.includes('@') || authority.includes(':')) spans.push([start, lastAt]);
    }
  }
  return mergeSpans(spans);
}

/**
 * Authorities of URLs that were taken for file paths and came back resolved: `https://u:t@h/x`
 * as a path is `https:/u:t@h/x` (the `//` collapsed), and `http:\\u:t@h` as a file URL is
 * `http:%5C%5Cu:t@h`. A scheme followed by one `/`, or by `%5C%5C` / `%2F%2F`, starts one too.
 */
function pathCollapsedAuthorities(text: string, wordStart: number, wordEnd: number): number[] {
  const starts: number[] = [];
  const pattern = /(?:^|[^a-z0-9+.-])[a-z][a-z0-9+.-]*:(\/(?![/\\])|%5c%5c|%2f%2f)/gi;
  const word = text.slice(wordStart, wordEnd);
  for (let match = pattern.exec(word); match !== null; match = pattern.exec(word)) starts.push(wordStart + match.index + match[0].length);
  return starts;
}

function isSlash(c: string | undefined): boolean {
  return c === '/' || c === '\\';
}

/** [start, end) of each run of text without whitespace or quotes. */
function wordsOf(text: string): Array<readonly [number, number]> {
  const words: Array<readonly [number, number]> = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const boundary = i === text.length || WORD_END.test(text[i] ?? '');
    if (boundary && start !== -1) {
      words.push([start, i]);
      start = -1;
    } else if (!boundary && start === -1) start = i;
  }
  return words;
}

function mergeSpans(spans: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...spans].sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}

function replaceSpans(text: string, spans: ReadonlyArray<readonly [number, number]>, by: string): string {
  let out = '';
  let at = 0;
  for (const [start, end] of spans) {
    out += text.slice(at, start) + by;
    at = end;
  }
  return out + text.slice(at);
}

/** Every query value masked (`?sig=***&x=***`), and a pair without `=` entirely (`?TOKEN` is a token). */
function maskQuery(rest: string): string {
  const q = rest.indexOf('?');
  if (q === -1) return rest;
  const hash = rest.indexOf('#', q);
  const end = hash === -1 ? rest.length : hash;
  const pairs = rest
    .slice(q + 1, end)
    .split('&')
    .map((pair) => {
      if (pair === '') return pair;
      const eq = pair.indexOf('=');
      return eq === -1 ? '***' : `${pair.slice(0, eq)}=***`;
    });
  return `${rest.slice(0, q + 1)}${pairs.join('&')}${rest.slice(end)}`;
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

/** Values expanded from `${NAME}`, as expanded (not percent-encoded): what restorePlaceholders() writes back. */
const expandedValues = new Map<string, string>();

/**
 * Registers the value of every `${NAME}` that `written` references (as pip expands them: upper
 * case, digits and underscores) and that `env` sets: the values a requirements file expanded.
 */
export function registerExpandedSecrets(written: string, env: Readonly<Record<string, string | undefined>>): void {
  for (const match of written.matchAll(/\$\{([A-Z0-9_]+)\}/g)) {
    const name = match[1];
    const value = name === undefined ? undefined : env[name];
    if (name === undefined || value === undefined || value === '') continue;
    registerSecret(value, `\${${name}}`);
    if (value.length >= MIN_SECRET_LENGTH) expandedValues.set(value, `\${${name}}`);
  }
}

/**
 * `text` with every value that came from a `${NAME}` written back as `${NAME}`, longest first:
 * text for a requirements file, where pip expands each again from the same environment. Sound
 * even where a value also occurs by chance elsewhere in the text: pip puts the same value back.
 */
export function restorePlaceholders(text: string): string {
  let out = text;
  for (const [value, placeholder] of [...expandedValues].sort((a, b) => b[0].length - a[0].length)) out = out.split(value).join(placeholder);
  return out;
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

/** The userinfo of `scheme://userinfo@host...` as its authority delimits it (what stripCredentials removes). */
export function userinfoOf(url: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/is.exec(url);
  const authority = match?.[1] ?? '';
  const at = authority.lastIndexOf('@');
  return at === -1 ? undefined : authority.slice(0, at);
}

/**
 * Whether a URL may hold a credential: userinfo, or a query (signed CDN and private-index file
 * URLs carry their tokens there). Such a URL is never written to the cache. Unparseable counts as
 * yes, and so does anything the textual rule of userinfoSpans() reads as userinfo.
 */
export function mayCarrySecrets(url: string): boolean {
  if (userinfoSpans(url, 'url').length > 0) return true;
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

/**
 * The userinfo of a URL as secrets: whole and each half, as written and percent-decoded. Read by
 * the textual rule (userinfoSpans) and, when the URL parses, by the parser too: a library error
 * may quote either reading.
 */
export function secretsOfUrl(url: string): string[] {
  const secrets: string[] = [];
  const add = (secret: string): void => {
    if (secret === '') return;
    secrets.push(secret);
    const decoded = safeDecode(secret);
    if (decoded !== secret) secrets.push(decoded);
  };
  for (const [start, end] of userinfoSpans(url, 'url')) {
    const userinfo = url.slice(start, end);
    const colon = userinfo.indexOf(':');
    add(userinfo);
    if (colon !== -1) {
      add(userinfo.slice(0, colon));
      add(userinfo.slice(colon + 1));
    }
  }
  try {
    const parsed = new URL(url);
    add(parsed.password);
    add(parsed.username);
  } catch {
    // The textual reading above is all there is.
  }
  return [...new Set(secrets)];
}

/**
 * Every occurrence of each secret replaced by `***`, longest first so one secret inside another
 * cannot leave a tail behind, then whatever userinfoSpans() reads as userinfo in the text's URLs.
 * Secrets shorter than 3 characters are left alone: replacing every "a" in a message would make
 * it unreadable and hide nothing.
 */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = maskRegistered(text);
  const sorted = [...new Set(secrets)].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  for (const secret of sorted) out = out.split(secret).join('***');
  return replaceSpans(out, userinfoSpans(out, 'text'), '***');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
