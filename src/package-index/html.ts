/**
 * The anchors of an HTML index page, read exactly as pip reads them. pip feeds the decoded page
 * once to Python's html.parser.HTMLParser (convert_charrefs=True, and no close(): whatever the
 * parser has not finished at the end of the text is dropped), keeps dict(attrs) of every <a>
 * start tag (so the last of two equal attribute names wins) and the href of the first <base>
 * whose first href attribute has a value (pip/_internal/index/collector.py, HTMLLinkParser).
 *
 * Which html.parser: the one of CPython 3.9.18 to 3.13.5 (the same tokenizer in all of them, the
 * one every interpreter on our machines and Debian 12's python3 run; tested against python3 by
 * test/fuzz/html-differential.test.ts). CPython's 2025 security releases (3.9.23, 3.10.18,
 * 3.11.13, 3.12.11, 3.13.6, 3.14) rewrote parts of it: title/textarea became RCDATA, "--!>"
 * closes a comment and "-- >" no longer does, "</script" must be followed by whitespace, / or >,
 * \v and non-ASCII spaces stop separating attributes, and 3.14.1 added xmp, iframe, noembed
 * and noframes as raw text. That reading is still moving (CPython's main branch now tracks
 * foreign content), and we cannot check it against a real interpreter here, so we follow the
 * long-stable one; a page on which the two differ is one pip itself reads two ways, and the
 * hash check still fails closed. The rules are written out from the regular expressions of
 * Lib/html/parser.py (tagfind_tolerant, attrfind_tolerant, locatestarttagend_tolerant) and
 * Lib/_markupbase.py, as scans that each look at a character a bounded number of times: the
 * whole page is read in linear time.
 */
import { LEGACY, NAMED } from './html-entities.js';

export interface HtmlAnchor {
  /** dict(attrs): names lowercased, values decoded, the last duplicate wins; valueless is null. */
  attributes: ReadonlyMap<string, string | null>;
  /** The text up to </a> (pip ignores it; kept for messages). */
  text: string;
}

export interface HtmlPage {
  anchors: HtmlAnchor[];
  /** The href of the first `<base>` whose first href has a value, decoded ("" counts). */
  baseHref: string | undefined;
  /** `<meta name=... content=...>` pairs, names lowercased. */
  meta: ReadonlyMap<string, string>;
  /** Set when Python's parser raises on this page: pip then cannot read it at all. */
  unreadable?: string;
}

type Attr = [name: string, value: string | null];

/** Python's `\s` and str.isspace() (the same set, checked over every code point). */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const SQUOTE = 0x27;
const DQUOTE = 0x22;

/** Where `[^\t\n\r\f />\x00]*` (a tag name after its first letter) stops. */
function tagNameEnd(s: string, p: number): number {
  const n = s.length;
  while (p < n) {
    const c = s.charCodeAt(p);
    if (c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0x20 || c === SLASH || c === GT || c === 0) break;
    p++;
  }
  return p;
}

class Reader {
  readonly anchors: HtmlAnchor[] = [];
  readonly meta = new Map<string, string>();
  baseHref: string | undefined;
  unreadable: string | undefined;
  private readonly n: number;
  /** Inside script or style (CDATA_CONTENT_ELEMENTS): only the matching end tag is markup. */
  private cdata: string | undefined;
  private open: { anchor: { attributes: Map<string, string | null>; text: string }; chunks: string[] } | undefined;
  /** The last ' and " of the page: a search for a closing quote past them is answered at once. */
  private readonly lastQuote: Record<number, number>;

  constructor(private readonly s: string) {
    this.n = s.length;
    this.lastQuote = { [SQUOTE]: s.lastIndexOf("'"), [DQUOTE]: s.lastIndexOf('"') };
  }

