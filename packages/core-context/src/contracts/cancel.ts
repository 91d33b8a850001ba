import { describeValue } from '../describe-value.js';
import { Cancelled, TimeoutError } from '../errors.js';
import type { DoublyLinked } from '../intrusive/links.js';
import { List } from '../intrusive/list.js';
import { startTimer, stopTimer, type TimerEntry } from '../timers/timer.js';

/**
 * Told once when a token is cancelled. Intrusive: the listener is the node, so listening
 * allocates nothing (a parked fiber can be its own listener). A listener is unlinked before
 * it is called.
 */
export interface CancelListener extends DoublyLinked<CancelListener> {
  onCancel(reason: Cancelled): void;
}

/**
 * A listener that calls a function, for code whose own object cannot be the listener node
 * (its links already serve a wait queue). One allocation; unlink it with `unlisten`.
 */
export class CancelCallback implements CancelListener {
  next: CancelListener | null = null;
  prev: CancelListener | null = null;
  owner: object | null = null;

  constructor(private readonly callback: (reason: Cancelled) => void) {
    if (typeof callback !== 'function') {
      throw new TypeError(`CancelCallback takes a function (reason) => void, got ${describeValue(callback)}`);
    }
  }

  onCancel(reason: Cancelled): void {
    this.callback(reason);
  }
}

/** Tokens being cancelled, handled in a loop rather than by recursion (deep trees). */
const cancelling: CancelToken[] = [];
let internal = false;
/** Set by CancelToken's static block: makes a token (its constructor is private). */
let makeToken: (deadline: number, cancellable: boolean) => CancelToken;
/** Set by CancelToken's static block: the two ways a token becomes cancelled. */
let cancelTree: (token: CancelToken, reason: Cancelled) => void;
let markChild: (child: CancelToken, parent: CancelToken) => void;

/**
 * The read side of a cancellation: whoever holds it can ask whether it was cancelled, wait
 * for it, or hand it on; only its {@link CancelSource} can cancel it. Tokens form a tree:
 * a child is cancelled with its parent (never the reverse). Its `reason` is a `Cancelled`
 * whose `token` is this token, so code that catches one can tell its own cancellation
 * from a foreign one.
 *
 *     root source ── token ─┬─ child token (a fiber, a scope, a pool task)
 *                           └─ child token ── grandchild …
 *     cancel(root) ⇒ every token below is cancelled, each listener called once
 */
export class CancelToken {
  #reason: Cancelled | undefined = undefined;
  #listeners: List<CancelListener> | null = null;
  #controller: AbortController | null = null;
  #deadline: number;
  /** False for NEVER_CANCELLED: nothing can cancel it, so listening links nothing. */
  #cancellable: boolean;

  /** Tokens are made by a CancelSource: read its `.token`. */
  private constructor(deadline: number, cancellable: boolean) {
    if (!internal) throw new TypeError('CancelToken is made by new CancelSource(); read its .token');
    this.#deadline = deadline;
    this.#cancellable = cancellable;
  }

  /** True once cancelled (by its source, its parent, a deadline or a bridged signal). */
  get cancelled(): boolean {
    return this.#reason !== undefined;
  }

  /** The `Cancelled` of its cancellation; its `cause` says why (a TimeoutError for a deadline, …). */
  get reason(): Cancelled | undefined {
    return this.#reason;
  }

  /** `Date.now()` time at which it cancels itself (its own or an ancestor's); Infinity when none. */
  get deadline(): number {
    return this.#deadline;
  }

