import { InlineExecutor } from '@spindle/executor';
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
