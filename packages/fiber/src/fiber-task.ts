import {
  Cancelled,
  type CancelSource,
  type CancelToken,
  type Executor,
  faultPoint,
  InvalidStateError,
  isWaitable,
  List,
  type Operation,
  type Runnable,
  tracer,
  type Waitable,
  type Waiter,
} from '@spindle/core-context';
import { loopExecutor } from '@spindle/executor';
import { FiberFailedError } from './errors.js';
import type { Fiber } from './fiber.js';
import { ALREADY_ENDED, type CancelTarget, causedBy, FiberCancel, reasonFrom } from './fiber-cancel.js';
import { handChildrenOn, type TreeNode } from './fiber-tree.js';
import { childLineage, type Lineage } from './lineage.js';
import { type LocalsHolder, rootLocals, setLocalsSource } from './locals.js';
import { isPromiseLike, PromiseWait } from './promise-wait.js';
import { register, unregister } from './registry.js';
import { RESCHEDULE } from './reschedule.js';
import { reportUnjoinedLater } from './unjoined.js';

/** What a fiber is doing; `halting` means it runs its `finally` blocks after `halt()`. */
export type FiberStatus = 'ready' | 'running' | 'suspended' | 'halting' | 'done' | 'failed' | 'halted';

/** The generator a fiber runs. What it sends back into `yield` depends on what was yielded. */
// biome-ignore lint/suspicious/noExplicitAny: a fiber resumes each yield with that wait's own result type
export type FiberGenerator<T> = Generator<unknown, T, any>;

// Internal states; `halting` is derived from the HALT flag.
const READY = 0;
const RUNNING = 1;
const SUSPENDED = 2;
const DONE = 3;
const FAILED = 4;
const HALTED = 5;
const STATUS: readonly FiberStatus[] = ['ready', 'running', 'suspended', 'done', 'failed', 'halted'];

// Flags.
/** Parked on `waitable` and still accepting a result. */
const PARKED = 1;
/** `value` is an error to throw into the generator at the next resume. */
const THROW = 2;
/** `halt()` was called. */
const HALT = 4;
/** `return()` was issued: the generator runs its finally blocks. */
const UNWINDING = 8;
/** `locals` is this fiber's own array (not shared with its parent or children). */
const OWNS_LOCALS = 16;
/** Someone waited on the result, so a failure was observed. */
const JOINED = 32;
/** After the end, `value` holds the error joiners receive. */
const WRAPPED = 64;
/** Handed back to a FiberPool. */
const RELEASED = 128;
/** `origin` is this fiber's own Lineage (its spawner's is `origin.parent`). */
const OWN_LINEAGE = 256;
/** Parked and claimed by a waitable that will settle or release it before it returns. */
const CLAIMED = 512;
/** Cancelled while claimed: the claim's settle is its final outcome, a release withdraws it then. */
const SHIELDED = 1024;
/** Its cleanup's grace token was cancelled: the cleanup's waits end with its Cancelled. */
const GRACE_CUT = 2048;
/**
 * Its waitable's unpark answered 'pending': exactly one final outcome is still coming, and
 * it stays parked until that arrives (no second unpark), then unwinds.
 */
const PENDING = 4096;
/** Any of these: a wake is not an ordinary resume. */
const NOT_PLAIN = CLAIMED | SHIELDED | PENDING;

/** Fibers whose cancellation still has to reach their children, with its reason (pairs), drained in a loop. */
const cascading: unknown[] = [];

let running: FiberTask | null = null;
let nextId = 1;
/** Runs of any fiber, wrapping (kept a small integer so counting never allocates). */
let resumes = 0;

/** @internal how many times fibers have run, modulo 2^30: the exit report's sign of progress. */
export function resumeCount(): number {
  return resumes;
}

/** @internal the task whose code is running now, or null outside fibers. */
export function currentTask(): FiberTask | null {
  return running;
}

setLocalsSource((): LocalsHolder => running ?? rootLocals);