  /**
   * An AbortSignal that aborts with `reason` when the token is cancelled, for APIs that take
   * one (`fetch`, `setTimeout` from timers/promises, …). Made on first read.
   */
  get signal(): AbortSignal {
    if (this.#controller === null) {
      this.#controller = new AbortController();
      if (this.#reason !== undefined) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /**
   * Links `listener` to be called once at the cancellation. Returns false, without linking,
   * when the token is cancelled already (the caller acts on `reason` itself). A token that
   * can never be cancelled ({@link NEVER_CANCELLED}) returns true without linking anything,
   * so listening on it costs no memory (its `unlisten` then returns false).
   */
  listen(listener: CancelListener): boolean {
    if (this.#reason !== undefined) return false;
    if (!this.#cancellable) return true;
    (this.#listeners ??= new List()).pushBack(listener);
    return true;
  }

  /** Unlinks `listener`; false when it was not linked here (already called, or never listened). */
  unlisten(listener: CancelListener): boolean {
    return this.#listeners !== null && this.#listeners.remove(listener);
  }

  /** Throws `reason` when cancelled. */
  throwIfCancelled(): void {
    if (this.#reason !== undefined) throw this.#reason;
  }

  static {
    makeToken = (deadline, cancellable) => {
      internal = true;
      try {
        return new CancelToken(deadline, cancellable);
      } finally {
        internal = false;
      }
    };
    // Marks a token cancelled and calls every listener, children's included, breadth first
    // through `cancelling` rather than by recursion.
    cancelTree = (token, reason) => {
      if (token.#reason !== undefined) return;
      token.#reason = reason;
      cancelling.push(token);
      if (cancelling.length > 1) return; // an outer call is draining
      let errors: unknown[] | null = null;
      for (let index = 0; index < cancelling.length; index++) {
        const next = cancelling[index]!;
        const reasonOfNext = next.#reason!;
        next.#controller?.abort(reasonOfNext);
        const listeners = next.#listeners;
        if (listeners === null) continue;
        for (let listener = listeners.popFront(); listener !== null; listener = listeners.popFront()) {
          try {
            listener.onCancel(reasonOfNext);
          } catch (error) {
            (errors ??= []).push(error);
          }
        }
      }
      cancelling.length = 0;
      if (errors !== null) {
        throw errors.length === 1 ? errors[0] : new AggregateError(errors, 'Cancel listeners threw');
      }
    };
    markChild = (child, parent) => {
      const reason = parent.#reason;
      if (reason === undefined || child.#reason !== undefined) return;
      child.#reason = childReason(reason, child);
      cancelling.push(child);
    };
  }
}

/** Options of a CancelSource. */
export interface CancelSourceOptions {
  /** Cancel by itself this many milliseconds from now (with a TimeoutError as the cause). */
  timeout?: number;
  /** Cancel by itself at this `Date.now()` time. */
  deadline?: number;
}

/**
 * The write side of a cancellation: makes a token and cancels it. With a parent (a token or
 * an AbortSignal) its token is cancelled when the parent is; with a timeout or deadline it
 * cancels itself then. Call `dispose()` when its work ends, so a long-lived parent does not
 * keep it (and a deadline timer) alive.
 */
export class CancelSource {
  readonly token: CancelToken;
  #link: ParentLink | null = null;
  #timer: DeadlineTimer | null = null;

  constructor(parent?: CancelToken | AbortSignal | null, options?: CancelSourceOptions) {
    checkParent(parent);
    const own = ownDeadline(options);
    const inherited = parent instanceof CancelToken ? parent.deadline : Number.POSITIVE_INFINITY;
    this.token = makeToken(Math.min(own, inherited), true);
    if (parent instanceof CancelToken) {
      if (parent.cancelled) {
        this.cancelBecause(childReason(parent.reason!, this.token));
        return;
      }
      this.#link = new ParentLink(this, parent);
      parent.listen(this.#link);
    } else if (parent instanceof AbortSignal) {
      if (parent.aborted) {
        this.cancel(parent.reason);
        return;
      }
      this.#link = new ParentLink(this, parent);
      parent.addEventListener('abort', this.#link, { once: true });
    }
    if (own !== Number.POSITIVE_INFINITY) {
      this.#timer = new DeadlineTimer(this);
      startTimer(this.#timer, Math.max(0, own - Date.now()));
    }
  }

  /**
   * Cancels the token (and its children). `reason` becomes the `cause` of the token's
   * `Cancelled` (or is that Cancelled itself when it is one for this token). A second
   * call does nothing.
   */
  cancel(reason?: unknown): void {
    if (this.token.cancelled) return;
    const cancelled =
      reason instanceof Cancelled && reason.token === this.token
        ? reason
        : new Cancelled('The operation was cancelled', {
            cause: reason,
            token: this.token,
          });
    this.cancelBecause(cancelled);
  }

  /** Detaches from the parent and the deadline; the token stays as it is (cancelled or not, for good). */
  dispose(): void {
    this.#link?.detach();
    this.#link = null;
    if (this.#timer !== null) stopTimer(this.#timer);
    this.#timer = null;
  }

  private cancelBecause(reason: Cancelled): void {
    this.dispose();
    cancelTree(this.token, reason);
  }

  /** @internal the deadline passed */
  expire(): void {
    this.#timer = null;
    this.cancel(new TimeoutError(`The deadline passed`));
  }
}

/** A child's node in its parent's listeners (or its abort listener on a bridged signal). */
class ParentLink implements CancelListener {
  next: CancelListener | null = null;
  prev: CancelListener | null = null;
  owner: object | null = null;

  constructor(
    private readonly child: CancelSource,
    private readonly parent: CancelToken | AbortSignal,
  ) {}

  /** Called while the parent's cancellation drains: queues the child instead of recursing. */
  onCancel(): void {
    this.child.dispose();
    markChild(this.child.token, this.parent as CancelToken);
  }

  /** The bridged signal aborted. */
  handleEvent(): void {
    this.child.cancel((this.parent as AbortSignal).reason);
  }

  detach(): void {
    if (this.parent instanceof CancelToken) this.parent.unlisten(this);
    else this.parent.removeEventListener('abort', this);
  }
}

class DeadlineTimer implements TimerEntry {
  deadline = 0;
  seq = 0;
  index = -1;

  constructor(private readonly source: CancelSource) {}

  expire(): void {
    this.source.expire();
  }
}

/**
 * A child's reason: its own Cancelled, caused by its parent's. Made without a stack (the
 * cause has the one that matters, where the cancel was called), since capturing one per
 * token would make cancelling a large tree cost microseconds per node.
 */
function childReason(parentReason: Cancelled, child: CancelToken): Cancelled {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new Cancelled(parentReason.message, { cause: parentReason, token: child });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function checkParent(parent: unknown): void {
  if (parent === undefined || parent === null) return;
  if (parent instanceof CancelToken || parent instanceof AbortSignal) return;
  throw new TypeError('A CancelSource parent must be a CancelToken, an AbortSignal, null or undefined');
}

function ownDeadline(options: CancelSourceOptions | undefined): number {
  if (options === undefined) return Number.POSITIVE_INFINITY;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('CancelSource options must be an object like { timeout } or { deadline }');
  }
  const { timeout, deadline } = options;
  if (timeout !== undefined && deadline !== undefined) {
    throw new TypeError('CancelSource takes a timeout or a deadline, not both');
  }
  if (timeout !== undefined) {
    if (typeof timeout !== 'number' || !(timeout >= 0)) {
      throw new RangeError(`timeout must be a non-negative number of milliseconds, got ${String(timeout)}`);
    }
    return Date.now() + timeout;
  }
  if (deadline !== undefined) {
    if (typeof deadline !== 'number' || Number.isNaN(deadline)) {
      throw new RangeError(`deadline must be a Date.now() time in milliseconds, got ${String(deadline)}`);
    }
    return deadline;
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * A token that is never cancelled: the root of a shield (`new CancelSource(NEVER_CANCELLED)`
 * is a fresh root). Nothing links to it: listening on it, or making sources under it,
 * keeps nothing alive.
 */
export const NEVER_CANCELLED: CancelToken = makeToken(Number.POSITIVE_INFINITY, false);
