import type { Executor, Runnable } from '@spindle/core-context';

/** Runs each runnable at once, on the caller's stack. */
export class InlineExecutor implements Executor {
  submit(runnable: Runnable): void {
    runnable.run();
  }
}