/**
 * @internal The scheduler's side of a fiber: a generator driven as a green thread. It is
 * its own intrusive run-queue node (Runnable) and its own waiter (Waiter), so scheduling and
 * waiting allocate nothing. Users hold its `Fiber` handle instead, which offers no way to
 * wake, run or relink it; only the Waitables it parks on see the task itself.
 *
 * The driver reads what the generator yields: a Waitable parks the fiber on it; a promise
 * is waited on; `undefined` (a bare `yield`) or `yieldNow()` reschedules it.
 *
 * Why it drives its generator itself rather than through core-context's `Coroutine`: the
 * run state, the wait state and the cancellation state share one flags word here, read
 * together on every step (a wake, a halt and a claim must see one another), and the
 * cancellation differs: a halt unwinds at the next step and its cleanup's waits are cut by
 * a grace token (thrown at the wait), where `Coroutine.cancel()` returns at once and a
 * second call skips the rest of a `finally`. A Coroutine per fiber would add an object and
 * a second status to keep in step on the hottest path (measured budget: a handoff is tens
 * of ns).
 */
export class FiberTask<T = unknown> implements Runnable, Waiter, LocalsHolder, CancelTarget, TreeNode {
  next: (Runnable & Waiter) | null = null;
  prev: Waiter | null = null;
  owner: object | null = null;
  /** Unique id (a pooled record gets a new one each time it is spawned). */
  id = 0;
  /** The executor that runs this fiber; children spawned inside it default to it. */
  executor: Executor = loopExecutor;
  /** Fiber-local values (see FiberLocal), possibly shared with the parent until written. */
  locals: unknown[] = rootLocals.locals;
  /** Links of the spawn tree, which is also the live-fiber registry (see fiber-tree.ts). */
  treeParent: FiberTask | null = null;
  firstChild: FiberTask | null = null;
  nextSibling: FiberTask | null = null;
  prevSibling: FiberTask | null = null;
  /** Its token, grace and `halt()` waits, made when first needed (see FiberCancel). */
  private cancelState: FiberCancel | null = null;
  private label: string | null = null;
  private state = READY;
  private flags = 0;
  private gen: FiberGenerator<T> | null = null;
  /** The resume value or error while it runs; the result or error once it ended. */
  private value: unknown = undefined;
  /** What it waits on; kept after a wake until it resumes, so a halt can restore the result. */
  private waitable: Waitable | null = null;
  private joiners: List<Waiter<T>> | null = null;
  /**
   * Its spawner's Lineage (null outside fibers), or once OWN_LINEAGE is set its own. A
   * Lineage, not the parent Fiber, so a finished parent can be collected.
   */
  private origin: Lineage | null = null;

  /** `handle` is the Fiber users hold; it makes its task and keeps it for life. */
  constructor(readonly handle: Fiber<T>) {}

  /** The name given at spawn, else `fiber-<id>`. */
  get name(): string {
    return this.label ?? `fiber-${this.id}`;
  }

  get status(): FiberStatus {
    const state = this.state;
    return state < DONE && (this.flags & HALT) !== 0 ? 'halting' : STATUS[state]!;
  }

  /** Whether `locals` may be written in place. */
  get ownsLocals(): boolean {
    return (this.flags & OWNS_LOCALS) !== 0;
  }

  set ownsLocals(owns: boolean) {
    this.flags = owns ? this.flags | OWNS_LOCALS : this.flags & ~OWNS_LOCALS;
  }

  /**
   * See `Fiber.halt`: the first call cancels the fiber's token, a second one its cleanup's
   * grace token. Returns the end of the fiber as an operation.
   */
  halt(reason: unknown): Operation<void> {
    if (this.state >= DONE) return ALREADY_ENDED;
    const cancel = this.cancelState ?? this.makeCancelState();
    if ((this.flags & HALT) === 0) {
      const source = cancel.source ?? this.makeSources();
      source.cancel(reason === undefined ? this.haltReason(source.token) : reason);
    } else {
      cancel.graceSource().cancel(reason);
    }
    return cancel.endOp();
  }

