import { describe, expect, it } from 'vitest';
import { AlreadyLinkedError, FunctionRunnable, type Runnable } from '../src/index.js';
import { InlineExecutor, ManualExecutor } from './support/inline-executor.js';

/** A hand-made intrusive Runnable that resubmits itself: no allocation per round. */
class Countdown implements Runnable {
  next: Runnable | null = null;
  owner: object | null = null;
  readonly log: number[] = [];

  constructor(
    private readonly executor: InlineExecutor,
    private remaining: number,
  ) {}

  run(): void {
    this.log.push(this.remaining);
    if (--this.remaining > 0) this.executor.submit(this);
  }
}

describe('Executor and Runnable contracts', () => {
  it('an inline executor runs a FunctionRunnable at once', () => {
    const executor = new InlineExecutor();
    const calls: string[] = [];
    executor.submit(new FunctionRunnable(() => calls.push('ran')));
    expect(calls).toEqual(['ran']);
  });

  it('a runnable resubmitting itself is trampolined, not recursed', () => {
    const executor = new InlineExecutor();
    const countdown = new Countdown(executor, 100_000);
    executor.submit(countdown);
    expect(countdown.log.length).toBe(100_000);
    expect(countdown.log.at(-1)).toBe(1);
    expect(executor.ran).toBe(100_000);
  });

  it('work submitted while a runnable runs keeps FIFO order', () => {
    const executor = new InlineExecutor();
    const order: string[] = [];
    executor.submit(
      new FunctionRunnable(() => {
        order.push('outer start');
        executor.submit(new FunctionRunnable(() => order.push('first child')));
        executor.submit(new FunctionRunnable(() => order.push('second child')));
        order.push('outer end');
      }),
    );
    expect(order).toEqual(['outer start', 'outer end', 'first child', 'second child']);
  });

  it('submitting a runnable that is still queued is an error, not a lost or doubled run', () => {
    const executor = new ManualExecutor();
    const runnable = new FunctionRunnable(() => {});
    executor.submit(runnable);
    expect(() => executor.submit(runnable)).toThrow(AlreadyLinkedError);
    expect(executor.pending).toBe(1);
    executor.runAll();
    executor.submit(runnable);
    expect(executor.pending).toBe(1);
  });

  it('the executor keeps going after a runnable throws', () => {
    const executor = new InlineExecutor();
    const ran: string[] = [];
    expect(() =>
      executor.submit(
        new FunctionRunnable(() => {
          throw new Error('task failed');
        }),
      ),
    ).toThrow('task failed');
    executor.submit(new FunctionRunnable(() => ran.push('next')));
    expect(ran).toEqual(['next']);
  });
});
