/**
 * Just enough of an HTML5 tokenizer for index pages: start tags with quoted, unquoted and
 * valueless attributes, character references in attribute values and text, comments, and the
 * raw-text elements (script, style) whose content is not markup. pip reads the same pages with
 * Python's html.parser; a regex over `<a href=...>` misses unquoted and valueless attributes.
 */

export interface HtmlAnchor {
  /** Attribute values decoded; a valueless attribute has the value null. */
  attributes: ReadonlyMap<string, string | null>;
  text: string;
}

export interface HtmlPage {
  anchors: HtmlAnchor[];
  /** The first `<base href>`, decoded. */
  baseHref: string | undefined;
  /** `<meta name=... content=...>` pairs, names lowercased. */
  meta: ReadonlyMap<string, string>;
}

const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title']);

export function parseHtml(html: string): HtmlPage {
  const anchors: HtmlAnchor[] = [];
  const meta = new Map<string, string>();
  let baseHref: string | undefined;
  let open: { attributes: Map<string, string | null>; text: string } | undefined;
  let i = 0;
  const n = html.length;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt === -1) {
      if (open) open.text += html.slice(i);
      break;
    }
    if (open) open.text += html.slice(i, lt);
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end === -1 ? n : end + 3;
      continue;
    }
    if (html[lt + 1] === '!' || html[lt + 1] === '?') {
      const end = html.indexOf('>', lt);
      i = end === -1 ? n : end + 1;
      continue;
    }
    const closing = html[lt + 1] === '/';
    let j = lt + (closing ? 2 : 1);
    const nameStart = j;
    while (j < n && /[A-Za-z0-9]/.test(html[j] ?? '')) j++;
    const tag = html.slice(nameStart, j).toLowerCase();
    if (tag === '') {
      // A lone '<' is text.
      if (open) open.text += '<';
      i = lt + 1;
      continue;
    }
    const parsed = readAttributes(html, j);
    i = parsed.end;
    if (closing) {
      if (tag === 'a' && open) {
        anchors.push({ attributes: open.attributes, text: decodeEntities(open.text).trim() });
        open = undefined;
      }
      continue;
    }
    if (tag === 'a') {
      if (open) anchors.push({ attributes: open.attributes, text: decodeEntities(open.text).trim() });
      open = { attributes: parsed.attributes, text: '' };
    } else if (tag === 'base' && baseHref === undefined) {
      const href = parsed.attributes.get('href');
      if (href) baseHref = href;
    } else if (tag === 'meta') {
      const name = parsed.attributes.get('name');
      const content = parsed.attributes.get('content');
      if (name && content !== undefined && content !== null) meta.set(name.toLowerCase(), content);
    } else if (RAW_TEXT.has(tag) && !parsed.selfClosing) {
      const end = html.toLowerCase().indexOf(`</${tag}`, i);
      i = end === -1 ? n : end;
    }
  }
  if (open) anchors.push({ attributes: open.attributes, text: decodeEntities(open.text).trim() });
  return { anchors, baseHref, meta };
}

function readAttributes(
  html: string,
  start: number,
): { attributes: Map<string, string | null>; end: number; selfClosing: boolean } {
  const attributes = new Map<string, string | null>();
  const n = html.length;
  let i = start;
  let selfClosing = false;
  for (;;) {
    while (i < n && /[\s/]/.test(html[i] ?? '')) {
      if (html[i] === '/') selfClosing = true;
      i++;
    }
    if (i >= n) return { attributes, end: n, selfClosing };
    if (html[i] === '>') return { attributes, end: i + 1, selfClosing };
    selfClosing = false;
    const nameStart = i;
    while (i < n && !/[\s/>=]/.test(html[i] ?? '')) i++;
    const name = html.slice(nameStart, i).toLowerCase();
    while (i < n && /\s/.test(html[i] ?? '')) i++;
    if (html[i] !== '=') {
      if (!attributes.has(name)) attributes.set(name, null);
      continue;
    }
    i++;
    while (i < n && /\s/.test(html[i] ?? '')) i++;
    let value: string;
    const quote = html[i];
    if (quote === '"' || quote === "'") {
      const end = html.indexOf(quote, i + 1);
      value = html.slice(i + 1, end === -1 ? n : end);
      i = end === -1 ? n : end + 1;
    } else {
      const valueStart = i;
      while (i < n && !/[\s>]/.test(html[i] ?? '')) i++;
      value = html.slice(valueStart, i);
    }
    if (!attributes.has(name)) attributes.set(name, decodeEntities(value));
  }
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  equals: '=',
  plus: '+',
  excl: '!',
  num: '#',
  percnt: '%',
  semi: ';',
  comma: ',',
  period: '.',
  colon: ':',
  lowbar: '_',
  tilde: '~',
  ast: '*',
  sol: '/',
  lpar: '(',
  rpar: ')',
  lsqb: '[',
  rsqb: ']',
  hyphen: '-',
  dash: '-',
};

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});?/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[body] ?? whole;
  });
}
