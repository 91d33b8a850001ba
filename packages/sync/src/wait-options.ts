import { checkWaitOptions } from '@spindle/core-context';

/** The timeout of a blocking call's `{ timeout }` options, checked before it blocks. */
export function blockingTimeout(options: { timeout?: number } | undefined, what: string): number | undefined {
  return checkWaitOptions(options, what)?.timeout;
}
