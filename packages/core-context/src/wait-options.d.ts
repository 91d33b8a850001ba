import type { WaitOptions } from './contracts/wait.js';
/**
 * Checks the options of a call that may wait, before anything is taken or parked: a bad
 * option found after a wait started would leave a lock, a permit or a waiter behind.
 * `undefined` means no options. Throws TypeError for anything that is not an options
 * object, whose `signal` is not an AbortSignal or whose `token` is not a CancelToken,
 * RangeError for a timeout that is not a
 * non-negative number of milliseconds. Returns the options, so a call can check and pass
 * them on in one expression.
 */
export declare function checkWaitOptions(options: WaitOptions | undefined, what: string): WaitOptions | undefined;
/** True when checked `options` set a limit (a timeout, a signal or a token). */
export declare function hasLimits(options: WaitOptions | undefined): options is WaitOptions;
//# sourceMappingURL=wait-options.d.ts.map