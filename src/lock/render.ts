/** The lock formats, one pure renderer each, chosen once per run (api/prepare.ts). */
import type { Lock, LockFormat } from './model.js';
import { renderPylock } from './pylock.js';
import { renderRequirementsTxt } from './requirements-txt.js';

export type { LockFormat };

export function renderLock(lock: Lock, format: LockFormat): string {
  return format === 'pylock' ? renderPylock(lock) : renderRequirementsTxt(lock);
}
