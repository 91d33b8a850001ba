import { Cancelled, InvalidStateError, type Runnable, type Waiter } from '@spindle/core-context';
import { ManualExecutor } from '@spindle/executor';
import { describe, expect, it } from 'vitest';
import { current, Fiber, FiberFailedError, spawnWith, yieldNow } from '../src/index.js';
import { TestEvent } from './helpers.js';

describe('fiber lifecycle', () => {
  it('moves through ready, running, suspended and done', () => {
    const exec = new ManualExecutor();
    const event = new TestEvent<number>();
    const seen: string[] = [];
    const fiber = spawnWith({ executor: exec, name: 'worker' }, function* () {
      seen.push(current()!.status);
      const value: number = yield event;
      return value * 2;
    });
    expect(fiber).toBeInstanceOf(Fiber);
    expect(fiber.name).toBe('worker');
    expect(fiber.id).toBeGreaterThan(0);
    expect(fiber.status).toBe('ready');
    exec.drain();
    expect(seen).toEqual(['running']);
    expect(fiber.status).toBe('suspended');
    expect(fiber.waitingOn()).toBe('TestEvent');
    event.wakeOne(21);
    expect(fiber.status).toBe('ready');
    exec.drain();
    expect(fiber.status).toBe('done');
    expect(fiber.waitingOn()).toBeNull();
  });

  it('names unnamed fibers by id and gives each a new id', () => {
    const exec = new ManualExecutor();
    const a = spawnWith({ executor: exec }, function* () {});
    const b = spawnWith({ executor: exec }, function* () {});
    expect(b.id).toBe(a.id + 1);
    expect(a.name).toBe(`fiber-${a.id}`);
    exec.drain();
  });

  it('joins with yield*, bare yield and await', async () => {
    const exec = new ManualExecutor();
    const child = spawnWith(
      { executor: exec },
      function* (a: number, b: number) {
        yield;
        return a + b;
      },
      2,
      3,
    );
    const parent = spawnWith({ executor: exec }, function* () {
      const viaDelegation: number = yield* child.join();
      const viaBareYield: number = yield child;
      return viaDelegation * 10 + viaBareYield;
    });
    const awaited = parent.join().then((v) => v);
    exec.drain();
    expect(await awaited).toBe(55);
    expect(await child).toBe(5);
  });

  it('reschedules on a bare yield and on yieldNow, in FIFO order with other fibers', () => {
    const exec = new ManualExecutor();
    const order: string[] = [];
    spawnWith({ executor: exec }, function* () {
      order.push('a1');
      yield;
      order.push('a2');
      yield* yieldNow();
      order.push('a3');
    });
    spawnWith({ executor: exec }, function* () {
      order.push('b1');
      yield;
      order.push('b2');
      yield;
      order.push('b3');
    });
    exec.drain();
    expect(order).toEqual(['a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
  });

  it('hands a failure to the joiner with the original error as cause', async () => {
    const exec = new ManualExecutor();
    const original = new Error('disk full');
    const fiber = spawnWith({ executor: exec, name: 'writer' }, function* () {
      yield;
      throw original;
    });
    const joined = fiber.join().then(
      () => null,
      (error: unknown) => error,
    );
    exec.drain();
    const error = (await joined) as FiberFailedError;
    expect(fiber.status).toBe('failed');
    expect(error).toBeInstanceOf(FiberFailedError);
    expect(error.code).toBe('ERR_SPINDLE_FIBER_FAILED');
    expect(error.cause).toBe(original);
    expect(error.message).toBe(`Fiber #${fiber.id} "writer" failed: Error: disk full`);
    expect(error.fiberName).toBe('writer');
  });

  it('throws a TypeError into the fiber when it yields something that cannot be waited on', async () => {
    const exec = new ManualExecutor();
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        yield 42;
      } catch (error) {
        return (error as Error).constructor.name;
      }
      return 'no error';
    });
    const result = fiber.join().then((v) => v);
    exec.drain();
    expect(await result).toBe('TypeError');
  });

  it('resumes with the failure of a waitable thrown into the generator', async () => {
    const exec = new ManualExecutor();
    const event = new TestEvent<number>();
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        yield event;
        return 'woken';
      } catch (error) {
        return `caught ${(error as Error).message}`;
      }
    });
    exec.drain();
    event.failOne(new Error('broken'));
    const result = fiber.join().then((v) => v);
    exec.drain();
    expect(await result).toBe('caught broken');
  });

  it('rejects a fiber joining itself', async () => {
    const exec = new ManualExecutor();
    const fiber: Fiber<string> = spawnWith({ executor: exec }, function* (): Generator<unknown, string> {
      try {
        yield current()!;
        return 'joined';
      } catch (error) {
        return (error as Error).constructor.name;
      }
    });
    const result = fiber.join().then((v) => v);
    exec.drain();
    expect(await result).toBe(InvalidStateError.name);
  });

  it('ignores a stray run by a Waitable of a fiber that waits or has finished', async () => {
    const exec = new ManualExecutor();
    let parked: Runnable | null = null;
    const grabby = {
      park(waiter: Waiter) {
        parked = waiter as unknown as Runnable;
      },
      unpark: () => false,
    };
    const fiber = spawnWith({ executor: exec }, function* () {
      yield grabby;
      return 1;
    });
    exec.drain();
    parked!.run();
    expect(fiber.status).toBe('suspended');
    (parked as unknown as Waiter).wake(undefined);
    exec.drain();
    parked!.run();
    expect(fiber.status).toBe('done');
    expect(await fiber).toBe(1);
  });

  it('rejects bad arguments at the call', () => {
    const exec = new ManualExecutor();
    expect(() => spawnWith({ executor: exec }, 5 as never)).toThrow(TypeError);
    expect(() => spawnWith({ executor: exec }, (() => 5) as never)).toThrow(TypeError);
    expect(() => spawnWith({ executor: {} as never }, function* () {})).toThrow(TypeError);
    expect(() => spawnWith(null as never, function* () {})).toThrow(TypeError);
    expect(() => spawnWith({ name: 7 as never }, function* () {})).toThrow(TypeError);
    expect(exec.pending).toBe(0);
  });

  it('fails joiners of a halted fiber with Cancelled', async () => {
    const exec = new ManualExecutor();
    const fiber = spawnWith({ executor: exec, name: 'victim' }, function* () {
      yield new TestEvent();
    });
    exec.drain();
    fiber.halt();
    const outcome = fiber.join().then(null, (e: unknown) => e);
    exec.drain();
    const error = (await outcome) as Cancelled;
    expect(error).toBeInstanceOf(Cancelled);
    expect(error.message).toBe(`Fiber #${fiber.id} "victim" was halted before it finished`);
    expect(fiber.status).toBe('halted');
  });
});
