import { type Executor, Queue, type Runnable } from '@spindle/core-context';

/**
 * The runnables submitted while an inline runnable runs. One queue for every
 * InlineExecutor of the thread, so a wake-up chain that crosses executors stays flat too.
 */
const deferred = new Queue<Runnable>();
let draining = false;

/**
 * Runs each runnable on the caller's stack, before `submit` returns.
 *
 * A submit from outside any inline runnable runs the runnable at once, then everything it
 * submitted, in order, and returns when all of it ran. A submit from inside a running
 * runnable (a fiber waking another) is queued and runs right after the current runnable
 * returns: a trampoline. Earlier versions ran that one nested in the submitter's stack, so
 * a long chain of wake-ups (fibers joining each other 50,000 deep) overflowed the JS stack
 * and left the rest of the chain suspended; now the depth stays one runnable whatever the
 * chain's length.
 *
 * An error of a runnable does not stop the others: the drain runs the rest of the queue,
 * then the outer `submit` throws the error (an AggregateError of all of them when several
 * failed). A runnable still queued cannot be submitted again (AlreadyLinkedError).
 */
export class InlineExecutor implements Executor {
  submit(runnable: Runnable): void {
    if (draining) {
      deferred.push(runnable);
      return;
    }
    draining = true;
    let errors: unknown[] | null = null;
    let next: Runnable | null = runnable;
    try {
      while (next !== null) {
        try {
          next.run();
        } catch (error) {
          (errors ??= []).push(error);
        }
        next = deferred.shift();
      }
    } finally {
      draining = false;
    }
    if (errors !== null)
      throw errors.length === 1 ? errors[0] : new AggregateError(errors, 'Several inline runnables failed');
  }
}
