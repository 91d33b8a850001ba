import type { Operation } from '@spindle/core-context';
import { spawn } from '@spindle/fiber';
import { describe, expect, it } from 'vitest';
import {
  SharedCondition,
  SharedMutex,
  SharedResetEvent,
  SharedRwLock,
  SharedSemaphore,
  SharedWaitGroup,
} from '../src/index.js';

/** Abandoned waits of each kind per test: enough to show a leak, few enough to stay quick. */
const ABANDONED = 200;

/** A shared primitive held so that waits on it park, and the cell they park on. */
interface Held {
  view: Int32Array;
  cell: number;
  wait(options?: { timeout?: number; signal?: AbortSignal }): Operation<unknown>;
  release(): void;
}

const primitives: Record<string, () => Held> = {
  SharedMutex: () => {
    const mutex = new SharedMutex();
    mutex.tryLock();
    return {
      view: mutex.view,
      cell: 0,
      wait: (o) => mutex.lock(o),
      release: () => mutex.unlock(),
    };
  },
  SharedSemaphore: () => {
    const semaphore = new SharedSemaphore({ permits: 0, capacity: 1 });
    return {
      view: semaphore.view,
      cell: 0,
      wait: (o) => semaphore.acquire(1, o),
      release: () => semaphore.release(),
    };
  },
  SharedRwLock: () => {
    const lock = new SharedRwLock();
    lock.tryWriteLock();
    return { view: lock.view, cell: 0, wait: (o) => lock.readLock(o), release: () => lock.writeUnlock() };
  },
  SharedResetEvent: () => {
    const event = new SharedResetEvent();
    return { view: event.view, cell: 0, wait: (o) => event.wait(o), release: () => event.set() };
  },
  SharedWaitGroup: () => {
    const group = new SharedWaitGroup();
    group.add();
    return { view: group.view, cell: 0, wait: (o) => group.wait(o), release: () => group.done() };
  },
};

/** Gives up ABANDONED waits each way: timed out, aborted by a signal, and a halted fiber. */
async function abandonWaits(held: Held): Promise<void> {
  for (let i = 0; i < ABANDONED; i++) {
    await held.wait({ timeout: 1 }).then(
      () => expect.fail('the wait must time out'),
      () => {},
    );
    const controller = new AbortController();
    const aborted = held.wait({ signal: controller.signal }).then(
      () => expect.fail('the wait must be aborted'),
      () => {},
    );
    controller.abort();
    await aborted;
    const fiber = spawn(function* () {
      yield* held.wait();
    });
    await new Promise((resolve) => setImmediate(resolve));
    fiber.halt();
    await fiber.join().then(undefined, () => {});
  }
}

describe('abandoned shared waits', () => {
  for (const [name, make] of Object.entries(primitives)) {
    it(`${name}: timed-out, aborted and halted waits leave no futex waiter behind, and the live waiter is served`, async () => {
      const held = make();
      const live = held.wait();
      let served = false;
      const done = Promise.resolve(live).then(() => {
        served = true;
      });
      await abandonWaits(held);
      expect(served).toBe(false);
      // Waking every waiter of the cell counts them: the live one (it looks again and sleeps
      // on) and at most as many abandoned ones as there are live ones (they are let go
      // together once they outnumber them). Before, each abandoned wait stayed queued.
      expect(Atomics.notify(held.view, held.cell)).toBeLessThanOrEqual(2);
      held.release();
      await done;
      expect(served).toBe(true);
    });
  }
});

describe('abandoned SharedCondition waits', () => {
  it('aborted and halted condition waits leave no futex waiter on the condition behind', async () => {
    const condition = new SharedCondition();
    const mutex = new SharedMutex();
    for (let i = 0; i < ABANDONED; i++) {
      await mutex.lock();
      const controller = new AbortController();
      const aborted = Promise.resolve(condition.wait(mutex, { signal: controller.signal })).then(
        () => expect.fail('the wait must be aborted'),
        () => {},
      );
      controller.abort();
      await aborted;
      mutex.unlock();
      const fiber = spawn(function* () {
        yield* mutex.lock();
        try {
          yield* condition.wait(mutex);
        } finally {
          mutex.unlock();
        }
      });
      await new Promise((resolve) => setImmediate(resolve));
      fiber.halt();
      await fiber.join().then(undefined, () => {});
    }
    expect(mutex.locked).toBe(false);
    expect(Atomics.notify(condition.view, 0)).toBe(0);
  });
});

describe('aborting many shared waits', () => {
  it('N waits aborted one at a time among N live ones make the others sleep again O(N) times, not N²', async () => {
    const waits = 300;
    const mutex = new SharedMutex();
    mutex.tryLock();
    const controllers = Array.from({ length: waits }, () => new AbortController());
    const settled = controllers.map((controller) =>
      Promise.resolve(mutex.lock({ signal: controller.signal })).then(
        () => expect.fail('the wait must be aborted'),
        () => {},
      ),
    );
    await new Promise((resolve) => setImmediate(resolve));
    const waitAsync = Atomics.waitAsync;
    let sleeps = 0;
    Atomics.waitAsync = ((...args: Parameters<typeof waitAsync>) => {
      sleeps++;
      return waitAsync(...args);
    }) as typeof waitAsync;
    try {
      for (const controller of controllers) {
        controller.abort();
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(settled);
    } finally {
      Atomics.waitAsync = waitAsync;
    }
    // Every abort woke every live wait before: about N²/2 = 45,000 sleeps again.
    expect(sleeps).toBeLessThanOrEqual(4 * waits);
    mutex.unlock();
  });
});