  /** The fiber's own token (made on first read, a child of its spawner's). */
  get ownToken(): CancelToken {
    const source = this.cancelState?.source;
    return (source ?? this.makeSources()).token;
  }

  /**
   * The cancellation it waits under (Waiter.token): its own token, and in the cleanup after
   * a halt its grace token, so a waitable can still tell a select's losing case (not
   * cancelled) from a cleanup wait cut short.
   */
  get token(): CancelToken {
    return (this.flags & UNWINDING) !== 0 ? this.graceToken() : this.ownToken;
  }

  /** @internal its own token was cancelled: halt it (once), and its children. */
  tokenCancelled(reason: Cancelled): void {
    const state = this.state;
    if (state < DONE && (this.flags & HALT) === 0) {
      this.flags |= HALT;
      this.cancelState!.haltedAt = Date.now();
      if (tracer !== null) tracer.instant('fiber', 'halt', this.id);
      // A waitable whose unpark or restore throws leaves its error for the fiber (withdraw):
      // the fiber still runs and unwinds, it is never stuck 'halting'.
      if (state === SUSPENDED) {
        this.withdraw();
        if ((this.flags & (SHIELDED | PENDING)) === 0) this.reschedule();
      } else if (state === READY) {
        this.withdraw();
      }
    }
    if (this.firstChild !== null) cascade(this, reason);
  }

  /** @internal the grace of its cleanup ended: its waits end with `reason`, and so do its children's. */
  graceCancelled(reason: Cancelled): void {
    if (this.state >= DONE) return;
    this.flags |= GRACE_CUT;
    if (this.state === SUSPENDED && (this.flags & (PARKED | SHIELDED | PENDING)) === PARKED) {
      this.withdraw();
      if ((this.flags & (SHIELDED | PENDING)) === 0) this.resumeCancelled();
    }
    if (this.firstChild !== null) cascade(this, reason);
  }

  /**
   * @internal a halt reaching it from its spawner (through the spawn tree). `hard`: the
   * spawner's grace ended, so this one's cleanup is cut short too (halted first if need be).
   */
  cancelFromParent(reason: Cancelled, hard: boolean): void {
    const cancel = this.cancelState ?? this.makeCancelState();
    const source = cancel.source ?? cancel.makeSource(null);
    if (!source.token.cancelled) source.cancel(reasonFrom(reason, source.token));
    if (hard && this.state < DONE && (this.flags & GRACE_CUT) === 0) {
      const grace = cancel.graceSource();
      grace.cancel(reasonFrom(reason, grace.token));
    }
  }

  private makeCancelState(): FiberCancel {
    const cancel = new FiberCancel(this);
    this.cancelState = cancel;
    return cancel;
  }

  /**
   * Makes its token, and those of its spawners that have none yet, top down in a loop (a
   * deep chain must not recurse): each a child of its live spawner's (of its grace token
   * while that one halts), else a root.
   */
  private makeSources() {
    const parent = this.state < DONE ? this.treeParent : null;
    if (parent === null || parent.cancelState?.source != null) return this.makeSource(parent);
    const chain: FiberTask[] = [this];
    for (
      let node: FiberTask | null = parent;
      node !== null && node.cancelState?.source == null;
      node = node.treeParent
    ) {
      chain.push(node);
    }
    let source: CancelSource;
    do {
      const node = chain.pop()!;
      source = node.makeSource(node.treeParent);
    } while (chain.length > 0);
    return source;
  }

  /** Makes its own token under `parent`'s (which has one already, or is null: a root). */
  private makeSource(parent: FiberTask | null) {
    const cancel = this.cancelState ?? this.makeCancelState();
    const parentToken =
      parent === null
        ? null
        : (parent.flags & HALT) !== 0
          ? parent.graceToken()
          : parent.cancelState!.source!.token;
    return cancel.makeSource(parentToken);
  }

