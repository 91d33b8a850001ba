import { bounded, checkWaitOptions, type Operation, type WaitOptions } from '@spindle/core-context';

/**
 * The one place every waiting method of this package checks its options, before it takes
 * or parks anything (a bad option found later would leave a lock or a permit behind).
 * Without options the operation is returned as is; with them, bounded by them.
 */
export function withOptions<T>(
  operation: Operation<T>,
  options: WaitOptions | undefined,
  what: string,
): Operation<T> {
  return checkWaitOptions(options, what) === undefined ? operation : bounded(operation, options!);
}

/** The timeout of a blocking call's `{ timeout }` options, checked before it blocks. */
export function blockingTimeout(options: { timeout?: number } | undefined, what: string): number | undefined {
  return checkWaitOptions(options, what)?.timeout;
}
