// The artifact store's download limiter (download/priority-limit.ts): never more than the limit
// at once, waiting tasks by priority (size) then arrival, failures free their slot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { priorityLimit } from '../../../src/download/priority-limit.js';

interface Gate {
  promise: Promise<void>;
  open: () => void;
}

function gate(): Gate {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('waiting tasks start biggest first, equals in arrival order', async () => {
  const limit = priorityLimit(1);
  const started: string[] = [];
  const first = gate();
  const runs = [limit(async () => { started.push('first'); await first.promise; }, 1)];
  for (const [name, size] of [['small', 10], ['big', 500], ['mid-a', 100], ['unknown', 0], ['mid-b', 100]] as const) {
    runs.push(limit(async () => void started.push(name), size));
  }
  await tick();
  assert.deepEqual(started, ['first'], 'one slot: the rest wait');
  first.open();
  await Promise.all(runs);
  assert.deepEqual(started, ['first', 'big', 'mid-a', 'mid-b', 'small', 'unknown']);
});

test('never more than the limit at once, and every task runs', async () => {
  const limit = priorityLimit(3);
  let active = 0;
  let peak = 0;
  const sizes = Array.from({ length: 40 }, (_, i) => (i * 7919) % 97);
  const done = await Promise.all(
    sizes.map((size) =>
      limit(async () => {
        active++;
        peak = Math.max(peak, active);
        await tick();
        active--;
        return size;
      }, size),
    ),
  );
  assert.equal(peak, 3);
  assert.deepEqual(done, sizes);
});

test('a task that fails or throws at once frees its slot and rejects its own promise only', async () => {
  const limit = priorityLimit(1);
  const failing = limit(() => Promise.reject(new Error('boom')));
  const throwing = limit((): Promise<void> => {
    throw new Error('sync');
  });
  const after = limit(async () => 'ran');
  await assert.rejects(failing, /boom/);
  await assert.rejects(throwing, /sync/);
  assert.equal(await after, 'ran');
});

test('clearQueue: waiting tasks never start and reject with the reason, running ones finish', async () => {
  const limit = priorityLimit(1);
  const running = gate();
  let queuedRan = false;
  const first = limit(() => running.promise.then(() => 'done'));
  const queued = limit(async () => {
    queuedRan = true;
  });
  limit.clearQueue(new Error('the run ended'));
  await assert.rejects(queued, /the run ended/);
  running.open();
  assert.equal(await first, 'done');
  await tick();
  assert.equal(queuedRan, false);
});

test('priorities beyond the finite range still order: Infinity first, NaN as 0', async () => {
  const limit = priorityLimit(1);
  const started: string[] = [];
  const first = gate();
  const runs = [limit(async () => void (await first.promise), 0)];
  for (const [name, priority] of [['nan', Number.NaN], ['max', Number.MAX_SAFE_INTEGER], ['inf', Number.POSITIVE_INFINITY], ['one', 1]] as const) {
    runs.push(limit(async () => void started.push(name), priority));
  }
  first.open();
  await Promise.all(runs);
  assert.deepEqual(started, ['inf', 'max', 'one', 'nan']);
});

test('a limit below 1 is refused', () => {
  assert.throws(() => priorityLimit(0), RangeError);
  assert.throws(() => priorityLimit(1.5), RangeError);
});
