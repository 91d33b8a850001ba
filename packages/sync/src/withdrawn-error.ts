import { Cancelled, type Waiter } from '@spindle/core-context';

/**
 * What a withdrawn condition wait fails with once it holds the mutex again: its waiter's
 * cancellation (a halted fiber's own Cancelled), else a Cancelled of its own.
 */
export function withdrawnError(waiter: Waiter<void>, what: string): Cancelled {
  const token = waiter.token;
  if (token?.cancelled) return token.reason!;
  return new Cancelled(`${what} was withdrawn; the mutex is held again`);
}
