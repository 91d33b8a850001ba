import { NotHeldError, TimeoutError } from '@spindle/core-context';
import { runSeeded } from '@spindle/executor';
import { describe, expect, it } from 'vitest';
import { Notify, ResetEvent, WaitGroup } from '../src/index.js';
import { FAULTS, HALT_SEEDS, haltAtEveryStep, SEEDS, spawnAll } from './helpers/schedule.js';
import { expectWaitGroupUsableAfterCancelledWaits } from './helpers/wait-group-reuse.js';

describe('ResetEvent', () => {
  it('releases every waiter on set and lets later waits pass until reset', async () => {
    const event = new ResetEvent();
    let woken = 0;
    const waits = [event.wait(), event.wait()].map((w) => w.then(() => woken++));
    await Promise.resolve();
    expect(woken).toBe(0);
    event.set();
    await Promise.all(waits);
    expect(woken).toBe(2);
    await event.wait();
    event.reset();
    expect(event.isSet()).toBe(false);
    await expect(event.wait({ timeout: 5 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it('wakes the fibers still waiting when one is halted at any point', () => {
    haltAtEveryStep(HALT_SEEDS, (executor) => {
      const event = new ResetEvent();
      let passed = 0;
      const [victim, ...waiters] = spawnAll(executor, 3, function* () {
        yield* event.wait();
        passed++;
      });
      const setter = spawnAll(executor, 1, function* () {
        yield;
        event.set();
      });
      return {
        victim: victim!,
        others: [...waiters, ...setter],
        check: (victimFinished) => expect(passed).toBe(victimFinished ? 3 : 2),
      };
    });
  });
});

describe('WaitGroup', () => {
  it('wakes waiters when the count drops to zero under seeded interleavings', () => {
    runSeeded(
      SEEDS,
      (executor) => {
        const group = new WaitGroup();
        let finished = 0;
        group.add(4);
        spawnAll(executor, 4, function* () {
          yield;
          finished++;
          group.done();
        });
        let seen = -1;
        const waiter = spawnAll(executor, 1, function* () {
          yield* group.wait();
          seen = finished;
        });
        executor.drain();
        expect(waiter[0]!.status).toBe('done');
        expect(seen).toBe(4);
      },
      FAULTS,
    );
  });

  it('still wakes the other waiter when one waiter is halted at any point', () => {
    haltAtEveryStep(HALT_SEEDS, (executor) => {
      const group = new WaitGroup();
      group.add(2);
      const [victim, ...waiters] = spawnAll(executor, 2, function* () {
        yield* group.wait();
      });
      const workers = spawnAll(executor, 2, function* () {
        yield;
        group.done();
      });
      return {
        victim: victim!,
        others: [...waiters, ...workers],
        check: () => expect(group.count).toBe(0),
      };
    });
  });

  it('stays usable after a wait that timed out or was aborted', async () => {
    await expectWaitGroupUsableAfterCancelledWaits(new WaitGroup());
  });

  it('throws NotHeldError when the counter would go below zero', () => {
    const group = new WaitGroup();
    expect(() => group.done()).toThrow(NotHeldError);
    expect(() => group.add(0.5)).toThrow(RangeError);
    expect(group.count).toBe(0);
  });
});

describe('Notify', () => {
  it('stores one permit for notifyOne with nobody waiting, and none for notifyAll', async () => {
    const notify = new Notify();
    notify.notifyAll();
    await expect(notify.notified({ timeout: 5 })).rejects.toBeInstanceOf(TimeoutError);
    notify.notifyOne();
    notify.notifyOne();
    await notify.notified();
    await expect(notify.notified({ timeout: 5 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it('loses no notification when the notified fiber is halted at any point', () => {
    haltAtEveryStep(HALT_SEEDS, (executor) => {
      const notify = new Notify();
      let received = 0;
      const [victim, ...others] = spawnAll(executor, 2, function* () {
        yield* notify.notified();
        received++;
      });
      const notifier = spawnAll(executor, 1, function* () {
        notify.notifyOne();
        // A notification must reach a live waiter even when the victim took it and was halted.
        while (received === 0) yield;
        notify.notifyOne();
      });
      return {
        victim: victim!,
        others: [...others, ...notifier],
        check(victimFinished) {
          expect(received).toBe(victimFinished ? 2 : 1);
        },
      };
    });
  });
});
