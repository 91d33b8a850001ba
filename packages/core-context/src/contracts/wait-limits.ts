import { Cancelled } from '../errors.js';
import { CancelCallback } from './cancel.js';
import type { WaitOptions } from './wait.js';

const ONCE = { once: true } as const;

/**
 * The signal and token limits of a wait of your own (a `bounded()` wait, a shared-memory
 * wait): a wait that its caller's `{ signal, token }` can end early. It is its own abort
 * listener (EventTarget calls `handleEvent` on listener objects); a token reaches it through
 * a CancelCallback, since its own links already serve the queue it waits in. Timeouts are
 * the wait's own business (the shared timer heap, or a blocking wait's clock).
 */
export interface LimitedWait {
  handleEvent(): void;
  giveUp(reason: Cancelled): void;
}

/** What a wait ended by its abort signal fails with. */
export function abortedError(signal: AbortSignal): Cancelled {
  return new Cancelled('The wait was aborted by its signal', { cause: signal.reason });
}

/** The error of a signal or token that fired before the wait started, else null. */
export function limitAlreadyFired(options: WaitOptions | undefined): Cancelled | null {
  if (options?.signal?.aborted) return abortedError(options.signal);
  if (options?.token?.cancelled) return options.token.reason!;
  return null;
}

/**
 * Listens for the signal and the token of `options` for `wait` (checked by
 * {@link limitAlreadyFired} first); returns the token's listener, null without a token.
 */
export function listenForLimits(wait: LimitedWait, options: WaitOptions | undefined): CancelCallback | null {
  options?.signal?.addEventListener('abort', wait, ONCE);
  const token = options?.token;
  if (token === undefined) return null;
  const listener = new CancelCallback((reason) => wait.giveUp(reason));
  if (!token.listen(listener)) wait.giveUp(token.reason!); // cancelled since the check
  return listener;
}

/** Undoes {@link listenForLimits}. */
export function stopListening(
  wait: LimitedWait,
  options: WaitOptions | undefined,
  listener: CancelCallback | null,
): void {
  options?.signal?.removeEventListener('abort', wait);
  if (listener !== null) options!.token!.unlisten(listener);
}
