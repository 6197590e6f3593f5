/**
 * Atomic output (pnpm's lockfile writer): write a temp file beside the target, fsync, rename.
 * Readers see the old file or the new one, never a torn one, and an interrupted run leaves the
 * old file as it was. Unchanged bytes are not rewritten, so the mtime stays too.
 */
import { open, rename, rm } from 'node:fs/promises';
import { readBoundedText } from '../fs/bounded-read.js';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { trackTemp, untrackTemp } from '../cleanup.js';

export type WriteOutcome = 'unchanged' | 'written';


export async function writeIfChanged(path: string, content: string): Promise<WriteOutcome> {
  const existing = await readBoundedText(path).catch(() => undefined);
  if (existing === content) return 'unchanged';
  const temp = join(dirname(path), `.pin-hashes-tmp-${basename(path)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  trackTemp(temp);
  try {
    const handle = await open(temp, 'w', 0o644);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    untrackTemp(temp);
  }
  return 'written';
}