  /** The token its cleanup waits under once halted. */
  private graceToken(): CancelToken {
    return this.cancelState!.graceSource().token;
  }

  private haltReason(token: CancelToken): Cancelled {
    return new Cancelled(`${this.describe()} was halted`, { token });
  }

  /** A readable account of what the fiber waits on, or null when it does not wait. */
  waitingOn(): string | null {
    const waitable = this.waitable;
    if (waitable === null || this.state >= DONE) return null;
    return describeWaitable(waitable);
  }

  /** The waitable it is parked on (null when not parked). */
  parkedOn(): Waitable | null {
    return this.state === SUSPENDED ? this.waitable : null;
  }

  describe(): string {
    return `fiber #${this.id} "${this.name}"`;
  }

  /** Starts a fresh or recycled record on a checked generator (see spawnFrom). */
  start(
    gen: FiberGenerator<T>,
    executor: Executor,
    name: string | null,
    parent: FiberTask | null,
    /** In debug mode: the spawn function, the top frame left out of the recorded site. */
    siteBelow: Function | null,
    /** What its token is a child of instead of its spawner's (`spawnWith({ token | signal })`). */
    cancelParent: CancelToken | AbortSignal | undefined,
    /** Its cleanup's grace after a halt (`spawnWith({ graceMs })`). */
    graceMs: number | undefined,
  ): this {
    this.id = nextId++;
    this.gen = gen;
    this.executor = executor;
    this.label = name;
    this.state = READY;
    this.flags = 0;
    this.value = undefined;
    this.cancelState = null;
    this.origin = parent === null ? null : parent.lineage();
    if (siteBelow !== null) Error.captureStackTrace(this.lineage(), siteBelow);
    const localsSource = parent ?? rootLocals;
    this.locals = localsSource.locals;
    localsSource.ownsLocals = false;
    // A fiber given its own token or signal is a root: its spawner's halt does not reach it.
    const spawner = cancelParent === undefined ? parent : null;
    register(this, spawner);
    if (tracer !== null) tracer.instant('fiber', 'spawn', this.id);
    if (cancelParent !== undefined || graceMs !== undefined) {
      const cancel = this.makeCancelState();
      if (graceMs !== undefined) cancel.graceMs = graceMs;
      if (cancelParent !== undefined) {
        cancel.outside = cancelParent;
        cancel.makeSource(cancelParent);
      }
    }
    if (spawner !== null && (spawner.flags & HALT) !== 0) this.bornToHalted(spawner);
    executor.submit(this);
    return this;
  }

  /**
   * Spawned by a halted fiber: halted at once when that one is not yet unwinding or its
   * cleanup's grace ended; a child spawned by a cleanup lives under its grace.
   */
  private bornToHalted(parent: FiberTask): void {
    const flags = parent.flags;
    if ((flags & UNWINDING) === 0) this.cancelFromParent(parent.ownToken.reason!, false);
    else if ((flags & GRACE_CUT) !== 0) this.cancelFromParent(parent.graceToken().reason!, true);
  }

  /** Marks the record as handed back to a pool; false if it was already. */
  markReleased(): boolean {
    if (this.state < DONE) {
      throw new InvalidStateError(
        `${this.describe()} is ${this.status}: only a finished fiber can be released`,
      );
    }
    if ((this.flags & RELEASED) !== 0) return false;
    this.flags |= RELEASED;
    this.value = undefined;
    this.origin = null;
    this.cancelState = null;
    return true;
  }

  run(): void {
    // Only a submitted fiber runs: a stray run (a misbehaving Waitable, a resubmit of a
    // finished fiber) must not step a generator that waits or ended.
    if (this.state !== READY) return;
    const previous = running;
    running = this as FiberTask;
    resumes = (resumes + 1) & 0x3fffffff;
    if (tracer !== null) tracer.begin('fiber', 'resume', this.id);
    this.state = RUNNING;
    try {
      this.drive();
    } finally {
      running = previous;
      if (tracer !== null) tracer.end('fiber', 'resume', this.id);
    }
  }

