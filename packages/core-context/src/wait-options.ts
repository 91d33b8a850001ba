import { CancelToken } from './contracts/cancel.js';
import type { WaitOptions } from './contracts/wait.js';
import { describeValue } from './describe-value.js';

/**
 * Checks the options of a call that may wait, before anything is taken or parked: a bad
 * option found after a wait started would leave a lock, a permit or a waiter behind.
 * `undefined` means no options. Throws TypeError for anything that is not an options
 * object, whose `signal` is not an AbortSignal or whose `token` is not a CancelToken,
 * RangeError for a timeout that is not a
 * non-negative number of milliseconds. Returns the options, so a call can check and pass
 * them on in one expression.
 */
export function checkWaitOptions(options: WaitOptions | undefined, what: string): WaitOptions | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `${what}: options must be an object like { timeout, signal, token }, got ${describeValue(options)}`,
    );
  }
  const { timeout, signal, token } = options;
  if (timeout !== undefined && (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0)) {
    throw new RangeError(
      `${what}: timeout must be a non-negative number of milliseconds, got ${describeValue(timeout)}`,
    );
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(
      `${what}: signal must be an AbortSignal (for example from new AbortController()), got ${describeValue(signal)}`,
    );
  }
  if (token !== undefined && !(token instanceof CancelToken)) {
    throw new TypeError(
      `${what}: token must be a CancelToken (the .token of a CancelSource), got ${describeValue(token)}`,
    );
  }
  return options;
}

/** True when checked `options` set a limit (a timeout, a signal or a token). */
export function hasLimits(options: WaitOptions | undefined): options is WaitOptions {
  return (
    options !== undefined &&
    (options.timeout !== undefined || options.signal !== undefined || options.token !== undefined)
  );
}
