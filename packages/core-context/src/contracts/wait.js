/** True when `value` implements the wait protocol. */
export function isWaitable(value) {
    return (typeof value === 'object' &&
        value !== null &&
        typeof value.park === 'function' &&
        typeof value.unpark === 'function');
}
/**
 * The base of a waiter that waits on one waitable for itself (a promise's resolver, a
 * test's recorder): its own group, claimed at most once, with `wake`/`fail` as one branch.
 * Subclasses implement `deliver`. Waiters with their own scheduling (a fiber) implement
 * {@link Waiter} directly.
 */
export class SingleWaiter {
    next = null;
    prev = null;
    owner = null;
    /** 0 accepting, 1 claimed, 2 settled. */
    #state = 0;
    get group() {
        return this;
    }
    /** True once an outcome was delivered. */
    get settled() {
        return this.#state === 2;
    }
    claim() {
        if (this.#state !== 0)
            return false;
        this.#state = 1;
        return true;
    }
    release() {
        if (this.#state === 1)
            this.#state = 0;
    }
    settle(ok, outcome) {
        this.#state = 2;
        this.deliver(ok, outcome);
    }
    wake(value) {
        if (this.#state !== 0)
            return false;
        this.#state = 2;
        this.deliver(true, value);
        return true;
    }
    fail(error) {
        if (this.#state !== 0)
            return false;
        this.#state = 2;
        this.deliver(false, error);
        return true;
    }
}
//# sourceMappingURL=wait.js.map