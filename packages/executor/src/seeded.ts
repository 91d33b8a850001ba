import { withFaultSource } from '@spindle/core-context';
import { ManualExecutor, type ManualExecutorOptions } from './manual.js';

type SeededBody<R> = (executor: ManualExecutor, seed: number) => R;

/**
 * Runs `body` once per seed, each time with a fresh ManualExecutor (random order and the
 * given options) whose faults answer `faultPoint()` during `body` too. `seeds` is a list,
 * or a count meaning seeds 1..count. `SPINDLE_SEED` in the environment replaces the list
 * with that one seed. A failure is rethrown with "seed N" in its message.
 */
export function runSeeded(
  seeds: readonly number[] | number,
  body: SeededBody<void>,
  options?: ManualExecutorOptions,
): void;
export function runSeeded(
  seeds: readonly number[] | number,
  body: SeededBody<Promise<void>>,
  options?: ManualExecutorOptions,
): Promise<void>;
export function runSeeded(
  seeds: readonly number[] | number,
  body: SeededBody<void | Promise<void>>,
  options: ManualExecutorOptions = {},
): void | Promise<void> {
  const list = seedList(seeds);
  for (let i = 0; i < list.length; i++) {
    const seed = list[i]!;
    const executor = new ManualExecutor({ random: true, ...options, seed });
    let result: void | Promise<void>;
    try {
      result = withFaultSource(executor, () => body(executor, seed));
    } catch (error) {
      throw labelled(error, seed);
    }
    if (result instanceof Promise) return continueAsync(result, seed, list.slice(i + 1), body, options);
  }
}

async function continueAsync(
  first: Promise<void>,
  seed: number,
  rest: number[],
  body: SeededBody<void | Promise<void>>,
  options: ManualExecutorOptions,
): Promise<void> {
  try {
    await first;
  } catch (error) {
    throw labelled(error, seed);
  }
  if (rest.length > 0) await runSeeded(rest, body as SeededBody<Promise<void>>, options);
}

function seedList(seeds: readonly number[] | number): number[] {
  const fromEnv = Number(process.env.SPINDLE_SEED);
  if (process.env.SPINDLE_SEED !== undefined && Number.isInteger(fromEnv)) return [fromEnv];
  if (typeof seeds === 'number') {
    if (!Number.isInteger(seeds) || seeds < 1)
      throw new RangeError(`seed count must be a positive integer, got ${seeds}`);
    return Array.from({ length: seeds }, (_, i) => i + 1);
  }
  for (const seed of seeds) {
    if (!Number.isInteger(seed)) throw new TypeError(`seeds must be integers, got ${String(seed)}`);
  }
  return [...seeds];
}

/** Puts the seed into the error's message (keeping its class and fields) so it prints. */
function labelled(error: unknown, seed: number): unknown {
  const prefix = `seed ${seed} (replay with SPINDLE_SEED=${seed}): `;
  if (error instanceof Error) {
    const original = error.message;
    error.message = prefix + original;
    if (original !== '' && typeof error.stack === 'string')
      error.stack = error.stack.replace(original, error.message);
    return error;
  }
  return new Error(prefix + String(error), { cause: error });
}