  /** HTMLParser.goahead(0): what one feed() of the whole page does. */
  read(): void {
    const s = this.s;
    const n = this.n;
    let i = 0;
    while (i < n) {
      let j: number;
      if (this.cdata === undefined) {
        j = s.indexOf('<', i);
        if (j < 0) {
          // Text that may end in a cut character reference waits for more input, which never comes.
          const amp = s.lastIndexOf('&', n - 1);
          if (amp >= Math.max(i, n - 34) && !this.hasSpaceOrSemicolon(amp)) break;
          j = n;
        }
      } else {
        j = this.findCdataEnd(i, this.cdata);
        if (j < 0) break;
      }
      if (i < j) this.data(i, j);
      i = j;
      if (i === n) break;
      const next = i + 1 < n ? s.charCodeAt(i + 1) : -1;
      let k: number;
      if (isAsciiLetter(next)) k = this.parseStartTag(i);
      else if (next === SLASH) k = this.parseEndTag(i);
      else if (s.startsWith('<!--', i)) k = this.parseComment(i);
      else if (next === 0x3f /* ? */) k = this.findGt(i + 2);
      else if (next === 0x21 /* ! */) k = this.parseDeclaration(i);
      else if (i + 1 < n) {
        this.data(i, i + 1);
        k = i + 1;
      } else break;
      if (k < 0) break;
      i = k;
    }
    this.closeAnchor();
  }

  private hasSpaceOrSemicolon(from: number): boolean {
    for (let p = from; p < this.n; p++) {
      const c = this.s.charCodeAt(p);
      if (c === 0x3b || isSpace(c)) return true;
    }
    return false;
  }

  private findGt(from: number): number {
    const gt = this.s.indexOf('>', from);
    return gt < 0 ? -1 : gt + 1;
  }

  private skipSpace(p: number): number {
    while (p < this.n && isSpace(this.s.charCodeAt(p))) p++;
    return p;
  }

  /** `(?:\s|/(?!>))*` */
  private skipSeparators(p: number): number {
    const s = this.s;
    while (p < this.n) {
      const c = s.charCodeAt(p);
      if (isSpace(c) || (c === SLASH && s.charCodeAt(p + 1) !== GT)) p++;
      else break;
    }
    return p;
  }

  /** handle_data: text is unescaped, raw text and the text of a junk tag are not. */
  private data(from: number, to: number, raw = this.cdata !== undefined): void {
    if (this.open) this.open.chunks.push(raw ? this.s.slice(from, to) : unescape(this.s.slice(from, to)));
  }

  /**
   * The next `</\s*NAME\s*>` (interesting in CDATA mode). Python matches NAME ignoring Unicode
   * case, so `</ſcript>` matches too; but such an end tag fails endtagfind and is passed on as
   * text, so only the ASCII spellings end the element, and only they are looked for.
   */
  private findCdataEnd(from: number, name: string): number {
    const s = this.s;
    let p = from;
    for (;;) {
      const k = s.indexOf('</', p);
      if (k < 0) return -1;
      let q = this.skipSpace(k + 2);
      let matched = q + name.length <= this.n;
      for (let m = 0; matched && m < name.length; m++) {
        if ((s.charCodeAt(q + m) | 0x20) !== name.charCodeAt(m)) matched = false;
      }
      if (matched) {
        q = this.skipSpace(q + name.length);
        if (s.charCodeAt(q) === GT) return k;
      }
      p = k + 1;
    }
  }

  /** _markupbase.parse_comment: ends at `--\s*>`; unclosed, the rest of the page is dropped. */
  private parseComment(i: number): number {
    const s = this.s;
    let p = i + 4;
    for (;;) {
      const k = s.indexOf('--', p);
      if (k < 0) return -1;
      const q = this.skipSpace(k + 2);
      if (s.charCodeAt(q) === GT) return q + 1;
      p = k + 1;
    }
  }

  /** parse_html_declaration: `<![` marked sections, doctype, and bogus comments. */
  private parseDeclaration(i: number): number {
    const s = this.s;
    if (s.startsWith('<![', i)) return this.parseMarkedSection(i);
    if (s.slice(i, i + 9).toLowerCase() === '<!doctype') return this.findGt(i + 9);
    return this.findGt(i + 2);
  }