  /** A fiber waits for itself: its own select group. */
  get group(): object {
    return this;
  }

  /** Reserves the parked fiber for one outcome; false when it is not parked or already claimed. */
  claim(): boolean {
    const flags = this.flags;
    if ((flags & (PARKED | CLAIMED)) !== PARKED) return false;
    this.flags = flags | CLAIMED;
    return true;
  }

  /**
   * Gives a claim back: it accepts again, or, halted meanwhile, leaves its wait now. A wait
   * whose cancel is pending already keeps waiting for its final outcome (no second unpark).
   */
  release(): void {
    const flags = this.flags;
    if ((flags & CLAIMED) === 0) return;
    this.flags = flags & ~CLAIMED;
    if ((flags & SHIELDED) !== 0) {
      this.flags &= ~SHIELDED;
      this.withdraw();
      if ((this.flags & PENDING) === 0) this.resumeCancelled();
    }
  }

  /** Delivers the claimed outcome. */
  settle(ok: boolean, outcome: unknown): void {
    const flags = this.flags;
    if ((flags & CLAIMED) === 0) {
      throw new InvalidStateError(`${this.describe()} was settled without a claim`);
    }
    this.flags = flags & ~CLAIMED;
    if ((flags & (SHIELDED | PENDING)) !== 0) this.finalOutcome(ok, outcome);
    else this.endWait(outcome, ok ? 0 : THROW);
  }

  wake(value: unknown): boolean {
    // One test on the fast path: parked, not claimed, not shielded, no cancel pending.
    if ((this.flags & (PARKED | NOT_PLAIN)) === PARKED) return this.endWait(value, 0);
    return this.lateOutcome(true, value);
  }

  fail(error: unknown): boolean {
    if ((this.flags & (PARKED | NOT_PLAIN)) === PARKED) return this.endWait(error, THROW);
    return this.lateOutcome(false, error);
  }

  /** A wake or fail off the fast path: the final outcome of a pending cancel, else refused. */
  private lateOutcome(ok: boolean, outcome: unknown): boolean {
    if ((this.flags & (PARKED | CLAIMED | PENDING)) !== (PARKED | PENDING)) return false;
    this.finalOutcome(ok, outcome);
    return true;
  }

  /**
   * The final outcome of a wait the fiber was cancelled out of: a value goes back to the
   * waitable (restore), a failure is dropped, and the fiber goes on unwinding.
   */
  private finalOutcome(ok: boolean, outcome: unknown): void {
    const waitable = this.waitable;
    this.waitable = null;
    this.flags &= ~(PARKED | SHIELDED | PENDING);
    if (ok && waitable !== null) {
      try {
        waitable.restore?.(outcome);
      } catch (error) {
        this.value = error;
        this.flags |= THROW;
      }
    }
    this.resumeCancelled();
  }

  /**
   * Resumes a fiber taken out of its wait by a cancellation: a halt unwinds it at its next
   * step (drive); in the cleanup, the grace token's Cancelled is thrown at the wait.
   */
  private resumeCancelled(): void {
    if ((this.flags & (UNWINDING | THROW)) === UNWINDING) {
      this.value = this.graceToken().reason;
      this.flags |= THROW;
    }
    if (this.state === SUSPENDED) this.reschedule();
  }

  /**
   * Joins `waiter` to the result (the Fiber's `park`). A join counts as observing a failure
   * only once the outcome is delivered, so a withdrawn join (a select's losing case) leaves
   * no trace.
   */
  addJoiner(waiter: Waiter<T>): void {
    if (this.state >= DONE) {
      this.settleJoiner(waiter);
    } else if (waiter === (this as Waiter)) {
      waiter.fail(new InvalidStateError(`${this.describe()} cannot join itself: it would wait forever`));
    } else {
      if (this.joiners === null) this.joiners = new List();
      this.joiners.pushBack(waiter);
    }
  }

