import {
  Coroutine,
  type Executor,
  type Runnable,
  tracer,
  type Waitable,
  type Waiter,
} from '../../src/index.js';

/** A fiber body: a generator that waits on operations with `yield*`. */
export type FiberBody<R> = () => Generator<Waitable<unknown>, R, unknown>;

let nextId = 1;

/**
 * A hand-written generator driver, the way `@spindle/fiber` uses the contracts: the fiber
 * is at once the Runnable its executor runs and the Waiter it parks on whatever the body
 * yields, so waiting allocates nothing. `halt()` unwinds it (its `finally` blocks run);
 * a result it accepted but never used goes back to its source via `restore`.
 */
export class TinyFiber<R> implements Runnable, Waiter {
  next: TinyFiber<unknown> | null = null;
  prev: TinyFiber<unknown> | null = null;
  owner: object | null = null;
  readonly id = nextId++;
  result: R | undefined;
  error: unknown;

  private readonly coroutine: Coroutine<Waitable<unknown>, R, unknown>;
  private parkedOn: Waitable<unknown> | null = null;
  private wokenBy: Waitable<unknown> | null = null;
  private input: unknown;
  private inputIsError = false;
  private halted = false;
  /** A waitable holds this fiber's claim (phase 1 of the wait protocol). */
  private claimed = false;

  constructor(
    private readonly executor: Executor,
    body: FiberBody<R>,
  ) {
    this.coroutine = new Coroutine(body);
  }

  get status(): string {
    return this.coroutine.status;
  }

  start(): this {
    this.executor.submit(this);
    return this;
  }

  run(): void {
    if (this.halted) {
      if (this.wokenBy !== null && !this.inputIsError) this.wokenBy.restore?.(this.input);
      this.coroutine.cancel();
      return;
    }
    tracer?.begin('tiny-fiber', 'resume', this.id);
    let out: Waitable<unknown> | R;
    try {
      out = this.inputIsError ? this.coroutine.throwInto(this.input) : this.coroutine.resume(this.input);
    } catch (error) {
      this.error = error;
      return;
    } finally {
      tracer?.end('tiny-fiber', 'resume', this.id);
    }
    if (this.coroutine.status === 'done') {
      this.result = out as R;
      return;
    }
    this.parkedOn = out as Waitable<unknown>;
    tracer?.instant('tiny-fiber', 'park', this.id);
    this.parkedOn.park(this);
  }

  get group(): object {
    return this;
  }

  claim(): boolean {
    if (this.parkedOn === null || this.claimed) return false;
    this.claimed = true;
    return true;
  }

  release(): void {
    this.claimed = false;
  }

  settle(ok: boolean, outcome: unknown): void {
    this.claimed = false;
    this.accept(outcome, !ok);
  }

  wake(value: unknown): boolean {
    return !this.claimed && this.accept(value, false);
  }

  fail(error: unknown): boolean {
    return !this.claimed && this.accept(error, true);
  }

  /**
   * Unwinds the fiber: at once when it is withdrawn from its wait, else when its pending run
   * comes (after the final outcome, when the withdrawal answered 'pending').
   */
  halt(): void {
    this.halted = true;
    const on = this.parkedOn;
    if (on !== null && on.unpark(this) === true) {
      this.parkedOn = null;
      this.coroutine.cancel();
    }
  }

  private accept(input: unknown, isError: boolean): boolean {
    if (this.parkedOn === null) return false;
    this.wokenBy = this.parkedOn;
    this.parkedOn = null;
    this.input = input;
    this.inputIsError = isError;
    this.executor.submit(this);
    return true;
  }
}
