/** The library API: what the CLI uses, for programs that want to lock or check without a shell. */
export { lock, DEFAULT_INDEX_URL } from './api/lock.js';
export type { LockOptions, LockResult, LockEvents } from './api/lock.js';
export { check } from './api/check.js';
export type { CheckOptions, CheckResult, Finding, FindingKind } from './api/check.js';
export type { IndexDisagreement } from './api/index-trust.js';
export type { PinChange } from './api/changes.js';
export { LOCK_FLAGS } from './api/lock-flags.js';
export type { LockFlag } from './api/lock-flags.js';
export { VERSION } from './api/version.js';

// Errors: every one a user may see is a PinHashesError; `code` is one of ErrorCode.
export { PinHashesError, ParseError } from './errors.js';
export type { ErrorCode, ExitCode } from './errors.js';
export { HttpError } from './http/errors.js';
export { DigestMismatchError } from './download/hashing.js';
export { MetadataMismatchError } from './metadata/cross-check.js';
export { MetadataError } from './metadata/ladder.js';
export { ZipError } from './metadata/zip.js';
export { PageError } from './package-index/pages.js';
export { NoSolutionError } from './resolver/explain.js';
export { ProvenancePolicyError } from './provenance/policy.js';

export { renderRequirementsTxt } from './lock/requirements-txt.js';
export { renderPylock } from './lock/pylock.js';
export { renderLock } from './lock/render.js';
export type { LockFormat } from './lock/render.js';
export type { Lock, LockedPackage, LockedFile, LockHeader } from './lock/model.js';
export type { Pin } from './pin.js';
export type { Publisher } from './provenance/publisher.js';
export type { PackageProvenance } from './provenance/record.js';
export type { FileProvenance } from './provenance/file-provenance.js';
