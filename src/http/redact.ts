/**
 * Every URL that reaches a message, a log line, a header or an output file goes through
 * redactUrl() first. A URL's userinfo may hold a token in either half (`https://TOKEN@host`,
 * `https://user:TOKEN@host`), so both halves go.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL we can parse: still strip anything that looks like userinfo.
    return url.replace(/\/\/[^/@\s]*@/g, '//***@');
  }
  if (parsed.username === '' && parsed.password === '') return url;
  parsed.username = '***';
  parsed.password = '';
  return parsed.toString();
}

/** The URL without userinfo at all: what the lock header records (credentials come from env/netrc). */
export function stripCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^/@\s]*@/g, '//');
  }
}

/** Replaces every occurrence of known secrets in free text (e.g. an error message from a library). */
export function redactText(text: string, urls: readonly string[]): string {
  let out = text;
  for (const url of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      continue;
    }
    for (const secret of [parsed.password, parsed.username]) {
      if (secret.length >= 3) {
        out = out.split(secret).join('***');
        const decoded = safeDecode(secret);
        if (decoded !== secret && decoded.length >= 3) out = out.split(decoded).join('***');
      }
    }
  }
  return out.replace(/\/\/[^/@\s'"]*:[^/@\s'"]*@/g, '//***@');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
