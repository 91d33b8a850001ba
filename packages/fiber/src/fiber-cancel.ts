import {
  type CancelListener,
  type Cancelled,
  CancelSource,
  CancelToken,
  List,
  Operation,
  type Waiter,
} from '@spindle/core-context';

/** How long a halted fiber's cleanup may wait before its waits are cancelled too, unless `spawnWith({ graceMs })` says otherwise. */
export const DEFAULT_GRACE_MS = 5_000;

/** What FiberCancel needs of its fiber (FiberTask implements it). */
export interface CancelTarget {
  /** The fiber's own token was cancelled (a halt, its parent, a deadline, a bridged signal). */
  tokenCancelled(reason: Cancelled): void;
  /** The grace token of its cleanup was cancelled (a second halt or the grace deadline). */
  graceCancelled(reason: Cancelled): void;
}

/**
 * The cancellation state of one fiber, made only when needed (its token is read, it is
 * halted, its parent is halted, or it was spawned with a token, a signal or a grace): a
 * fiber that is never cancelled and never asked for its token pays one null field. It is
 * the listener of the fiber's own token, so a cancellation from any side reaches the fiber.
 */
export class FiberCancel implements CancelListener {
  next: CancelListener | null = null;
  prev: CancelListener | null = null;
  owner: object | null = null;
  /** The fiber's own token's source; null until made. */
  source: CancelSource | null = null;
  /** The token its cleanup waits under once halted; made at the cleanup's first wait or a second halt. */
  grace: CancelSource | null = null;
  graceMs = DEFAULT_GRACE_MS;
  /** `Date.now()` when the halt began: the grace deadline counts from it. */
  haltedAt = 0;
  /** Its token is a child of a token or signal given at spawn (not of its spawner's). */
  external = false;
  /** Set when the fiber ended: `halt()` operations complete at once from then on. */
  ended = false;
  /** Waits on `halt()` operations, woken when the fiber ends. */
  private endWaiters: List<Waiter<void>> | null = null;
  private endOperation: FiberEnd | null = null;

  constructor(private readonly target: CancelTarget) {}

  onCancel(reason: Cancelled): void {
    this.target.tokenCancelled(reason);
  }

  /** Makes the fiber's token, a child of `parent` (null for a root), and listens to it. */
  makeSource(parent: CancelToken | AbortSignal | null): CancelSource {
    let source: CancelSource;
    if (parent instanceof CancelToken && parent.cancelled) {
      // A token born cancelled still gets a Cancelled of its own (its token is this one).
      source = new CancelSource(null);
      source.cancel(parent.reason);
    } else {
      source = new CancelSource(parent);
    }
    this.source = source;
    if (!source.token.listen(this)) this.target.tokenCancelled(source.token.reason!);
    return source;
  }

  /** The grace token (made on first use, with its deadline counted from the halt). */
  graceSource(): CancelSource {
    if (this.grace !== null) return this.grace;
    const deadline = this.haltedAt + this.graceMs;
    const grace = new CancelSource(null, Number.isFinite(deadline) ? { deadline } : undefined);
    this.grace = grace;
    grace.token.listen(new GraceWatch(this.target));
    return grace;
  }

  /** The operation `halt()` returns: completes once the fiber has ended. */
  endOp(): Operation<void> {
    return (this.endOperation ??= new FiberEnd(this));
  }

  addEndWaiter(waiter: Waiter<void>): void {
    if (this.ended) waiter.wake(undefined);
    else (this.endWaiters ??= new List()).pushBack(waiter);
  }

  removeEndWaiter(waiter: Waiter<void>): boolean {
    return this.endWaiters !== null && this.endWaiters.remove(waiter);
  }

  /**
   * The fiber ended: stop the deadlines, detach from the parent token (unless `keepToken`:
   * running fibers it spawned hang on it), wake `halt()` waits.
   */
  end(keepToken: boolean): unknown[] | null {
    this.ended = true;
    if (!keepToken) this.source?.dispose();
    this.source?.token.unlisten(this);
    this.grace?.dispose();
    const waiters = this.endWaiters;
    if (waiters === null) return null;
    let errors: unknown[] | null = null;
    for (let waiter = waiters.popFront(); waiter !== null; waiter = waiters.popFront()) {
      try {
        waiter.wake(undefined);
      } catch (error) {
        (errors ??= []).push(error);
      }
    }
    return errors;
  }
}

/** The grace token's listener (the FiberCancel itself listens to the fiber's own token). */
class GraceWatch implements CancelListener {
  next: CancelListener | null = null;
  prev: CancelListener | null = null;
  owner: object | null = null;

  constructor(private readonly target: CancelTarget) {}

  onCancel(reason: Cancelled): void {
    this.target.graceCancelled(reason);
  }
}

/**
 * What `fiber.halt()` returns: the end of the fiber, whatever it was. Its outcome is a
 * value that exists once, so every wait on it sees the same end.
 */
class FiberEnd extends Operation<void> {
  constructor(private readonly state: FiberCancel) {
    super();
  }

  park(waiter: Waiter<void>): void {
    this.state.addEndWaiter(waiter);
  }

  unpark(waiter: Waiter<void>): boolean {
    return this.state.removeEndWaiter(waiter);
  }

  describe(): string {
    return 'the end of a halted fiber';
  }
}

/** The operation `halt()` returns for a fiber that had already ended. */
export const ALREADY_ENDED: Operation<void> = new (class AlreadyEnded extends Operation<void> {
  park(waiter: Waiter<void>): void {
    waiter.wake(undefined);
  }

  unpark(): boolean {
    return false;
  }
})();
