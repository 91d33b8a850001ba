import { Queue, type Runnable } from '@spindle/core-context';
import { LoopExecutor, loopExecutor } from '@spindle/executor';
import { describe, expect, it } from 'vitest';
import { current, run, setDefaultExecutor, spawn, spawnWith } from '../src/index.js';

describe('default executor', () => {
  it('runs fibers on the shared LoopExecutor, and children on their parent executor', async () => {
    const executors = await run(function* () {
      const own = current()!.executor;
      const child = spawn(function* () {
        return current()!.executor;
      });
      return [own, yield child];
    });
    expect(executors).toEqual([loopExecutor, loopExecutor]);
    expect(loopExecutor).toBeInstanceOf(LoopExecutor);
  });

  it('can be replaced, and spawnWith still picks its own', async () => {
    const queue = new Queue<Runnable>();
    const custom = { submit: (r: Runnable) => queue.push(r) };
    const previous = setDefaultExecutor(custom);
    try {
      const fiber = spawn(function* () {
        return 'ran on custom';
      });
      expect(fiber.executor).toBe(custom);
      expect(queue.size).toBe(1);
      queue.shift()!.run();
      expect(await fiber).toBe('ran on custom');
      const elsewhere = spawnWith({ executor: loopExecutor }, function* () {});
      expect(elsewhere.executor).toBe(loopExecutor);
      await elsewhere;
    } finally {
      setDefaultExecutor(previous);
    }
    expect(() => setDefaultExecutor({} as never)).toThrow(TypeError);
  });
});
