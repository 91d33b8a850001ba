import { BrokenBarrierError, type Operation, TimeoutError } from '@spindle/core-context';
import { ManualExecutor } from '@spindle/executor';
import { spawnWith } from '@spindle/fiber';
import { describe, expect, it } from 'vitest';
import {
  SharedBarrier,
  SharedResetEvent,
  SharedRwLock,
  SharedSemaphore,
  SharedWaitGroup,
} from '../src/index.js';
import { expectWaitGroupUsableAfterCancelledWaits } from './helpers/wait-group-reuse.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A shared primitive that makes fibers wait until `unblock`, and what must hold after. */
interface Gate {
  wait(): Operation<unknown>;
  unblock(): void;
  /** Checked once the bystander got through, after the victim's halt. */
  check(): void;
}

const gates: Record<string, () => Gate> = {
  SharedSemaphore: () => {
    const semaphore = new SharedSemaphore({ permits: 0, capacity: 1 });
    return {
      wait: () => semaphore.acquire(),
      unblock: () => semaphore.release(),
      check: () => expect(semaphore.available).toBe(0),
    };
  },
  SharedRwLock: () => {
    const lock = new SharedRwLock();
    lock.tryWriteLock();
    return {
      wait: () => lock.writeLock(),
      unblock: () => lock.writeUnlock(),
      check: () => expect([lock.writeLocked, lock.tryReadLock()]).toEqual([true, false]),
    };
  },
  SharedResetEvent: () => {
    const event = new SharedResetEvent();
    return {
      wait: () => event.wait(),
      unblock: () => event.set(),
      check: () => expect(event.isSet()).toBe(true),
    };
  },
  SharedWaitGroup: () => {
    const group = new SharedWaitGroup();
    group.add();
    return {
      wait: () => group.wait(),
      unblock: () => group.done(),
      check: () => expect(group.count).toBe(0),
    };
  },
};

describe('shared primitives: a fiber halted in a wait', () => {
  for (const [name, open] of Object.entries(gates)) {
    for (const haltWhen of ['parked', 'woken, before it ran'] as const) {
      it(`${name}: halted while ${haltWhen}, it leaves the wait and a bystander gets through`, async () => {
        const executor = new ManualExecutor();
        const gate = open();
        const victim = spawnWith({ executor }, function* () {
          yield* gate.wait();
        });
        executor.drain();
        const bystander = spawnWith({ executor }, function* () {
          yield* gate.wait();
        });
        executor.drain();
        if (haltWhen === 'parked') victim.halt();
        gate.unblock();
        await pause(10);
        if (haltWhen !== 'parked') victim.halt();
        executor.drain();
        await pause(10);
        executor.drain();
        expect([victim.status, bystander.status]).toEqual(['halted', 'done']);
        gate.check();
      });
    }
  }

  it('SharedBarrier: a party halted while it waits breaks its generation, then the barrier works again', async () => {
    const executor = new ManualExecutor();
    const barrier = new SharedBarrier(3);
    const outcomes: unknown[] = [];
    const [victim, bystander] = [0, 1].map(() =>
      spawnWith({ executor }, function* () {
        try {
          outcomes.push(yield* barrier.wait());
        } catch (error) {
          outcomes.push(error);
        }
      }),
    );
    executor.drain();
    victim!.halt();
    await pause(10);
    executor.drain();
    expect([victim!.status, bystander!.status]).toEqual(['halted', 'done']);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toBeInstanceOf(BrokenBarrierError);
    const leaders = await Promise.all([barrier.wait(), barrier.wait(), barrier.wait()]);
    expect(leaders.filter(Boolean)).toHaveLength(1);
  });
});

describe('shared primitives: a cancelled wait, then used again', () => {
  it('SharedSemaphore', async () => {
    const semaphore = new SharedSemaphore(2);
    await semaphore.acquire(2);
    await expect(semaphore.acquire(1, { timeout: 5 })).rejects.toBeInstanceOf(TimeoutError);
    const controller = new AbortController();
    const aborted = semaphore.acquire(2, { signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ERR_SPINDLE_CANCELLED' });
    expect(semaphore.available).toBe(0);
    const next = semaphore.acquire(2);
    semaphore.release(2);
    await next;
    expect(semaphore.available).toBe(0);
    semaphore.release(2);
    expect(semaphore.tryAcquire(2)).toBe(true);
  });

  it('SharedWaitGroup', async () => {
    await expectWaitGroupUsableAfterCancelledWaits(new SharedWaitGroup());
  });
});
