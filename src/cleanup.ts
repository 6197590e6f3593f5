/**
 * Paths a run must remove if it is interrupted (temp outputs, downloaded copies). The CLI's
 * signal handler removes them synchronously before exiting.
 */
import { rmSync } from 'node:fs';

const pending = new Set<string>();

export function trackTemp(path: string): void {
  pending.add(path);
}

export function untrackTemp(path: string): void {
  pending.delete(path);
}

export function removeAllTemps(): void {
  for (const path of pending) rmSync(path, { recursive: true, force: true });
  pending.clear();
}
