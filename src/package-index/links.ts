/**
 * Turning one link of a page (HTML anchor, JSON file entry, folder entry) into an IndexedFile:
 * the filename decides kind and project, the fragment or `hashes` carry the digest claims.
 */
import type { PackageName } from '../pep/names.js';
import { distKind, parseSdistFilenameFor, parseWheelFilename } from '../pep/filenames.js';
import type { IndexedFile } from './types.js';
import { Version } from '../pep/version.js';

export interface RawLink {
  url: string;
  filename?: string | undefined;
  hashes?: Readonly<Record<string, string>> | undefined;
  size?: number | undefined;
  requiresPython?: string | undefined;
  yanked?: false | { reason: string } | undefined;
  coreMetadata?: boolean | Readonly<Record<string, string>> | undefined;
  /** PEP 740 provenance URL, absolute. */
  provenance?: string | null | undefined;
  /** PEP 700 upload time as the page wrote it. */
  uploadTime?: string | null | undefined;
}

const HASH_FRAGMENT = /[#&](sha512|sha384|sha256|sha224|sha1|md5)=([^&]*)/;

/** The file for `project`, or undefined when the link is not a wheel/sdist of that project. */
export function linkToFile(link: RawLink, project: PackageName, source: string): IndexedFile | undefined {
  const url = new URL(link.url);
  const fragmentHashes: Record<string, string> = {};
  const fragment = HASH_FRAGMENT.exec(url.hash);
  if (fragment?.[1] && fragment[2]) fragmentHashes[fragment[1]] = fragment[2].toLowerCase();
  url.hash = '';
  const filename = link.filename ?? lastSegment(url);
  if (filename === undefined || !isPlainFilename(filename)) return undefined;
  const kind = distKind(filename);
  if (kind === 'other') return undefined;
  if (kind === 'wheel') {
    try {
      if (parseWheelFilename(filename).name !== project) return undefined;
    } catch {
      return undefined;
    }
  } else if (parseSdistFilenameFor(filename, project) === null) {
    return undefined;
  }
  const hashes: Record<string, string> = {};
  for (const [alg, hex] of Object.entries(link.hashes ?? fragmentHashes)) hashes[alg.toLowerCase()] = hex.toLowerCase();
  return {
    project,
    filename,
    url: url.toString(),
    kind,
    hashes,
    size: link.size,
    requiresPython: link.requiresPython,
    yanked: link.yanked ?? false,
    coreMetadata: link.coreMetadata,
    provenance: link.provenance ?? null,
    uploadTime: parseUploadTime(link.uploadTime),
    source,
  };
}

function lastSegment(url: URL): string | undefined {
  const segment = url.pathname.split('/').pop();
  if (!segment) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** A filename is one path segment: no separators, no traversal, no control characters. */
function isPlainFilename(name: string): boolean {
  return name !== '.' && name !== '..' && !/[/\\\x00-\x1f]/.test(name);
}

/** The version a file's name says it holds, or null when the name does not parse as PEP 440. */
export function fileVersion(file: IndexedFile): Version | null {
  if (file.kind === 'wheel') {
    try {
      return parseWheelFilename(file.filename).version;
    } catch {
      return null;
    }
  }
  const parsed = parseSdistFilenameFor(file.filename, file.project);
  return parsed ? Version.tryParse(parsed.version) : null;
}

/** PEP 700: `yyyy-mm-ddThh:mm:ss[.ffffff]Z`, UTC. Anything else is no upload time (not a guess). */
const UPLOAD_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?Z$/;

export function parseUploadTime(text: string | null | undefined): number | null {
  if (typeof text !== 'string') return null;
  const match = UPLOAD_TIME.exec(text);
  if (!match) return null;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) return null;
  // Date.parse rolls 2024-02-30 over to March: such a date is not a date.
  const date = new Date(ms);
  if (date.getUTCDate() !== Number(match[3]) || date.getUTCMonth() + 1 !== Number(match[2]) || date.getUTCHours() !== Number(match[4])) return null;
  return ms;
}
