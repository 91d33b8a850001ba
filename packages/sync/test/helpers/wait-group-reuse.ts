import { TimeoutError, type WaitOptions } from '@spindle/core-context';
import { expect } from 'vitest';

/** What WaitGroup and SharedWaitGroup have in common, as the reuse check needs it. */
interface WaitGroupLike {
  add(n?: number): void;
  done(): void;
  wait(options?: WaitOptions): PromiseLike<unknown>;
  readonly count: number;
}

/** A wait group stays usable after one wait timed out and another was aborted. */
export async function expectWaitGroupUsableAfterCancelledWaits(group: WaitGroupLike): Promise<void> {
  group.add(2);
  await expect(group.wait({ timeout: 5 })).rejects.toBeInstanceOf(TimeoutError);
  const controller = new AbortController();
  const aborted = group.wait({ signal: controller.signal });
  controller.abort();
  await expect(aborted).rejects.toMatchObject({ code: 'ERR_SPINDLE_CANCELLED' });
  const done = group.wait();
  group.done();
  group.done();
  await done;
  group.add();
  const again = group.wait();
  group.done();
  await again;
  expect(group.count).toBe(0);
}
