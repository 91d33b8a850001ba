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
/**
 * The executor each deferred runnable was submitted to (same order), whose onError it gets:
 * slots `ownersHead` to `ownersTail`. The array keeps its size between drains and read slots
 * are cleared to null (resizing it per handoff doubled an inline fiber switch).
 */
const owners: (InlineExecutor | null)[] = [];
let ownersHead = 0;
let ownersTail = 0;
let draining = false;

/** Owners below this many read slots are not worth moving down. */
const COMPACT_AFTER = 1024;

/**
 * The owner of the runnable just shifted from `deferred`. When the queue never empties
 * during a drain (two wake-up chains taking turns), the live slots are moved down once the
 * read ones are the larger half, so the array stays within twice the queue's length.
 */
function takeOwner(): InlineExecutor {
  const owner = owners[ownersHead]!;
  owners[ownersHead++] = null;
  if (ownersHead === ownersTail) {
    ownersHead = ownersTail = 0;
  } else if (ownersHead >= COMPACT_AFTER && ownersHead * 2 >= ownersTail) {
    owners.copyWithin(0, ownersHead, ownersTail);
    owners.fill(null, ownersTail - ownersHead, ownersTail);
    ownersTail -= ownersHead;
    ownersHead = 0;
  }
  return owner;
}

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
      owners[ownersTail++] = this;
      return;
    }
    draining = true;
    let owner: InlineExecutor = this;
    try {
      for (let next: Runnable | null = runnable; next !== null; ) {
        try {
          next.run();
        } catch (error) {
          owner.onError(error);
        }
        next = deferred.shift();
        if (next !== null) owner = takeOwner();
      }
    } finally {
      draining = false;
    }
  }
}
