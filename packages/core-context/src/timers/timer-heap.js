/** Node cuts a longer setTimeout delay to 1 ms (TimeoutOverflowWarning): longer waits re-arm on firing. */
const MAX_DELAY = 0x7fffffff;
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
export class TimerHeap {
    entries = [];
    timer;
    /** The functions that made `timer`: a test that swaps in fake timers gets a timer of the new kind. */
    madeBy;
    clearWith;
    /** `Date.now()` time at which `timer` fires. */
    firesAt = Number.POSITIVE_INFINITY;
    seq = 0;
    onTimer = () => this.fire();
    get size() {
        return this.entries.length;
    }
    add(entry) {
        entry.seq = this.seq++;
        this.entries.push(entry);
        this.up(this.entries.length - 1);
        this.arm();
    }
    /** Removes `entry`; false when it is not in the heap. */
    remove(entry) {
        const index = entry.index;
        if (index < 0 || this.entries[index] !== entry)
            return false;
        const last = this.entries.pop();
        entry.index = -1;
        if (last !== entry) {
            this.entries[index] = last;
            last.index = index;
            this.down(index);
            this.up(last.index);
        }
        if (this.entries.length === 0)
            this.idle();
        return true;
    }
    /**
     * Expires every due entry, each in its own try: one that throws neither stops the others
     * nor leaves the heap without a timer. Errors are rethrown (as one) after re-arming.
     */
    fire() {
        this.timer = undefined;
        this.firesAt = Number.POSITIVE_INFINITY;
        const now = Date.now();
        let errors = null;
        for (let top = this.entries[0]; top !== undefined && top.deadline <= now; top = this.entries[0]) {
            this.removeTop();
            try {
                top.expire();
            }
            catch (error) {
                (errors ??= []).push(error);
            }
        }
        this.arm();
        if (errors !== null) {
            throw errors.length === 1 ? errors[0] : new AggregateError(errors, 'Timers threw when they expired');
        }
    }
    removeTop() {
        const top = this.entries[0];
        const last = this.entries.pop();
        top.index = -1;
        if (last !== top) {
            this.entries[0] = last;
            last.index = 0;
            this.down(0);
        }
    }
    /** Makes sure the timer fires no later than the earliest deadline. */
    arm() {
        const top = this.entries[0];
        if (top === undefined || top.deadline === Number.POSITIVE_INFINITY) {
            this.idle();
            return;
        }
        const earliest = top.deadline;
        if (this.timer !== undefined && this.madeBy === setTimeout && this.firesAt <= earliest) {
            return; // it fires in time (maybe early: fire() then re-arms)
        }
        this.idle();
        const now = Date.now();
        const delay = Math.min(MAX_DELAY, Math.max(0, earliest - now));
        this.madeBy = setTimeout;
        this.clearWith = clearTimeout;
        this.timer = setTimeout(this.onTimer, delay);
        this.firesAt = now + delay;
    }
    /** Clears the timer (nothing is due any more, or it is replaced by an earlier one). */
    idle() {
        if (this.timer === undefined)
            return;
        this.clearWith(this.timer);
        this.timer = undefined;
        this.firesAt = Number.POSITIVE_INFINITY;
    }
    before(a, b) {
        return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
    }
    up(index) {
        const entries = this.entries;
        const entry = entries[index];
        while (index > 0) {
            const parentIndex = (index - 1) >> 1;
            const parent = entries[parentIndex];
            if (!this.before(entry, parent))
                break;
            entries[index] = parent;
            parent.index = index;
            index = parentIndex;
        }
        entries[index] = entry;
        entry.index = index;
    }
    down(index) {
        const entries = this.entries;
        const count = entries.length;
        const entry = entries[index];
        for (;;) {
            let child = 2 * index + 1;
            if (child >= count)
                break;
            if (child + 1 < count && this.before(entries[child + 1], entries[child]))
                child++;
            const smaller = entries[child];
            if (!this.before(smaller, entry))
                break;
            entries[index] = smaller;
            smaller.index = index;
            index = child;
        }
        entries[index] = entry;
        entry.index = index;
    }
}
//# sourceMappingURL=timer-heap.js.map