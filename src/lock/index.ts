export { renderRequirementsTxt } from './requirements-txt.js';
export type { Lock, LockedFile, LockedPackage, LockHeader } from './model.js';
export { writeIfChanged } from './write.js';
export { lockedDirectUrl } from './direct-url.js';
export type { WriteOutcome } from './write.js';
