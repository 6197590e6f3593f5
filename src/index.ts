/** The library API: what the CLI uses, for programs that want to lock without a shell. */
export { lock, DEFAULT_INDEX_URL } from './api/lock.js';
export type { PinChange } from './api/changes.js';
export type { LockOptions, LockResult, LockEvents } from './api/lock.js';
export { VERSION } from './api/version.js';
export { PinHashesError, ParseError } from './errors.js';
export { DigestMismatchError } from './download/hashing.js';
export { renderRequirementsTxt } from './lock/requirements-txt.js';
export type { Lock, LockedPackage, LockedFile, LockHeader } from './lock/model.js';
