/**
 * The in-toto statement inside a verified DSSE envelope, checked as pypi-attestations and PyPI
 * check it (ATTESTATIONS.md 1.3): in-toto v1, exactly one subject, whose filename equals the
 * file's after parsing (name, version, build and tag set: tag order and spelling do not matter)
 * and whose sha256 equals the digest we computed; a known predicate type.
 */
import { parseSdistFilename, parseWheelFilename, tagToString } from '../pep/filenames.js';

export const PUBLISH_V1 = 'https://docs.pypi.org/attestations/publish/v1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
const KNOWN_PREDICATES: readonly string[] = [PUBLISH_V1, SLSA_PROVENANCE_V1];
const IN_TOTO_V1 = 'https://in-toto.io/Statement/v1';

export type StatementProblem = { reason: 'statement' | 'subject-name' | 'subject-digest' | 'predicate'; detail: string };

/** The predicate type, or why the statement does not attest to this file. */
export function checkStatement(payload: Buffer, file: { filename: string; sha256: string }): { predicateType: string } | StatementProblem {
  let statement: unknown;
  try {
    statement = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return { reason: 'statement', detail: 'the signed statement is not UTF-8 JSON' };
  }
  if (!isObject(statement) || statement['_type'] !== IN_TOTO_V1) return { reason: 'statement', detail: `the signed statement is not an in-toto v1 statement` };
  const subjects = statement['subject'];
  if (!Array.isArray(subjects) || subjects.length !== 1) {
    return { reason: 'statement', detail: `the statement must have exactly one subject, it has ${Array.isArray(subjects) ? subjects.length : 'none'}` };
  }
  const subject: unknown = subjects[0];
  const name = isObject(subject) ? subject['name'] : undefined;
  const digest = isObject(subject) && isObject(subject['digest']) ? subject['digest']['sha256'] : undefined;
  if (typeof name !== 'string' || !sameDistribution(name, file.filename)) {
    return { reason: 'subject-name', detail: `it attests to ${JSON.stringify(typeof name === 'string' ? name.slice(0, 200) : name ?? null)}, not to ${file.filename}` };
  }
  if (typeof digest !== 'string' || digest.toLowerCase() !== file.sha256) {
    return { reason: 'subject-digest', detail: `it attests to sha256 ${typeof digest === 'string' ? digest.slice(0, 64) : '(none)'}, but the downloaded file has ${file.sha256}` };
  }
  const predicateType = statement['predicateType'];
  if (typeof predicateType !== 'string' || !KNOWN_PREDICATES.includes(predicateType)) {
    return { reason: 'predicate', detail: `unknown predicate type ${JSON.stringify(typeof predicateType === 'string' ? predicateType.slice(0, 200) : null)}` };
  }
  const predicate = statement['predicate'];
  if (predicateType === PUBLISH_V1 && !(predicate === null || predicate === undefined || (isObject(predicate) && Object.keys(predicate).length === 0))) {
    return { reason: 'predicate', detail: 'a publish/v1 attestation must have an empty predicate' };
  }
  return { predicateType };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parsed equality of two distribution filenames; anything unparsable is unequal. */
export function sameDistribution(a: string, b: string): boolean {
  try {
    if (a.endsWith('.whl') !== b.endsWith('.whl')) return false;
    if (a.endsWith('.whl')) {
      const x = parseWheelFilename(a);
      const y = parseWheelFilename(b);
      const tags = (w: typeof x): string => [...new Set(w.tags.map(tagToString))].sort().join(' ');
      const build = (w: typeof x): string => (w.build === null ? '' : `${w.build[0]}${w.build[1]}`);
      return x.name === y.name && x.version.equals(y.version) && build(x) === build(y) && tags(x) === tags(y);
    }
    const x = parseSdistFilename(a);
    const y = parseSdistFilename(b);
    return x.name === y.name && x.version.equals(y.version);
  } catch {
    return false;
  }
}
