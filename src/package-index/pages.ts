/**
 * Reading a project page in either form of the Simple Repository API into RawLinks. The form is
 * chosen from the response's Content-Type, never from what we asked for (PEP 691). Relative URLs
 * resolve against the final URL after redirects, or the page's `<base href>`.
 */
import * as z from 'zod';
import { PinHashesError } from '../errors.js';
import { redactUrl } from '../http/redact.js';
import { parseHtml, type HtmlAnchor } from './html.js';
import { decodeHtmlPage, decodeJsonPage } from './page-encoding.js';
import type { RawLink } from './links.js';

export const SIMPLE_ACCEPT =
  'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.1, text/html;q=0.01';

export type PageFormat = 'json' | 'html';

/** The page format from a Content-Type header, or undefined when it is neither. */
export function pageFormat(contentType: string): PageFormat | undefined {
  const media = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (media === 'application/vnd.pypi.simple.v1+json' || media === 'application/vnd.pypi.simple.latest+json') return 'json';
  if (media === 'application/vnd.pypi.simple.v1+html' || media === 'text/html' || media === 'application/vnd.pypi.simple.latest+html')
    return 'html';
  return undefined;
}

export class PageError extends PinHashesError {
  constructor(url: string, problem: string, hint?: string) {
    super('BAD_INDEX_PAGE', `The index page ${redactUrl(url)} ${problem}`, {
      exitCode: 2,
      hint: hint ?? 'Check that the URL points at a PEP 503/691 simple index (it usually ends in /simple/).',
    });
  }
}

/** The links of a page as received: decoded as pip decodes it (page-encoding.ts), then parsed. */
export function readProjectPage(bytes: Uint8Array, contentType: string, format: PageFormat, pageUrl: string): RawLink[] {
  const text = pageText(bytes, contentType, format, pageUrl);
  return format === 'json' ? parseJsonPage(text, pageUrl) : parseHtmlPage(text, pageUrl);
}

/** The text of a page, or a PageError when pip could not decode it either. */
export function pageText(bytes: Uint8Array, contentType: string, format: PageFormat, pageUrl: string): string {
  const decoded = format === 'json' ? decodeJsonPage(bytes) : decodeHtmlPage(bytes, contentType);
  if (!decoded.ok) {
    throw new PageError(
      pageUrl,
      `could not be decoded: it ${decoded.problem}`,
      'pip cannot read this page either; ask the index to serve it in UTF-8 (or to name its real charset in Content-Type).',
    );
  }
  return decoded.text;
}

function checkApiVersion(version: string | undefined, pageUrl: string): void {
  if (version === undefined) return;
  const major = Number(version.split('.')[0]);
  if (!Number.isInteger(major)) throw new PageError(pageUrl, `declares an unreadable API version "${version}"`);
  if (major > 1) throw new PageError(pageUrl, `uses API version ${version}; pin-hashes reads version 1`, 'Upgrade pin-hashes.');
}

export function parseHtmlPage(body: string, pageUrl: string): RawLink[] {
  const page = parseHtml(body);
  if (page.unreadable !== undefined) {
    throw new PageError(pageUrl, `cannot be read by pip: ${page.unreadable}`, 'Ask the index to fix the page; pip stops on it too.');
  }
  checkApiVersion(page.meta.get('pypi:repository-version'), pageUrl);
  let base = pageUrl;
  if (page.baseHref !== undefined) {
    try {
      base = new URL(page.baseHref, pageUrl).toString();
    } catch {
      // An unusable <base href> is ignored, as browsers do.
    }
  }
  const links: RawLink[] = [];
  for (const anchor of page.anchors) {
    const link = anchorToLink(anchor, base);
    if (link) links.push(link);
  }
  return links;
}

