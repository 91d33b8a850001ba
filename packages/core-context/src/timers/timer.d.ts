import { type TimerEntry } from './timer-heap.js';
export type { TimerEntry } from './timer-heap.js';
/** Arms `entry` to expire `ms` from now (re-arms it when it was armed); Infinity: never. */
export declare function startTimer(entry: TimerEntry, ms: number): void;
/** Disarms `entry`; false when it was not armed (it expired or never started). */
export declare function stopTimer(entry: TimerEntry): boolean;
/** Number of armed timers on this thread's shared heap (for tests and diagnostics). */
export declare function pendingTimers(): number;
//# sourceMappingURL=timer.d.ts.map