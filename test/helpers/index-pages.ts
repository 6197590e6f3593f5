// Pure rendering of Simple Repository API pages (PEP 503 HTML, PEP 691 JSON) and PEP 691
// content negotiation, kept apart from the HTTP server so both can be read and tested alone.

export const MEDIA_JSON = 'application/vnd.pypi.simple.v1+json';
export const MEDIA_HTML_V1 = 'application/vnd.pypi.simple.v1+html';
export const MEDIA_TEXT_HTML = 'text/html';

export type PageMediaType = typeof MEDIA_JSON | typeof MEDIA_HTML_V1 | typeof MEDIA_TEXT_HTML;

/** The Content-Type header sent for each media type (text/* carries a charset, as PyPI's does). */
export function contentTypeHeader(media: PageMediaType): string {
  return media === MEDIA_TEXT_HTML ? 'text/html; charset=utf-8' : media;
}

// PyPI's offer order (warehouse/api/simple.py): equal q values fall back to this order, which is
// why a bare `*/*` or a missing Accept header yields text/html.
const OFFERS: readonly PageMediaType[] = [MEDIA_TEXT_HTML, MEDIA_HTML_V1, MEDIA_JSON];

// PEP 691 lets clients ask for the `latest` pseudo-version; the reply names the real one.
const ALIASES: Readonly<Record<string, PageMediaType>> = {
  'application/vnd.pypi.simple.latest+json': MEDIA_JSON,
  'application/vnd.pypi.simple.latest+html': MEDIA_HTML_V1,
};

interface AcceptRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): AcceptRange[] {
  const ranges: AcceptRange[] = [];
  for (const part of header.split(',')) {
    const [mediaRaw, ...params] = part.split(';');
    const media = (mediaRaw ?? '').trim().toLowerCase();
    const slash = media.indexOf('/');
    if (slash <= 0 || slash === media.length - 1) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=').map((s) => s.trim());
      if (key?.toLowerCase() === 'q' && value !== undefined) {
        const parsed = Number(value);
        if (Number.isFinite(parsed) && parsed >= 0 && parsed <= 1) q = parsed;
      }
    }
    ranges.push({ type: media.slice(0, slash), subtype: media.slice(slash + 1), q });
  }
  return ranges;
}

function specificity(range: AcceptRange, offer: PageMediaType): number {
  const full = `${range.type}/${range.subtype}`;
  if (full === offer || ALIASES[full] === offer) return 3;
  const [type] = offer.split('/');
  if (range.subtype === '*' && range.type === type) return 2;
  if (range.type === '*' && range.subtype === '*') return 1;
  return 0;
}

/**
 * Picks the page format for an Accept header as PyPI does: the most specific matching range
 * gives each offer its q; highest q wins, ties go to offer order; undefined when nothing is
 * acceptable (PyPI then serves text/html).
 */
export function negotiate(accept: string | undefined): PageMediaType | undefined {
  if (accept === undefined || accept.trim() === '') return MEDIA_TEXT_HTML;
  const ranges = parseAccept(accept);
  let best: { media: PageMediaType; q: number } | undefined;
  for (const offer of OFFERS) {
    let bestSpecificity = 0;
    let q = 0;
    for (const range of ranges) {
      const s = specificity(range, offer);
      if (s > bestSpecificity || (s === bestSpecificity && s > 0 && range.q > q)) {
        bestSpecificity = s;
        q = range.q;
      }
    }
    if (bestSpecificity > 0 && q > 0 && (best === undefined || q > best.q)) best = { media: offer, q };
  }
  return best?.media;
}

/** What a project page says about one file. */
export interface PageFile {
  filename: string;
  /** Absolute or relative URL, without fragment. */
  url: string;
  hashes: Record<string, string>;
  requiresPython: string | undefined;
  yanked: boolean | string;
  size: number;
  uploadTime: string | undefined;
  /** false = no .metadata file; true = exists, no digest; a map = exists with these digests. */
  coreMetadata: boolean | Record<string, string>;
  /** PEP 740 provenance URL, or null. */
  provenance: string | null;
}