  /** _markupbase.parse_marked_section; its AssertionErrors stop pip on the page. */
  private parseMarkedSection(i: number): number {
    const s = this.s;
    const start = i + 3;
    if (start === this.n) return -1;
    if (!isAsciiLetter(s.charCodeAt(start))) return this.fail(i, 'a "<![" not followed by a name');
    let e = start + 1;
    while (e < this.n && /[-_.a-zA-Z0-9]/.test(s[e] ?? '')) e++;
    if (this.skipSpace(e) === this.n) return -1;
    const name = s.slice(start, e).toLowerCase();
    let twoBrackets: boolean;
    if (name === 'temp' || name === 'cdata' || name === 'ignore' || name === 'include' || name === 'rcdata') twoBrackets = true;
    else if (name === 'if' || name === 'else' || name === 'endif') twoBrackets = false;
    else return this.fail(i, `an unknown marked section "<![${name}"`);
    // `]\s*]\s*>` or `]\s*>`
    let p = start;
    for (;;) {
      const k = s.indexOf(']', p);
      if (k < 0) return -1;
      let q = this.skipSpace(k + 1);
      if (twoBrackets) {
        if (s.charCodeAt(q) === 0x5d) {
          q = this.skipSpace(q + 1);
          if (s.charCodeAt(q) === GT) return q + 1;
        }
      } else if (s.charCodeAt(q) === GT) return q + 1;
      p = k + 1;
    }
  }

  private fail(at: number, what: string): number {
    this.unreadable = `Python's HTML parser stops with an error at ${what} (character ${at})`;
    return -1;
  }

  /**
   * attrfind_tolerant at p: `((?<=['"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*(VALUE))?(?:\s|/(?!>))*`,
   * VALUE = `'[^']*'|"[^"]*"|(?!['"])[^>\s]*`, with the regex engine's backtracking written out:
   * a quote that never closes makes it give back the blank after the `=` (an empty value), or
   * one of several `=` (a bare value that starts with `=`), or the whole value.
   */
  private attribute(p: number): { name: string; raw: string | null; end: number } | undefined {
    const s = this.s;
    const n = this.n;
    if (p >= n) return undefined;
    const before = s.charCodeAt(p - 1);
    if (!(before === SQUOTE || before === DQUOTE || before === SLASH || isSpace(before))) return undefined;
    const first = s.charCodeAt(p);
    if (first === SLASH || first === GT || isSpace(first)) return undefined;
    let e = p + 1;
    while (e < n) {
      const c = s.charCodeAt(e);
      if (c === SLASH || c === EQUALS || c === GT || isSpace(c)) break;
      e++;
    }
    const name = s.slice(p, e);
    let raw: string | null = null;
    let end = e;
    const q = this.skipSpace(e);
    if (s.charCodeAt(q) === EQUALS) {
      let r = q;
      while (s.charCodeAt(r) === EQUALS) r++;
      const v = this.skipSpace(r);
      const c = s.charCodeAt(v);
      if (c === SQUOTE || c === DQUOTE) {
        const close = v + 1 > this.lastQuote[c]! ? -1 : s.indexOf(c === SQUOTE ? "'" : '"', v + 1);
        if (close >= 0) {
          raw = s.slice(v, close + 1);
          end = close + 1;
        } else if (v > r) {
          raw = '';
          end = v - 1;
        } else if (r - q >= 2) {
          end = this.bareValueEnd(r - 1);
          raw = s.slice(r - 1, end);
        }
      } else {
        end = this.bareValueEnd(v);
        raw = s.slice(v, end);
      }
    }
    return { name, raw, end: this.skipSeparators(end) };
  }

  private bareValueEnd(p: number): number {
    while (p < this.n) {
      const c = this.s.charCodeAt(p);
      if (c === GT || isSpace(c)) break;
      p++;
    }
    return p;
  }

