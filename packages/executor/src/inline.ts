import { type Executor, Queue, type Runnable } from '@spindle/core-context';

export interface InlineExecutorOptions {
  /**
   * Called with an error a runnable threw; the drain then goes on. Without it the error is
   * rethrown on a microtask (an uncaught exception, like a throwing callback), never at a
   * `submit` call: that caller may be an unrelated waker in the middle of its own loop.
   */
  onError?: (error: unknown) => void;
}

/**
 * The runnables submitted while an inline runnable runs. One queue for every
 * InlineExecutor of the thread, so a wake-up chain that crosses executors stays flat too.
 */
const deferred = new Queue<Runnable>();
/** The executor each deferred runnable was submitted to (same order), whose onError it gets. */
const deferredTo: InlineExecutor[] = [];
let nextOwner = 0;
let draining = false;

function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

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
 * `submit` never throws a runnable's error: the runnables a drain runs were mostly
 * submitted by others (a fiber woken by the submitter wakes a third), so the submitter is
 * the wrong caller for them, and an exception there would cut its own loop short (a
 * finishing fiber waking its joiners). Each error goes to `onError` (see
 * InlineExecutorOptions) and the drain goes on. A runnable still queued cannot be submitted
 * again (AlreadyLinkedError).
 */
export class InlineExecutor implements Executor {
  private readonly onError: (error: unknown) => void;

  constructor(options: InlineExecutorOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError('InlineExecutor expects an options object');
    }
    const { onError } = options;
    if (onError !== undefined && typeof onError !== 'function') {
      throw new TypeError('onError must be a function');
    }
    this.onError = onError ?? rethrowLater;
  }

  submit(runnable: Runnable): void {
    if (draining) {
      deferred.push(runnable);
      deferredTo.push(this);
      return;
    }
    draining = true;
    try {
      this.runGuarded(runnable);
      for (let next = deferred.shift(); next !== null; next = deferred.shift()) {
        const owner = deferredTo[nextOwner]!;
        if (++nextOwner === deferredTo.length) {
          deferredTo.length = 0;
          nextOwner = 0;
        }
        owner.runGuarded(next);
      }
    } finally {
      draining = false;
    }
  }

  private runGuarded(runnable: Runnable): void {
    try {
      runnable.run();
    } catch (error) {
      this.onError(error);
    }
  }
}
