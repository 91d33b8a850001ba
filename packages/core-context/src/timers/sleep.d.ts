import { Operation } from '../contracts/operation.js';
import type { UnparkResult, Waiter } from '../contracts/wait.js';
/**
 * A sleep as a Waitable: a waiter parked on it is woken once `ms` have passed since it
 * parked. Every wait is a wait of its own, on this thread's shared timer heap (one Node
 * timer for every sleep, timeout and deadline): `await s` twice in a row sleeps twice, and
 * two waits at once each get their own deadline. Withdrawing a wait (a halt, a losing
 * select case) takes its entry out of the heap, so a Sleep is selectable. The entry of the
 * first wait at a time is kept for the next (a loop allocates it once).
 */
export declare class Sleep extends Operation<void> {
    #private;
    readonly ms: number;
    readonly timed = true;
    readonly selectable = true;
    /** Throws a RangeError unless `ms` is a finite number of milliseconds >= 0. */
    constructor(ms: number);
    park(waiter: Waiter<void>): void;
    unpark(waiter: Waiter<void>): UnparkResult;
    describe(): string;
}
/** Waits `ms` milliseconds: `yield* sleep(10)` in a fiber, `await sleep(10)` in async code. */
export declare function sleep(ms: number): Sleep;
/**
 * Number of sleep waits in progress on this thread (for tests and diagnostics). They share
 * one timer heap with wait timeouts and token deadlines, which this count leaves out.
 */
export declare function pendingSleeps(): number;
//# sourceMappingURL=sleep.d.ts.map