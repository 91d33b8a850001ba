import { type CancelToken, SingleWaiter } from '@spindle/core-context';
import { ThreadPool, type ThreadPoolOptions } from '../dist/pool/index.js';

export const TASKS = new URL('./fixtures/tasks.mjs', import.meta.url);

/** Runs `body` with a fresh pool and always destroys it, so a failed test leaves no threads. */
export async function withPool(
  options: ThreadPoolOptions,
  body: (pool: ThreadPool) => Promise<void>,
): Promise<void> {
  const pool = new ThreadPool(options);
  try {
    await body(pool);
  } finally {
    await pool.destroy();
  }
}

/** A flag pair in shared memory: word 0 releases `hold` tasks, word 1 says one has started. */
export function gate(): { buffer: SharedArrayBuffer; started: () => Promise<void>; release: () => void } {
  const buffer = new SharedArrayBuffer(8);
  const words = new Int32Array(buffer);
  return {
    buffer,
    started: () => waitForWord(words, 1),
    release: () => {
      Atomics.store(words, 0, 1);
      Atomics.notify(words, 0);
    },
  };
}

/** Drives an operation the way a fiber does: `yield*` it and feed the awaited result back. */
export async function viaYield<T>(op: Iterable<unknown>): Promise<T> {
  function* body(): Generator<unknown, T, unknown> {
    return (yield* op as Generator<unknown, T, unknown>) as T;
  }
  const generator = body();
  let step = generator.next();
  while (!step.done) step = generator.next(await (step.value as PromiseLike<unknown>));
  return step.value;
}

/** Settles like `promise`, or fails with `what` after `ms`: a lost task fails the test instead of hanging it. */
export function within<T>(ms: number, what: string, promise: PromiseLike<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([Promise.resolve(promise), deadline]).finally(() => clearTimeout(timer));
}

/** Resolves to the value or the error a promise settles with. */
export function outcome(promise: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(promise).then(
    (value) => value,
    (error: unknown) => error,
  );
}

/** Resolves once `words[index]` is no longer 0. */
export async function waitForWord(words: Int32Array, index: number): Promise<void> {
  while (Atomics.load(words, index) === 0) {
    const wait = Atomics.waitAsync(words, index, 0, 100);
    if (wait.async) await wait.value;
  }
}

/**
 * A plain waiter that waits under a token (or none), as a fiber does (the fiber package adds the real
 * fiber test): `outcome` resolves with what it was handed.
 */
export class TokenWaiter extends SingleWaiter<unknown> {
  readonly outcome: Promise<{ ok: boolean; value: unknown }>;
  private record!: (outcome: { ok: boolean; value: unknown }) => void;
  delivered = false;

  constructor(
    readonly token: CancelToken | undefined,
    /** Runs inside the delivery, before `outcome` resolves (re-entrant calls). */
    private readonly onDeliver: (() => void) | null = null,
  ) {
    super();
    this.outcome = new Promise((resolve) => {
      this.record = resolve;
    });
  }

  protected deliver(ok: boolean, value: unknown): void {
    this.delivered = true;
    this.onDeliver?.();
    this.record({ ok, value });
  }
}
