/**
 * Paths a run must remove if it is interrupted (temp outputs, downloaded copies). The CLI's
 * signal handler removes them synchronously before exiting; so does the process's 'exit' event,
 * which also fires when a bug ends the process with an uncaught error (a crash must not leave
 * copies of downloaded files behind either).
 */
import { rmSync } from 'node:fs';

const pending = new Set<string>();
let exitHookInstalled = false;

export function trackTemp(path: string): void {
  pending.add(path);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', removeAllTemps);
  }
}

export function untrackTemp(path: string): void {
  pending.delete(path);
}

export function removeAllTemps(): void {
  for (const path of pending) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Best effort: one path that cannot go must not keep the others.
    }
  }
  pending.clear();
}
