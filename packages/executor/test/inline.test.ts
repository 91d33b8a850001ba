import { AlreadyLinkedError, FunctionRunnable, type Runnable } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import { InlineExecutor } from '../src/index.js';

/** A runnable that, when run, logs its name and submits the next one in a chain. */
function chain(executor: InlineExecutor, length: number, ran: { count: number }): Runnable {
  let first: Runnable | null = null;
  for (let i = 0; i < length; i++) {
    const next = first;
    first = new FunctionRunnable(() => {
      ran.count++;
      if (next !== null) executor.submit(next);
    });
  }
  return first!;
}

describe('InlineExecutor', () => {
  it('runs the runnable before submit returns', () => {
    const log: string[] = [];
    new InlineExecutor().submit(new FunctionRunnable(() => log.push('ran')));
    log.push('after');
    expect(log).toEqual(['ran', 'after']);
  });

  it('lets an error of the runnable reach the submitter', () => {
    const boom = new FunctionRunnable(() => {
      throw new Error('boom');
    });
    expect(() => new InlineExecutor().submit(boom)).toThrow('boom');
  });

  it('runs a runnable submitted from a running one right after it, before the outer submit returns', () => {
    const executor = new InlineExecutor();
    const log: string[] = [];
    const inner = new FunctionRunnable(() => log.push('inner'));
    executor.submit(
      new FunctionRunnable(() => {
        log.push('outer begins');
        executor.submit(inner);
        log.push('outer ends');
      }),
    );
    log.push('submit returned');
    expect(log).toEqual(['outer begins', 'outer ends', 'inner', 'submit returned']);
  });

  it('runs a chain of 200,000 runnables that submit each other without growing the stack', () => {
    const executor = new InlineExecutor();
    const ran = { count: 0 };
    executor.submit(chain(executor, 200_000, ran));
    expect(ran.count).toBe(200_000);
  });

  it('shares the trampoline between inline executors, so chains across them stay flat too', () => {
    const executors = [new InlineExecutor(), new InlineExecutor()];
    let ran = 0;
    const step = (i: number): Runnable =>
      new FunctionRunnable(() => {
        ran++;
        if (i < 200_000) executors[i % 2]!.submit(step(i + 1));
      });
    executors[0]!.submit(step(1));
    expect(ran).toBe(200_000);
  });

  it('runs the rest of the queue when a runnable throws, then throws to the outer submitter', () => {
    const executor = new InlineExecutor();
    const log: string[] = [];
    const outer = new FunctionRunnable(() => {
      executor.submit(
        new FunctionRunnable(() => {
          throw new Error('first');
        }),
      );
      executor.submit(new FunctionRunnable(() => log.push('after the failure')));
    });
    expect(() => executor.submit(outer)).toThrow('first');
    expect(log).toEqual(['after the failure']);
    // The trampoline is idle again: a new submit runs at once.
    executor.submit(new FunctionRunnable(() => log.push('next')));
    expect(log).toEqual(['after the failure', 'next']);
  });

  it('throws every error as an AggregateError when several runnables of one drain throw', () => {
    const executor = new InlineExecutor();
    const thrower = (message: string) =>
      new FunctionRunnable(() => {
        throw new Error(message);
      });
    const outer = new FunctionRunnable(() => {
      executor.submit(thrower('a'));
      executor.submit(thrower('b'));
    });
    let caught: unknown;
    try {
      executor.submit(outer);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AggregateError);
    expect((caught as AggregateError).errors.map((e: Error) => e.message)).toEqual(['a', 'b']);
  });

  it('refuses a runnable that is still queued', () => {
    const executor = new InlineExecutor();
    const twice = new FunctionRunnable(() => {});
    let refused: unknown;
    executor.submit(
      new FunctionRunnable(() => {
        executor.submit(twice);
        try {
          executor.submit(twice);
        } catch (error) {
          refused = error;
        }
      }),
    );
    expect(refused).toBeInstanceOf(AlreadyLinkedError);
  });
});