  /** check_for_whole_start_tag, with locatestarttagend_tolerant: the tag's end, or -1. */
  private startTagEnd(i: number): number {
    const s = this.s;
    let p = tagNameEnd(s, i + 1);
    while (p < this.n && (isSpace(s.charCodeAt(p)) || s.charCodeAt(p) === SLASH)) p++;
    for (let a = this.attribute(p); a; a = this.attribute(p)) p = a.end;
    const j = this.skipSpace(p);
    if (j >= this.n) return -1;
    const c = s.charCodeAt(j);
    if (c === GT) return j + 1;
    if (c === SLASH) return s.charCodeAt(j + 1) === GT ? j + 2 : -1;
    if (isAsciiLetter(c) || c === EQUALS) return -1;
    return j;
  }

  /** parse_starttag */
  private parseStartTag(i: number): number {
    const s = this.s;
    const endpos = this.startTagEnd(i);
    if (endpos < 0) return -1;
    const nameEnd = tagNameEnd(s, i + 1);
    const tag = s.slice(i + 1, nameEnd).toLowerCase();
    let k = this.skipSeparators(nameEnd);
    const attrs: Attr[] = [];
    while (k < endpos) {
      const a = this.attribute(k);
      if (!a) break;
      let value = a.raw;
      if (value !== null && value.length >= 2 && (value[0] === "'" || value[0] === '"') && value[value.length - 1] === value[0]) value = value.slice(1, -1);
      if (value) value = unescape(value);
      attrs.push([a.name.toLowerCase(), value]);
      k = a.end;
    }
    // What is left must be ">" or "/>" once Python's strip() has taken the blanks off.
    let from = k;
    let to = endpos;
    while (from < to && isSpace(s.charCodeAt(from))) from++;
    while (to > from && isSpace(s.charCodeAt(to - 1))) to--;
    const selfClosing = to - from === 2 && s.charCodeAt(from) === SLASH && s.charCodeAt(from + 1) === GT;
    if (!selfClosing && !(to - from === 1 && s.charCodeAt(from) === GT)) {
      // Junk in the tag: the whole of it is text.
      this.data(i, endpos, true);
      return endpos;
    }
    this.startTag(tag, attrs);
    if (selfClosing) this.endTag(tag);
    else if (tag === 'script' || tag === 'style') this.cdata = tag;
    return endpos;
  }

  /** parse_endtag */
  private parseEndTag(i: number): number {
    const s = this.s;
    const gt = s.indexOf('>', i + 1);
    if (gt < 0) return -1;
    const gtpos = gt + 1;
    // endtagfind: `</\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>`
    const nameStart = this.skipSpace(i + 2);
    let elem: string | undefined;
    if (isAsciiLetter(s.charCodeAt(nameStart))) {
      let e = nameStart + 1;
      while (e < this.n && /[-.a-zA-Z0-9:_]/.test(s[e] ?? '')) e++;
      if (this.skipSpace(e) === gt) elem = s.slice(nameStart, e).toLowerCase();
    }
    if (elem === undefined) {
      if (this.cdata !== undefined) {
        this.data(i, gtpos);
        return gtpos;
      }
      if (!isAsciiLetter(s.charCodeAt(i + 2))) return s.startsWith('</>', i) ? i + 3 : this.findGt(i + 2);
      const nameEnd = tagNameEnd(s, i + 2);
      this.endTag(s.slice(i + 2, nameEnd).toLowerCase());
      return this.findGt(this.skipSeparators(nameEnd));
    }
    if (this.cdata !== undefined && elem !== this.cdata) {
      this.data(i, gtpos);
      return gtpos;
    }
    this.endTag(elem);
    this.cdata = undefined;
    return gtpos;
  }

  private startTag(tag: string, attrs: readonly Attr[]): void {
    if (tag === 'a') {
      this.closeAnchor();
      const anchor = { attributes: new Map(attrs), text: '' };
      this.anchors.push(anchor);
      this.open = { anchor, chunks: [] };
    } else if (tag === 'base' && this.baseHref === undefined) {
      const href = attrs.find(([name]) => name === 'href');
      if (href !== undefined && href[1] !== null) this.baseHref = href[1];
    } else if (tag === 'meta') {
      const dict = new Map(attrs);
      const name = dict.get('name');
      const content = dict.get('content');
      if (name && content !== undefined && content !== null) this.meta.set(name.toLowerCase(), content);
    }
  }

