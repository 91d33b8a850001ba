import { Operation } from './operation.js';
import { WaitTable } from './wait-table.js';
/** Set by Relay's static block: ties a relay to the operation that forgets it when it ends. */
let bindOperation;
/**
 * A waiter that stands in for the caller's waiter (`outer`) for ONE wait, where the
 * caller's own node cannot go: it carries what a primitive needs (a weight, a deadline, a
 * second phase) and forwards the outcome. Claims pass straight through to the outer waiter,
 * so a relayed wait can be a select case; its group and token are the outer waiter's.
 *
 *     outer waiter ──park──▶ RelayingOperation ──makes──▶ Relay ──begin/park──▶ primitive
 *                  ◀──────── settle / wake / fail ─────── Relay ◀──────────────
 */
export class Relay {
    next = null;
    prev = null;
    owner = null;
    #outer;
    #operation = null;
    /** Withdrawn with 'pending': only the one final outcome is still awaited. */
    #finalPending = false;
    constructor(outer) {
        this.#outer = outer;
    }
    get group() {
        return this.#outer?.group ?? this;
    }
    get token() {
        return this.#outer?.token;
    }
    /** True while the caller still waits for this relay's outcome. */
    get waiting() {
        return this.#outer !== null;
    }
    /** True while the wait can still be withdrawn: waiting, and no withdrawal is pending. */
    get withdrawable() {
        return this.#outer !== null && !this.#finalPending;
    }
    /**
     * Withdraws the wait for the caller (its `unpark`). When the primitive answers
     * `'pending'`, the relay disarms (`detached`) and only awaits the final outcome: a second
     * withdrawal answers `'pending'` again without asking the primitive twice.
     */
    withdraw() {
        if (this.#outer === null)
            return false;
        if (this.#finalPending)
            return 'pending';
        const result = this.leave();
        if (result === true)
            this.detach();
        else if (result === 'pending')
            this.awaitFinal();
        return result;
    }
    /** The withdrawal is pending: disarm now; the final outcome still reaches the caller. */
    awaitFinal() {
        this.#finalPending = true;
        this.detached();
    }
    claim() {
        const outer = this.#outer;
        return outer !== null && outer.claim();
    }
    release() {
        this.#outer?.release();
    }
    settle(ok, outcome) {
        this.detach()?.settle(ok, outcome);
    }
    wake(value) {
        const outer = this.detach();
        return outer !== null && outer.wake(value);
    }
    fail(error) {
        const outer = this.detach();
        return outer !== null && outer.fail(error);
    }
    /** Ends the relay: returns the outer waiter (null when it ended already) and calls `detached`. */
    detach() {
        const outer = this.#outer;
        if (outer === null)
            return null;
        this.#outer = null;
        this.detached();
        this.#operation?.forget(outer);
        this.#operation = null;
        return outer;
    }
    /** Called when the relay ends or its withdrawal turns pending (disarm timers, listeners); may run twice. */
    detached() { }
    static {
        bindOperation = (relay, operation) => {
            relay.#operation = operation;
        };
    }
}
/**
 * An Operation whose every wait is a fresh Relay (so each wait on it is a new wait, as the
 * Operation rule says), found again by the caller's waiter when that caller withdraws.
 */
export class RelayingOperation extends Operation {
    #waits = new WaitTable(false);
    park(waiter) {
        const waits = this.#waits;
        waits.reuse(waiter, this); // never returns an entry (none is kept): checks the waiter
        const relay = waits.add(waiter, this.relay(waiter));
        bindOperation(relay, this);
        try {
            relay.begin();
        }
        catch (error) {
            if (waits.find(waiter) === relay)
                waits.end(waiter); // nothing waits: the caller may park again
            throw error;
        }
    }
    unpark(waiter) {
        return this.#waits.find(waiter)?.withdraw() ?? false;
    }
    /** @internal a relay ended: forget it */
    forget(outer) {
        this.#waits.end(outer);
    }
}
//# sourceMappingURL=relay.js.map