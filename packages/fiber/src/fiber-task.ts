import {
  Cancelled,
  type Executor,
  InvalidStateError,
  isWaitable,
  List,
  type Runnable,
  tracer,
  type Waitable,
  type Waiter,
} from '@spindle/core-context';
import { faultPoint, loopExecutor } from '@spindle/executor';
import { FiberFailedError } from './errors.js';
import type { Fiber } from './fiber.js';
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
 */
export class FiberTask<T = unknown> implements Runnable, Waiter, LocalsHolder {
  next: (Runnable & Waiter) | null = null;
  prev: Waiter | null = null;
  owner: object | null = null;
  /** Unique id (a pooled record gets a new one each time it is spawned). */
  id = 0;
  /** The executor that runs this fiber; children spawned inside it default to it. */
  executor: Executor = loopExecutor;
  /** Fiber-local values (see FiberLocal), possibly shared with the parent until written. */
  locals: unknown[] = rootLocals.locals;
  /** Links of the live-fiber registry. */
  liveNext: FiberTask | null = null;
  livePrev: FiberTask | null = null;
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

  /** See `Fiber.halt`. */
  halt(): void {
    const state = this.state;
    if (state >= DONE || (this.flags & HALT) !== 0) return;
    this.flags |= HALT;
    if (tracer !== null) tracer.instant('fiber', 'halt', this.id);
    // A waitable whose unpark or restore throws leaves its error for the fiber (withdraw):
    // the fiber still runs and unwinds, it is never stuck 'halting'.
    if (state === SUSPENDED) {
      this.withdraw();
      this.reschedule();
    } else if (state === READY) {
      this.withdraw();
    }
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
  ): this {
    this.id = nextId++;
    this.gen = gen;
    this.executor = executor;
    this.label = name;
    this.state = READY;
    this.flags = 0;
    this.value = undefined;
    this.origin = parent === null ? null : parent.lineage();
    if (siteBelow !== null) Error.captureStackTrace(this.lineage(), siteBelow);
    const localsSource = parent ?? rootLocals;
    this.locals = localsSource.locals;
    localsSource.ownsLocals = false;
    register(this);
    if (tracer !== null) tracer.instant('fiber', 'spawn', this.id);
    executor.submit(this);
    return this;
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

  claim(): boolean {
    if ((this.flags & (PARKED | CLAIMED)) !== PARKED) return false;
    this.flags |= CLAIMED;
    return true;
  }

  release(): void {
    this.flags &= ~CLAIMED;
  }

  settle(ok: boolean, outcome: unknown): void {
    this.flags &= ~CLAIMED;
    this.endWait(outcome, ok ? 0 : THROW);
  }

  wake(value: unknown): boolean {
    return (this.flags & CLAIMED) === 0 && this.endWait(value, 0);
  }

  fail(error: unknown): boolean {
    return (this.flags & CLAIMED) === 0 && this.endWait(error, THROW);
  }

  /** Joins `waiter` to the result (the Fiber's `park`). */
  addJoiner(waiter: Waiter<T>): void {
    this.flags |= JOINED;
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
        // A wait interrupted by the halt may end the unwinding with Cancelled (a `yield*`
        // cannot resume a `return()` after it waited): that is still the halt finishing.
        const halted = (this.flags & UNWINDING) !== 0 && error instanceof Cancelled;
        this.finish(halted ? HALTED : FAILED, error);
        return;
      }
      if (step.done === true) {
        this.finish((this.flags & UNWINDING) !== 0 ? HALTED : DONE, step.value);
        return;
      }
      input = undefined;
      // Halted by its own code while it ran: unwind instead of waiting.
      if ((this.flags & (HALT | UNWINDING)) === HALT) continue;
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
        if ((this.flags & (HALT | UNWINDING)) === HALT) {
          // Halted by its own code inside park; an unpark error goes into the generator.
          this.withdraw();
          input = this.value;
          this.value = undefined;
          continue;
        }
        this.state = SUSPENDED;
        if (tracer !== null) tracer.instant('fiber', 'suspend', this.id);
        return;
      }
      // The wait completed inside park (rule 1). A fault point may add a trip through the
      // executor here, so seeded tests also see the interleavings of a later wake.
      if (faultPoint('fiber.resume')) {
        this.reschedule();
        return;
      }
      input = this.value;
      this.value = undefined;
      this.waitable = null;
    }
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
    const unused = this.value;
    this.waitable = null;
    this.flags = flags & ~(PARKED | THROW);
    this.value = undefined;
    try {
      if ((flags & PARKED) !== 0) waitable.unpark(this);
      else if ((flags & THROW) === 0) waitable.restore?.(unused);
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
    unregister(this);
    if (tracer !== null) tracer.instant('fiber', 'finish', this.id, state);
    if (state === FAILED && (this.flags & JOINED) === 0) reportUnjoinedLater(this);
    const joiners = this.joiners;
    if (joiners === null) return;
    // Every joiner is settled even if waking one throws (a broken Waiter, an executor that
    // refuses): one joiner's error must not leave the others waiting on a finished fiber.
    let errors: unknown[] | null = null;
    for (let waiter = joiners.popFront(); waiter !== null; waiter = joiners.popFront()) {
      try {
        this.settleJoiner(waiter);
      } catch (error) {
        (errors ??= []).push(error);
      }
    }
    if (errors !== null) {
      throw errors.length === 1
        ? errors[0]
        : new AggregateError(errors, `Waking the joiners of ${this.describe()} failed`);
    }
  }

  private settleJoiner(waiter: Waiter<T>): void {
    if (this.state === DONE) waiter.wake(this.value as T);
    else waiter.fail(this.outcomeError());
  }

  /** The error joiners receive (built once, on first use). */
  outcomeError(): Error {
    if ((this.flags & WRAPPED) === 0) {
      this.value =
        this.state === FAILED
          ? new FiberFailedError(this.lineage(), this.value)
          : new Cancelled(`Fiber #${this.id} "${this.name}" was halted before it finished`);
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