  /** Withdraws a joiner (the Fiber's `unpark`). */
  removeJoiner(waiter: Waiter<T>): boolean {
    return this.joiners !== null && this.joiners.remove(waiter);
  }

  /** Steps the generator until it parks, reschedules or ends. */
  private drive(): void {
    const gen = this.gen!;
    let input = this.value;
    this.value = undefined;
    this.waitable = null;
    for (;;) {
      let step: IteratorResult<unknown, T>;
      const flags = this.flags;
      try {
        // An error for the fiber goes first, even when halted: it is what its last wait
        // produced (a waitable that failed to withdraw it), and the halt follows at its next yield.
        if ((flags & THROW) !== 0) {
          this.flags = flags & ~THROW;
          step = gen.throw(input);
        } else if ((flags & (HALT | UNWINDING)) === HALT) {
          this.flags = flags | UNWINDING;
          step = gen.return(undefined as T);
        } else {
          step = gen.next(input);
        }
      } catch (error) {
        // Once its token is cancelled, that cancellation ends the fiber halted however it
        // surfaced: thrown at a wait the halt interrupted (a `yield*` cannot resume a
        // `return()` after it waited), by the grace's end, or by a wait on its own token
        // (or an ancestor's whose cancellation halted it). A foreign limit stays a failure.
        const halted = (this.flags & HALT) !== 0 && this.isOwnCancellation(error);
        this.finish(halted ? HALTED : FAILED, error);
        return;
      }
      if (step.done === true) {
        // Halted, even when the body caught its Cancelled and returned.
        this.finish((this.flags & HALT) !== 0 ? HALTED : DONE, step.value);
        return;
      }
      input = undefined;
      if ((this.flags & HALT) !== 0) {
        // Halted by its own code while it ran: unwind instead of waiting.
        if ((this.flags & UNWINDING) === 0) continue;
        // In the cleanup after the grace ended: the wait fails at once.
        if ((this.flags & GRACE_CUT) !== 0) {
          input = this.graceToken().reason;
          this.flags |= THROW;
          continue;
        }
      }
      const yielded = step.value;
      if (yielded === undefined || yielded === RESCHEDULE) {
        this.reschedule();
        return;
      }
      let waitable: Waitable;
      try {
        waitable = waitableOf(yielded);
      } catch (error) {
        // A getter that throws, a revoked Proxy, a value that cannot be waited on: the
        // fiber's own mistake, so the fiber gets the error, not the executor.
        input = error;
        this.flags |= THROW;
        continue;
      }
      this.waitable = waitable;
      this.flags |= PARKED;
      try {
        waitable.park(this);
      } catch (error) {
        this.withdraw();
        // A Waitable whose park broke may break on unpark too: the fiber gets both.
        input =
          (this.flags & THROW) !== 0
            ? new AggregateError([error, this.value], 'A waitable threw in park, then in unpark')
            : error;
        this.value = undefined;
        this.flags |= THROW;
        continue;
      }
      if ((this.flags & PARKED) !== 0) {
        if ((this.flags & HALT) !== 0 && this.haltedInPark()) {
          // Cancelled by its own code inside park; an unpark error goes into the generator.
          this.withdraw();
          if ((this.flags & (SHIELDED | PENDING)) !== 0) {
            this.state = SUSPENDED; // the one outcome still coming resumes it
            return;
          }
          this.resumeCancelled();
          input = this.value;
          this.value = undefined;
          continue;
        }
        this.state = SUSPENDED;
        if (tracer !== null) tracer.instant('fiber', 'suspend', this.id);
        return;
      }
      // The wait completed inside park (rule 1). Halted meanwhile (by its own code inside
      // park) and about to unwind: the result goes back (restore), never silently dropped.
      if ((this.flags & (HALT | UNWINDING)) === HALT) {
        this.withdraw();
        input = this.value;
        this.value = undefined;
        continue;
      }
      // A fault point may add a trip through the executor here, so seeded tests also see
      // the interleavings of a later wake.
      if (faultPoint('fiber.resume')) {
        this.reschedule();
        return;
      }
      input = this.value;
      this.value = undefined;
      this.waitable = null;
    }
  }