function anchorToLink(anchor: HtmlAnchor, base: string): RawLink | undefined {
  const href = anchor.attributes.get('href');
  if (!href) return undefined;
  let url: string;
  try {
    url = new URL(href, base).toString();
  } catch {
    return undefined;
  }
  const yanked = anchor.attributes.has('data-yanked')
    ? { reason: anchor.attributes.get('data-yanked') ?? '' }
    : false;
  // As pip: a valueless data-core-metadata counts as absent, and the PEP 658 name is read.
  const metadataAttr = anchor.attributes.get('data-core-metadata') ?? anchor.attributes.get('data-dist-info-metadata');
  return {
    url,
    requiresPython: anchor.attributes.get('data-requires-python') ?? undefined,
    yanked,
    coreMetadata: htmlMetadataFlag(metadataAttr),
    provenance: provenanceUrl(anchor.attributes.get('data-provenance'), base),
  };
}

/**
 * PEP 740 gives an absolute URL; a relative one is resolved as any link. Only http(s), unless the
 * page itself is a local file: a remote index must not make us read local files (it would learn
 * from the outcome whether they exist). An unusable URL is no provenance.
 */
function provenanceUrl(value: string | null | undefined, base: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  try {
    const url = new URL(value, base);
    const local = base.startsWith('file:');
    if (url.protocol !== 'http:' && url.protocol !== 'https:' && !(local && url.protocol === 'file:')) return null;
    return url.toString();
  } catch {
    return null;
  }
}

function htmlMetadataFlag(value: string | null | undefined): boolean | Record<string, string> {
  if (value === undefined || value === null) return false;
  if (value === 'true') return true;
  const eq = value.indexOf('=');
  if (eq <= 0) return true;
  return { [value.slice(0, eq).toLowerCase()]: value.slice(eq + 1).toLowerCase() };
}

/** The PEP 691 schema, built on first use: building zod schemas is start-up time, before the first request. */
function makeJsonProjectPage() {
  const MetadataFlag = z.union([z.boolean(), z.record(z.string(), z.string())]);

  const JsonFile = z.object({
    filename: z.string().min(1),
    url: z.string().min(1),
    // PEP 691 makes `hashes` mandatory; some servers omit it. A missing claim is no claim.
    hashes: z.record(z.string(), z.string()).optional(),
    'requires-python': z.string().nullish(),
    yanked: z.union([z.boolean(), z.string()]).nullish(),
    size: z.number().int().nonnegative().nullish(),
    'core-metadata': MetadataFlag.nullish(),
    'dist-info-metadata': MetadataFlag.nullish(),
    provenance: z.string().nullish(),
    'upload-time': z.string().nullish(),
  });
  return z.object({
    meta: z.object({ 'api-version': z.string() }),
    files: z.array(JsonFile),
  });
}
let jsonProjectPage: ReturnType<typeof makeJsonProjectPage> | undefined;

export function parseJsonPage(body: string, pageUrl: string): RawLink[] {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    throw new PageError(pageUrl, 'says it is JSON (PEP 691) but does not parse as JSON');
  }
  const parsed = (jsonProjectPage ??= makeJsonProjectPage()).safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : '';
    throw new PageError(pageUrl, `is not a PEP 691 project page (${where ? `${where}: ` : ''}${issue?.message ?? 'wrong shape'})`);
  }
  checkApiVersion(parsed.data.meta['api-version'], pageUrl);
  const links: RawLink[] = [];
  for (const file of parsed.data.files) {
    let url: string;
    try {
      url = new URL(file.url, pageUrl).toString();
    } catch {
      continue;
    }
    const yanked = file.yanked === true ? { reason: '' } : typeof file.yanked === 'string' && file.yanked !== '' ? { reason: file.yanked } : false;
    const metadata = file['core-metadata'] ?? file['dist-info-metadata'] ?? undefined;
    links.push({
      url,
      filename: file.filename,
      hashes: file.hashes,
      size: file.size ?? undefined,
      requiresPython: file['requires-python'] ?? undefined,
      yanked,
      coreMetadata: metadata,
      provenance: provenanceUrl(file.provenance, pageUrl),
      uploadTime: file['upload-time'] ?? null,
    });
  }
  return links;
}
