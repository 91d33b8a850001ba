/**
 * An entry of a TimerHeap. Its owner (a Sleep's wait, a bounded wait, a CancelSource)
 * carries these fields itself, so arming a deadline allocates nothing. The owners are
 * internal objects, with one exception: a bounded wait is itself the waiter it parks on the
 * inner waitable, which could read these fields or call `expire` (ending that wait early
 * with a TimeoutError); a waitable has no reason to, and nothing else is reachable.
 */
export interface TimerEntry {
    /** `Date.now()` time at which it expires (Infinity: never, until removed). */
    deadline: number;
    /** Arrival order: equal deadlines expire first-in first-out. */
    seq: number;
    /** Position in the heap, or -1 when not in it. */
    index: number;
    /** Called once the deadline passed and the entry left the heap. */
    expire(): void;
}
/**
 * A binary min-heap of deadlines behind at most one Node timer. Every sleep, timeout and
 * deadline of the thread shares it, so a million sleepers cost one timer.
 *
 * The timer is disarmed lazily: when the earliest deadline moves later (it was removed, or
 * expired), the timer is kept and, when it fires early, re-armed for the earliest deadline;
 * so a select loop whose sleep case is added and withdrawn every round, while anything else
 * on the thread sleeps or has a deadline, makes no Node timer per round. When nothing is left
 * in the heap the timer is cleared: no Node timer outlives the last wait.
 */
export declare class TimerHeap {
    private readonly entries;
    private timer;
    /** The functions that made `timer`: a test that swaps in fake timers gets a timer of the new kind. */
    private madeBy;
    private clearWith;
    /** `Date.now()` time at which `timer` fires. */
    private firesAt;
    private seq;
    private readonly onTimer;
    get size(): number;
    add(entry: TimerEntry): void;
    /** Removes `entry`; false when it is not in the heap. */
    remove(entry: TimerEntry): boolean;
    /**
     * Expires every due entry, each in its own try: one that throws neither stops the others
     * nor leaves the heap without a timer. Errors are rethrown (as one) after re-arming.
     */
    private fire;
    private removeTop;
    /** Makes sure the timer fires no later than the earliest deadline. */
    private arm;
    /** Clears the timer (nothing is due any more, or it is replaced by an earlier one). */
    private idle;
    private before;
    private up;
    private down;
}
//# sourceMappingURL=timer-heap.d.ts.map