  private endTag(tag: string): void {
    if (tag === 'a') this.closeAnchor();
  }

  private closeAnchor(): void {
    if (!this.open) return;
    this.open.anchor.text = this.open.chunks.join('').trim();
    this.open = undefined;
  }
}

export function parseHtml(html: string): HtmlPage {
  const reader = new Reader(html);
  reader.read();
  const page: HtmlPage = { anchors: reader.anchors, baseHref: reader.baseHref, meta: reader.meta };
  if (reader.unreadable !== undefined) page.unreadable = reader.unreadable;
  return page;
}

// html.unescape: every HTML5 named reference (with the legacy names that may go without ';'
// and, failing a whole name, the longest legacy prefix), and numeric ones with HTML5's fixes.
const NAMED_MAP = new Map(Object.entries(NAMED));
const LEGACY_SET = new Set(LEGACY);
const CHARREF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

/** Numeric references HTML5 maps to another character (mostly windows-1252 in 0x80-0x9F). */
const INVALID_CHARREFS = new Map<number, string>([
  [0x00, '\ufffd'], [0x0d, '\r'], [0x80, '\u20ac'], [0x81, '\x81'], [0x82, '\u201a'], [0x83, '\u0192'], [0x84, '\u201e'],
  [0x85, '\u2026'], [0x86, '\u2020'], [0x87, '\u2021'], [0x88, '\u02c6'], [0x89, '\u2030'], [0x8a, '\u0160'], [0x8b, '\u2039'],
  [0x8c, '\u0152'], [0x8d, '\x8d'], [0x8e, '\u017d'], [0x8f, '\x8f'], [0x90, '\x90'], [0x91, '\u2018'], [0x92, '\u2019'],
  [0x93, '\u201c'], [0x94, '\u201d'], [0x95, '\u2022'], [0x96, '\u2013'], [0x97, '\u2014'], [0x98, '\u02dc'], [0x99, '\u2122'],
  [0x9a, '\u0161'], [0x9b, '\u203a'], [0x9c, '\u0153'], [0x9d, '\x9d'], [0x9e, '\u017e'], [0x9f, '\u0178'],
]);

/** Numeric references that decode to nothing: controls, noncharacters. */
function isInvalidCodepoint(c: number): boolean {
  return (
    (c >= 0x1 && c <= 0x8) || c === 0xb || (c >= 0xe && c <= 0x1f) || (c >= 0x7f && c <= 0x9f) || (c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) === 0xfffe
  );
}

function replaceCharref(_whole: string, ref: string): string {
  if (ref[0] === '#') {
    const hex = ref[1] === 'x' || ref[1] === 'X';
    const digits = ref.slice(hex ? 2 : 1).replace(/;$/, '');
    const num = parseInt(digits, hex ? 16 : 10);
    const mapped = INVALID_CHARREFS.get(num);
    if (mapped !== undefined) return mapped;
    if ((num >= 0xd800 && num <= 0xdfff) || !(num <= 0x10ffff)) return '\ufffd';
    if (isInvalidCodepoint(num)) return '';
    return String.fromCodePoint(num);
  }
  const whole = ref.endsWith(';') ? NAMED_MAP.get(ref.slice(0, -1)) : LEGACY_SET.has(ref) ? NAMED_MAP.get(ref) : undefined;
  if (whole !== undefined) return whole;
  for (let x = ref.length - 1; x > 1; x--) {
    const prefix = ref.slice(0, x);
    if (LEGACY_SET.has(prefix)) return (NAMED_MAP.get(prefix) ?? '') + ref.slice(x);
  }
  return '&' + ref;
}

/** Python's html.unescape. */
export function unescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(CHARREF, replaceCharref);
}

/** Character references in text decoded as pip's parser decodes them (html.unescape). */
export const decodeEntities = unescape;