  /**
   * Whether a halt (or, in the cleanup, the grace's end) came while it parked. A cleanup
   * wait that may go on parks under the grace token, made (and its deadline armed) here.
   */
  private haltedInPark(): boolean {
    const flags = this.flags;
    if ((flags & UNWINDING) === 0 || (flags & GRACE_CUT) !== 0) return true;
    this.graceToken();
    return false;
  }

  /** Hands a parked fiber what its wait produced (`throwIt` is THROW for an error) and reschedules it once it has suspended. */
  private endWait(outcome: unknown, throwIt: number): boolean {
    if ((this.flags & PARKED) === 0) return false;
    this.flags = (this.flags & ~PARKED) | throwIt;
    this.value = outcome;
    if (this.state === SUSPENDED) this.reschedule();
    return true;
  }

  private reschedule(): void {
    this.state = READY;
    this.executor.submit(this);
  }

  /**
   * Takes the fiber out of its wait: unparks it, or hands back a result it will not use.
   * Never throws: an error of the waitable's unpark or restore becomes the fiber's (`value`
   * with THROW), thrown into the generator at its next step.
   */
  private withdraw(): void {
    const waitable = this.waitable;
    if (waitable === null) return;
    const flags = this.flags;
    if ((flags & CLAIMED) !== 0) {
      // A waitable holds a claim and will settle or release it before it returns: wait for that.
      this.flags = flags | SHIELDED;
      return;
    }
    if ((flags & PENDING) !== 0) return; // asked once already: its final outcome is coming
    const unused = this.value;
    this.waitable = null;
    this.flags = flags & ~(PARKED | THROW);
    this.value = undefined;
    try {
      if ((flags & PARKED) !== 0) {
        if (waitable.unpark(this) === 'pending') {
          // One final outcome is still coming: stay parked until it arrives.
          this.waitable = waitable;
          this.flags |= PARKED | PENDING;
        }
      } else if ((flags & THROW) === 0) waitable.restore?.(unused);
    } catch (error) {
      this.value = error;
      this.flags |= THROW;
    }
  }

  private finish(state: number, value: unknown): void {
    this.state = state;
    this.gen = null;
    this.value = value;
    this.waitable = null;
    if (this.firstChild !== null) this.leaveChildren();
    unregister(this);
    if (tracer !== null) tracer.instant('fiber', 'finish', this.id, state);
    if (state === FAILED && (this.flags & JOINED) === 0) reportUnjoinedLater(this);
    // Every joiner (and every wait on halt()) is settled even if waking one throws (a
    // broken Waiter, an executor that refuses): one error must not leave the others waiting.
    let errors = this.cancelState?.end() ?? null;
    const joiners = this.joiners;
    if (joiners !== null) {
      for (let waiter = joiners.popFront(); waiter !== null; waiter = joiners.popFront()) {
        try {
          this.settleJoiner(waiter);
        } catch (error) {
          (errors ??= []).push(error);
        }
      }
    }
    if (errors !== null) {
      throw errors.length === 1
        ? errors[0]
        : new AggregateError(errors, `Waking the joiners of ${this.describe()} failed`);
    }
  }

  /**
   * Hands its running children to its own spawner. A root with an outside parent (a token
   * or signal given at spawn, or inherited so) hands them to that instead: each takes it
   * as its own outside parent, so the rule carries down. Other roots' children become roots.
   */
  private leaveChildren(): void {
    const heir = this.treeParent;
    const cancel = heir === null ? this.cancelState : null;
    const outside = cancel === null ? null : cancel.outside;
    handChildrenOn<FiberTask>(this, heir, (child) => {
      if (outside !== null) (child.cancelState ?? child.makeCancelState()).adoptOutside(outside, cancel!);
    });
  }

