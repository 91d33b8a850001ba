import { FunctionRunnable, type Waiter } from '@spindle/core-context';
import { InlineExecutor, ManualExecutor } from '@spindle/executor';
import { describe, expect, it } from 'vitest';
import { type Fiber, liveFiberCount, spawnWith } from '../src/index.js';
import { TestEvent } from './helpers.js';

describe('fibers on an InlineExecutor', () => {
  it('finishes a 50,000-fiber join chain woken from one end, leaving none suspended', async () => {
    const executor = new InlineExecutor();
    const start = new TestEvent<number>();
    const before = liveFiberCount();
    let previous: Fiber<number> = spawnWith({ executor }, function* (): Generator<unknown, number> {
      return (yield start) as number;
    });
    for (let i = 1; i < 50_000; i++) {
      const joined = previous;
      previous = spawnWith({ executor }, function* (): Generator<unknown, number> {
        return ((yield joined) as number) + 1;
      });
    }
    expect(liveFiberCount() - before).toBe(50_000);
    start.wakeOne(0);
    expect(previous.status).toBe('done');
    expect(await previous).toBe(49_999);
    expect(liveFiberCount()).toBe(before);
  });
});

describe('joiners woken through an InlineExecutor', () => {
  it('all wake, and an error of one goes to its executor, not to whoever finished the fiber', async () => {
    const exec = new ManualExecutor();
    const errors: string[] = [];
    const inline = new InlineExecutor({ onError: (error) => errors.push((error as Error).message) });
    const x = spawnWith({ executor: exec }, function* () {
      return 'x done';
    });
    const joiner = (name: string) =>
      spawnWith({ executor: inline, name }, function* (): Generator<unknown, string> {
        const result = (yield x) as string;
        if (name === 'j1') {
          inline.submit(
            new FunctionRunnable(() => {
              throw new Error('callback of j1');
            }),
          );
        }
        return `${name} saw ${result}`;
      });
    const j1 = joiner('j1');
    const j2 = joiner('j2');
    expect(() => exec.drain()).not.toThrow();
    expect(errors).toEqual(['callback of j1']);
    expect(j2.status).toBe('done');
    expect(await j1).toBe('j1 saw x done');
    expect(await j2).toBe('j2 saw x done');
  });

  it('a finishing fiber settles every joiner even when waking one throws', async () => {
    const exec = new ManualExecutor();
    const x = spawnWith({ executor: exec }, function* () {
      return 7;
    });
    const broken: Waiter<number> = {
      next: null,
      prev: null,
      owner: null,
      group: {},
      claim: () => true,
      settle(): never {
        throw new Error('broken waiter');
      },
      release() {},
      wake(): never {
        throw new Error('broken waiter');
      },
      fail(): never {
        throw new Error('broken waiter');
      },
    };
    x.park(broken);
    const j2 = spawnWith({ executor: new InlineExecutor() }, function* (): Generator<unknown, number> {
      return ((yield x) as number) + 1;
    });
    expect(() => exec.drain()).toThrow('broken waiter');
    expect(j2.status).toBe('done');
    expect(await j2).toBe(8);
  });
});
