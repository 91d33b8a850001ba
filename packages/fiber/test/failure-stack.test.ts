import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ManualExecutor } from '@spindle/executor';
import { describe, expect, it } from 'vitest';
import { type Fiber, type FiberGenerator, setFiberDebug, spawnWith } from '../src/index.js';
import { TestEvent } from './helpers.js';

/** The stack of the error a join of `fiber` receives once `exec` has drained. */
async function joinedStack(exec: ManualExecutor, fiber: Fiber<unknown>): Promise<string> {
  const caught = fiber.join().then(
    () => 'no failure',
    (error: unknown) => (error as Error).stack!,
  );
  exec.drain();
  return caught;
}

describe('the stack of a FiberFailedError', () => {
  it('shows the cause frames and the chain of spawning fibers without debug mode', async () => {
    const exec = new ManualExecutor();
    let server: Fiber<void> | null = null;
    let worker: Fiber<void> | null = null;
    const main = spawnWith({ executor: exec, name: 'main' }, function* () {
      server = spawnWith({ name: 'server' }, function* () {
        worker = spawnWith({ name: 'worker' }, function* failingWorker() {
          yield;
          throw new RangeError('bad port');
        });
        yield* worker;
      });
      yield* server;
    });
    exec.drain();
    const workerStack = await joinedStack(exec, worker!);
    expect(workerStack.split('\n')[0]).toBe(
      `FiberFailedError: Fiber #${worker!.id} "worker" failed: RangeError: bad port`,
    );
    expect(workerStack).toContain('at failingWorker');
    expect(workerStack).toContain(
      `--- Fiber #${worker!.id} "worker" spawned by Fiber #${server!.id} "server" ← Fiber #${main.id} "main" ---`,
    );
    expect(workerStack).toContain('setFiberDebug(true)');
    // The parent that failed by joining it carries the child's account in its cause frames, and the hint once.
    const mainStack = await joinedStack(exec, main);
    expect(mainStack).toContain('at failingWorker');
    expect(mainStack).toContain(`--- Fiber #${main.id} "main" spawned outside any fiber ---`);
    expect(mainStack.split('setFiberDebug(true)')).toHaveLength(2);
  });

  it('keeps the fiber line of a failed child when the child threw something other than an Error', async () => {
    const exec = new ManualExecutor();
    let child: Fiber<void> | null = null;
    const parent = spawnWith({ executor: exec, name: 'parent' }, function* () {
      child = spawnWith({ name: 'child' }, function* () {
        yield;
        throw 'not an Error';
      });
      yield* child;
    });
    const parentStack = await joinedStack(exec, parent);
    expect(parentStack).toContain(
      `--- Fiber #${child!.id} "child" spawned by Fiber #${parent.id} "parent" ---`,
    );
    expect(parentStack).toContain(`--- Fiber #${parent.id} "parent" spawned outside any fiber ---`);
    expect(parentStack.split('setFiberDebug(true)')).toHaveLength(2);
  });

  it('names at most eight spawners, however deep the chain', async () => {
    const exec = new ManualExecutor();
    let deepest: Fiber<void> | null = null;
    function* descend(level: number): FiberGenerator<void> {
      if (level === 40) {
        deepest = spawnWith({ name: 'leaf' }, function* () {
          throw new Error('deep');
        });
        return;
      }
      spawnWith({ name: `level-${level + 1}` }, descend, level + 1);
    }
    spawnWith({ executor: exec, name: 'level-0' }, descend, 0);
    exec.drain();
    const stack = await joinedStack(exec, deepest!);
    const spawners = Array.from({ length: 8 }, (_, i) => `"level-${40 - i}"`);
    expect(stack).toMatch(
      new RegExp(`spawned by ${spawners.map((name) => `Fiber #\\d+ ${name}`).join(' ← ')} ← … ---`),
    );
  });

  it('shows the JS frames of the spawn in debug mode', async () => {
    const exec = new ManualExecutor();
    const previous = setFiberDebug(true);
    let fiber: Fiber<void>;
    try {
      fiber = (function spawnTheFailingWorker() {
        return spawnWith({ executor: exec }, function* () {
          throw new TypeError('bad input');
        });
      })();
    } finally {
      setFiberDebug(previous);
    }
    const stack = await joinedStack(exec, fiber);
    expect(stack).toContain(
      `--- Fiber #${fiber.id} "fiber-${fiber.id}" spawned outside any fiber ---\n    at spawnTheFailingWorker`,
    );
    expect(stack).not.toContain('setFiberDebug(true)');
  });

  it('records the spawn frames per fiber with the debug option', async () => {
    const exec = new ManualExecutor();
    const traced = spawnWith({ executor: exec, debug: true }, function* () {
      throw new Error('x');
    });
    const plain = spawnWith({ executor: exec }, function* () {
      throw new Error('y');
    });
    const [tracedStack, plainStack] = await Promise.all([
      joinedStack(exec, traced),
      joinedStack(exec, plain),
    ]);
    expect(tracedStack).toMatch(/spawned outside any fiber ---\n {4}at .*failure-stack\.test\.ts/);
    expect(plainStack).toMatch(/spawned outside any fiber ---\n {4}\(spawn frames not recorded/);
  });

  it('does not keep a finished parent alive through its children', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const exec = new ManualExecutor();
    const event = new TestEvent();
    let child: Fiber<void> | null = null;
    const parent = new WeakRef(
      spawnWith({ executor: exec, name: 'parent' }, function* () {
        child = spawnWith({ name: 'child' }, function* () {
          yield event;
          throw new Error('late');
        });
        return new Array(10_000).fill('result the parent would keep');
      }),
    );
    exec.drain();
    // A WeakRef holds its target until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(parent.deref()).toBeUndefined();
    event.wakeOne();
    const stack = await joinedStack(exec, child!);
    expect(stack).toMatch(/"child" spawned by Fiber #\d+ "parent" ---/);
  });
});