  /** Delivers the outcome to a joiner; one that takes it has observed a failure. */
  private settleJoiner(waiter: Waiter<T>): void {
    const taken = this.state === DONE ? waiter.wake(this.value as T) : waiter.fail(this.outcomeError());
    if (taken) this.flags |= JOINED;
  }

  /** Whether `error` is the cancellation that halted it: its own token's, its grace's, or an ancestor's that caused them. */
  private isOwnCancellation(error: unknown): boolean {
    if (!(error instanceof Cancelled) || error.token === undefined) return false;
    const cancel = this.cancelState!;
    return (
      causedBy(cancel.source!.token.reason, error.token) || causedBy(cancel.grace?.token.reason, error.token)
    );
  }

  /** The error joiners receive (built once, on first use). */
  outcomeError(): Error {
    if ((this.flags & WRAPPED) === 0) {
      const token = this.cancelState?.source?.token;
      this.value =
        this.state === FAILED
          ? new FiberFailedError(this.lineage(), this.value)
          : new Cancelled(`Fiber #${this.id} "${this.name}" was halted before it finished`, {
              cause: token?.reason,
              token,
            });
      this.flags |= WRAPPED;
    }
    return this.value as Error;
  }

  /** Its own Lineage, for its children and its failure: made once, then shared. */
  lineage(): Lineage {
    if ((this.flags & OWN_LINEAGE) !== 0) return this.origin!;
    const own = childLineage(this.origin, this.id, this.name);
    this.origin = own;
    this.flags |= OWN_LINEAGE;
    return own;
  }

  /** @internal whether the grace of its cleanup ended. */
  get graceCut(): boolean {
    return (this.flags & GRACE_CUT) !== 0;
  }

  /** Whether anyone waited on the result. */
  get joined(): boolean {
    return (this.flags & JOINED) !== 0;
  }
}

/** What the driver waits on for a yielded value; throws (a TypeError, or whatever inspecting it throws) when it is neither a Waitable nor a thenable. */
function waitableOf(yielded: unknown): Waitable {
  if (isWaitable(yielded)) return yielded;
  if (isPromiseLike(yielded)) return new PromiseWait(yielded);
  throw new TypeError(
    `A fiber yielded ${typeof yielded}: yield a Waitable (yield* op), a promise, or nothing to reschedule`,
  );
}

/** A waitable's `describe()`, else its class name. */
export function describeWaitable(waitable: Waitable): string {
  try {
    return waitable.describe?.() ?? waitable.constructor?.name ?? 'a waitable';
  } catch {
    // A listing or the report at exit must not fail over one waitable's broken describe().
    return 'a waitable (its describe() threw)';
  }
}

/**
 * Hands `reason` down the spawn tree below `task`: each child's token is cancelled (which
 * halts it and, through this, its own children). A loop over a queue, not recursion, so a
 * deep tree cannot overflow the stack.
 */
function cascade(task: FiberTask, reason: Cancelled): void {
  cascading.push(task, reason);
  if (cascading.length > 2) return; // an outer call is draining
  let errors: unknown[] | null = null;
  for (let index = 0; index < cascading.length; index += 2) {
    const parent = cascading[index] as FiberTask;
    const parentReason = cascading[index + 1] as Cancelled;
    // A snapshot: on an inline executor a halted child may end, and leave the list, at once.
    const children: FiberTask[] = [];
    for (let child = parent.firstChild; child !== null; child = child.nextSibling) children.push(child);
    // After its grace ended, a spawner's children have their cleanups cut short too.
    const hard = parent.graceCut;
    for (const child of children) {
      try {
        child.cancelFromParent(parentReason, hard);
      } catch (error) {
        (errors ??= []).push(error);
      }
    }
  }
  cascading.length = 0;
  if (errors !== null) {
    throw errors.length === 1 ? errors[0] : new AggregateError(errors, 'Halting spawned fibers failed');
  }
}
