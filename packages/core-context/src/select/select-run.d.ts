import type { CancelToken } from '../contracts/cancel.js';
import type { UnparkResult, Waitable, Waiter } from '../contracts/wait.js';
/** What a run needs from the select it belongs to. */
export interface SelectOwner {
    readonly caseList: readonly Waitable<unknown>[];
    readonly withDefault: boolean;
    /** The caller's random source, or null for the module's own. */
    readonly random: (() => number) | null;
    /** The run ended: `outer` no longer waits on the select. */
    runEnded(outer: Waiter): void;
}
/**
 * One wait on a select: a node per case, all of the select's group, kept for the next wait
 * once this one ended (a reusable Select allocates its run once).
 *
 *     begin ─▶ pass 1: poll cases (random order) ─▶ pass 2: park cases (same order) ─▶ WAITING
 *     a case's claim ─▶ claims the select, then the outer waiter (false if either is taken)
 *     its settle ─▶ ENDING: unpark every other case ─▶ (losers answering 'pending' end) ─▶ deliver
 *     release ─▶ the select accepts again
 *
 * A node's park or poll can complete (or end the run) before it returns; such a node is
 * taken out once it returns, and the run delivers only when every loser is out.
 */
export declare class SelectRun {
    private readonly select;
    outer: Waiter | null;
    private readonly nodes;
    private readonly order;
    private state;
    /** Bumped by every `begin`, so a registration loop notices the run was reused under it. */
    private round;
    private claimedBy;
    /** A withdrawal came while a case was claimed: done when that claim is released. */
    private withdrawOnRelease;
    /** The withdrawal answered 'pending': a final outcome is owed to the outer waiter. */
    private owesOutcome;
    private ending;
    private winner;
    private ok;
    private outcome;
    /** Losers not out yet: inside their waitable's park/poll, or withdrawn with 'pending'. */
    private awaiting;
    private errors;
    /** The object the last win was delivered in, and to whom: reused only for that same waiter's next win. */
    private choice;
    private choiceFor;
    constructor(select: SelectOwner, count: number);
    get group(): object;
    get token(): CancelToken | undefined;
    /**
     * Starts a wait for `outer`. Pass 1 goes through every case in a random order, polling
     * a case that can be polled and parking one that cannot, so the first ready case in that
     * order wins whichever kind it is. Pass 2 parks the polled cases (unless the default ends
     * the wait first).
     */
    begin(outer: Waiter): void;
    /** Polls or parks `node` at its waitable; false when the run ended meanwhile (stop registering). */
    private visit;
    /** Withdraws the wait (the select's `unpark`). */
    withdraw(): UnparkResult;
    /** Fisher-Yates over the case order, with the caller's random source or the module's. */
    private shuffle;
    /**
     * `node`'s poll or park returned. True: go on registering. False: the run ended meanwhile
     * (or was reused); a loser still inside its waitable then is taken out now.
     */
    private returned;
    /** A poll or park threw: the wait fails with that error once the other cases are out. */
    private broken;
    /** Decides the run and takes every other case out; delivers once they all are out. */
    private end;
    private withdrawLoser;
    private loserOut;
    /**
     * The object to deliver a win to `outer` in. The one of the last win is reused only for
     * the same waiter (a fiber looping on its Select has read it before it waits again);
     * another waiter may not have read it yet, so it gets a new one.
     */
    private choiceOf;
    /** Every loser is out: hands the outcome to the outer waiter and frees the run. */
    private deliver;
}
//# sourceMappingURL=select-run.d.ts.map