export interface ProjectPage {
  /** Normalized name. */
  name: string;
  displayName: string;
  files: PageFile[];
  versions: string[];
  apiVersion: string;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function htmlAnchor(file: PageFile): string {
  const [firstHash] = Object.entries(file.hashes);
  const fragment = firstHash === undefined ? '' : `#${firstHash[0]}=${firstHash[1]}`;
  const attrs = [`href="${escapeHtml(file.url + fragment)}"`];
  if (file.requiresPython !== undefined) attrs.push(`data-requires-python="${escapeHtml(file.requiresPython)}"`);
  if (file.yanked !== false) attrs.push(`data-yanked="${escapeHtml(file.yanked === true ? '' : file.yanked)}"`);
  if (file.coreMetadata !== false) {
    const [metaHash] = file.coreMetadata === true ? [] : Object.entries(file.coreMetadata);
    const value = metaHash === undefined ? 'true' : `${metaHash[0]}=${metaHash[1]}`;
    // PyPI writes both names: the PEP 658 one for old clients, the PEP 714 one for new.
    attrs.push(`data-dist-info-metadata="${escapeHtml(value)}"`, `data-core-metadata="${escapeHtml(value)}"`);
  }
  // As PyPI: the attribute is left out when the file has no provenance.
  if (file.provenance !== null) attrs.push(`data-provenance="${escapeHtml(file.provenance)}"`);
  return `    <a ${attrs.join(' ')}>${escapeHtml(file.filename)}</a><br />`;
}

export function renderHtmlProjectPage(page: ProjectPage): string {
  return [
    '<!DOCTYPE html>',
    '<html>',
    '  <head>',
    `    <meta name="pypi:repository-version" content="${escapeHtml(page.apiVersion)}">`,
    `    <title>Links for ${escapeHtml(page.displayName)}</title>`,
    '  </head>',
    '  <body>',
    `    <h1>Links for ${escapeHtml(page.displayName)}</h1>`,
    ...page.files.map(htmlAnchor),
    '  </body>',
    '</html>',
    '',
  ].join('\n');
}

export function renderJsonProjectPage(page: ProjectPage): string {
  return JSON.stringify({
    meta: { 'api-version': page.apiVersion },
    name: page.name,
    versions: page.versions,
    files: page.files.map((file) => {
      const entry: Record<string, unknown> = {
        filename: file.filename,
        url: file.url,
        hashes: file.hashes,
      };
      if (file.requiresPython !== undefined) entry['requires-python'] = file.requiresPython;
      entry['yanked'] = file.yanked === '' ? true : file.yanked;
      entry['size'] = file.size;
      if (file.uploadTime !== undefined) entry['upload-time'] = file.uploadTime;
      entry['core-metadata'] = file.coreMetadata;
      entry['dist-info-metadata'] = file.coreMetadata;
      entry['provenance'] = file.provenance;
      return entry;
    }),
  });
}

export interface ProjectListEntry {
  name: string;
  url: string;
}

export function renderHtmlProjectList(projects: readonly ProjectListEntry[], apiVersion: string): string {
  return [
    '<!DOCTYPE html>',
    '<html>',
    '  <head>',
    `    <meta name="pypi:repository-version" content="${escapeHtml(apiVersion)}">`,
    '    <title>Simple index</title>',
    '  </head>',
    '  <body>',
    ...projects.map((p) => `    <a href="${escapeHtml(p.url)}">${escapeHtml(p.name)}</a>`),
    '  </body>',
    '</html>',
    '',
  ].join('\n');
}

export function renderJsonProjectList(projects: readonly ProjectListEntry[], apiVersion: string): string {
  return JSON.stringify({ meta: { 'api-version': apiVersion }, projects: projects.map((p) => ({ name: p.name })) });
}

const SDIST_SUFFIXES = ['.tar.gz', '.tgz', '.tar.bz2', '.tbz', '.tar.xz', '.txz', '.tar', '.zip'];

/** Best-effort version from a filename, for the JSON `versions` list. */
export function versionFromFilename(filename: string): string | undefined {
  if (filename.endsWith('.whl')) return filename.split('-')[1];
  const suffix = SDIST_SUFFIXES.find((s) => filename.toLowerCase().endsWith(s));
  if (suffix === undefined) return undefined;
  const stem = filename.slice(0, -suffix.length);
  const dash = stem.lastIndexOf('-');
  return dash === -1 ? undefined : stem.slice(dash + 1);
}

/** Path from a page's directory to a target path, e.g. /simple/a/ -> /files/x = ../../files/x. */
export function relativePath(fromDir: string, toPath: string): string {
  const from = fromDir.split('/').filter((s) => s !== '');
  const to = toPath.split('/').filter((s) => s !== '');
  let common = 0;
  // The last target segment is a file name, never a shared directory.
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  return '../'.repeat(from.length - common) + to.slice(common).join('/');
}
