import {
  CancelCallback,
  type CancelListener,
  Cancelled,
  CancelSource,
  type CancelToken,
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
  /** A cancellation reaching it from outside its token's own parent. */
  cancelFromParent(reason: Cancelled, hard: boolean): void;
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
  /**
   * The token or signal given at spawn (`spawnWith({ token | signal })`), or inherited from
   * an ended root that had one: what its running children hang on once it ends.
   */
  outside: CancelToken | AbortSignal | null = null;
  /** Set when the fiber ended: `halt()` operations complete at once from then on. */
  ended = false;
  /** Running fibers whose tokens hang on this ended fiber's token: it stays attached for them. */
  private holds = 0;
  /** The ended fiber whose token this one's hangs on (it counts this one in its `holds`). */
  private heldBy: FiberCancel | null = null;
  /** A child of its outside parent, relaying that one's cancellation when its own token cannot. */
  private relay: CancelSource | null = null;
  private graceWatch: CancelCallback | null = null;
  /** Waits on `halt()` operations, woken when the fiber ends. */
  private endWaiters: List<Waiter<void>> | null = null;
  private endOperation: FiberEnd | null = null;

  constructor(private readonly target: CancelTarget) {}

  onCancel(reason: Cancelled): void {
    this.target.tokenCancelled(reason);
  }

  /** Makes the fiber's token, a child of `parent` (null for a root), and listens to it. */
  makeSource(parent: CancelToken | AbortSignal | null): CancelSource {
    const source = new CancelSource(parent);
    this.source = source;
    if (!source.token.listen(this)) this.target.tokenCancelled(source.token.reason!);
    return source;
  }

  /**
   * Its ended spawner, a root with an outside parent, hands it on: it takes that outside
   * parent as its own (so the rule carries down). A token it has already is a child of the
   * spawner's: that one stays attached until this one ends. Had the spawner been halted, its
   * token no longer relays: this one then listens to the outside parent itself.
   */
  adoptOutside(outside: CancelToken | AbortSignal, spawner: FiberCancel): void {
    this.outside = outside;
    const source = this.source;
    if (source === null) {
      this.makeSource(outside);
      return;
    }
    if (source.token.cancelled) return; // halted already: nothing more to relay
    if (!spawner.source!.token.cancelled) {
      spawner.holds++;
      this.heldBy = spawner;
      return;
    }
    const relay = new CancelSource(outside);
    this.relay = relay;
    const target = this.target;
    const relayed = (reason: Cancelled) => target.cancelFromParent(reason, false);
    if (!relay.token.listen(new CancelCallback(relayed))) relayed(relay.token.reason!);
  }

  /** The grace token (made on first use, with its deadline counted from the halt). */
  graceSource(): CancelSource {
    if (this.grace !== null) return this.grace;
    const deadline = this.haltedAt + this.graceMs;
    const grace = new CancelSource(null, Number.isFinite(deadline) ? { deadline } : undefined);
    this.grace = grace;
    const target = this.target;
    this.graceWatch = new CancelCallback((reason) => target.graceCancelled(reason));
    grace.token.listen(this.graceWatch);
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
   * The fiber ended: stop the deadlines and listeners, detach from the parent token (unless
   * running fibers' tokens hang on it: then when the last of them ends), wake `halt()` waits.
   */
  end(): unknown[] | null {
    this.ended = true;
    this.source?.token.unlisten(this);
    if (this.holds === 0) this.detach();
    const grace = this.grace;
    if (grace !== null) {
      grace.token.unlisten(this.graceWatch!);
      grace.dispose();
    }
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

  /** Detaches its token from its parent, then ended fibers held only for it (a loop: chains can be long). */
  private detach(): void {
    this.source?.dispose();
    this.relay?.dispose();
    let holder = this.heldBy;
    this.heldBy = null;
    while (holder !== null && --holder.holds === 0 && holder.ended) {
      holder.source!.dispose();
      const next = holder.heldBy;
      holder.heldBy = null;
      holder = next;
    }
  }
}

/**
 * The Cancelled of a token cancelled because of `cause` (a parent's halt, a grace cut
 * short), made without a stack like core-context's own child reasons: the cause has the
 * stack that matters, and capturing one per fiber would make halting a large tree slow.
 */
export function reasonFrom(cause: Cancelled, token: CancelToken): Cancelled {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new Cancelled(cause.message, { cause, token });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Whether `reason` is, or was caused by, the cancellation of `token`. */
export function causedBy(reason: unknown, token: CancelToken): boolean {
  for (let link = reason; link instanceof Cancelled; link = link.cause) {
    if (link.token === token) return true;
  }
  return false;
}

/**
 * What `fiber.halt()` returns: the end of the fiber, whatever it was. Its outcome is a
 * value that exists once, so every wait on it sees the same end.
 */
class FiberEnd extends Operation<void> {
  constructor(private readonly state: FiberCancel) {
    super();
  }

  /** A withdrawn wait on the end leaves no trace. */
  get selectable(): boolean {
    return true;
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
