/**
 * At most `concurrency` tasks at once; waiting tasks start highest priority first, and in the
 * order they came among equals. The artifact store gives a download its file's size as priority,
 * so once the sizes are known the biggest file starts first and never ends a run alone on one
 * connection while the other slots sit idle (p-limit, which this replaces here, is first come,
 * first served).
 */
export interface PriorityLimit {
  <T>(task: () => Promise<T>, priority?: number): Promise<T>;
  /** Waiting tasks never start: their promises reject with `reason` (none is left pending forever). */
  clearQueue(reason?: unknown): void;
}

interface Waiting {
  priority: number;
  order: number;
  start: () => void;
  cancel: (reason: unknown) => void;
}

export function priorityLimit(concurrency: number): PriorityLimit {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a whole number >= 1, not ${concurrency}`);
  let active = 0;
  let arrivals = 0;
  let waiting: Waiting[] = [];
  const next = (): void => {
    if (active >= concurrency || waiting.length === 0) return;
    // A linear scan: the queue holds at most a few hundred downloads.
    let best = 0;
    for (let i = 1; i < waiting.length; i++) {
      const a = waiting[i] as Waiting;
      const b = waiting[best] as Waiting;
      if (a.priority > b.priority || (a.priority === b.priority && a.order < b.order)) best = i;
    }
    const [chosen] = waiting.splice(best, 1);
    chosen?.start();
  };
  const limit = <T>(task: () => Promise<T>, priority = 0): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const start = (): void => {
        active++;
        // A task that throws synchronously is a rejection like any other.
        Promise.resolve()
          .then(task)
          .then(resolve, reject)
          .finally(() => {
            active--;
            next();
          });
      };
      // Infinity or NaN would break the ordering: clamped to the largest and smallest priorities.
      const rank = Number.isNaN(priority) ? 0 : Math.max(-Number.MAX_VALUE, Math.min(Number.MAX_VALUE, priority));
      waiting.push({ priority: rank, order: arrivals++, start, cancel: reject });
      next();
    });
  limit.clearQueue = (reason: unknown = new Error('called off before it started')): void => {
    const dropped = waiting;
    waiting = [];
    for (const task of dropped) task.cancel(reason);
  };
  return limit as PriorityLimit;
}
