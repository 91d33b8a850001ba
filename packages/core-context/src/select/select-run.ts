import type { CancelToken } from '../contracts/cancel.js';
import type { UnparkResult, Waitable, Waiter } from '../contracts/wait.js';
import { describeValue } from '../describe-value.js';
import { Cancelled, InvalidStateError } from '../errors.js';
import { Choice, DEFAULT_CHOSEN } from './choice.js';
import { randomBelow } from './random.js';

// Where a case node is.
/** Not at its waitable. */
const IDLE = 0;
/** Inside its waitable's `poll`. */
const POLLING = 1;
/** Inside its waitable's `park`. */
const PARKING = 2;
/** Parked at its waitable. */
const PARKED = 3;
/** Withdrawn with `'pending'`: one final outcome still comes, and the node refuses it. */
const PENDING = 4;

// Where a run is.
/** No wait in progress: the run can serve the next one. */
const FREE = 0;
/** Polling, then parking, its cases. */
const REGISTERING = 1;
/** Every case parked. */
const WAITING = 2;
/** Decided (a case won, the default, a withdrawal, a failed park): taking its losers out. */
const ENDING = 3;

// How a run ended.
const WON = 0;
const DEFAULT = 1;
const WITHDRAWN = 2;
const BROKEN = 3;

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
 * The waiter a select parks at one case. Its claim claims the whole select (and through it
 * the select's own waiter), so at most one case of a select is ever held or settled.
 */
class CaseNode implements Waiter {
  next: Waiter | null = null;
  prev: Waiter | null = null;
  owner: object | null = null;
  state = IDLE;
  waitable: Waitable<unknown> | null = null;

  constructor(
    readonly run: SelectRun,
    readonly index: number,
  ) {}

  get group(): object {
    return this.run.group;
  }

  get token(): CancelToken | undefined {
    return this.run.token;
  }

  claim(): boolean {
    return this.run.claimCase(this);
  }

  release(): void {
    this.run.releaseCase(this);
  }

  settle(ok: boolean, outcome: unknown): void {
    this.run.settleCase(this, ok, outcome);
  }

  wake(value: unknown): boolean {
    if (!this.run.claimCase(this)) return false;
    this.run.settleCase(this, true, value);
    return true;
  }

  fail(error: unknown): boolean {
    if (!this.run.claimCase(this)) return false;
    this.run.settleCase(this, false, error);
    return true;
  }
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
export class SelectRun {
  outer: Waiter | null = null;
  private readonly nodes: CaseNode[];
  private readonly order: number[];
  private state = FREE;
  /** Bumped by every `begin`, so a registration loop notices the run was reused under it. */
  private round = 0;
  private claimedBy: CaseNode | null = null;
  /** A withdrawal came while a case was claimed: done when that claim is released. */
  private withdrawOnRelease = false;
  /** The withdrawal answered 'pending': a final outcome is owed to the outer waiter. */
  private owesOutcome = false;
  private ending = WON;
  private winner: CaseNode | null = null;
  private ok = true;
  private outcome: unknown = undefined;
  /** Losers not out yet: inside their waitable's park/poll, or withdrawn with 'pending'. */
  private awaiting = 0;
  private errors: unknown[] | null = null;
  /** The object the last win was delivered in, and to whom: reused only for that same waiter's next win. */
  private choice: Choice | null = null;
  private choiceFor: Waiter | null = null;

  constructor(
    private readonly select: SelectOwner,
    count: number,
  ) {
    this.nodes = [];
    this.order = [];
    for (let index = 0; index < count; index++) {
      this.nodes.push(new CaseNode(this, index));
      this.order.push(index);
    }
  }

  get group(): object {
    return this.outer?.group ?? this;
  }

  get token(): CancelToken | undefined {
    return this.outer?.token ?? undefined;
  }

  /**
   * Starts a wait for `outer`. Pass 1 goes through every case in a random order, polling
   * a case that can be polled and parking one that cannot, so the first ready case in that
   * order wins whichever kind it is. Pass 2 parks the polled cases (unless the default ends
   * the wait first).
   */
  begin(outer: Waiter): void {
    this.shuffle(); // may throw (a bad random source): before the run is taken
    const round = (this.round = (this.round + 1) & 0x3fffffff); // stays a small integer
    this.outer = outer;
    this.state = REGISTERING;
    this.claimedBy = null;
    this.withdrawOnRelease = false;
    this.owesOutcome = false;
    this.winner = null;
    this.awaiting = 0;
    this.errors = null;
    const select = this.select;
    const caseList = select.caseList;
    const nodes = this.nodes;
    const order = this.order;
    const count = nodes.length;
    for (let i = 0; i < count; i++) nodes[i]!.waitable = caseList[i]!;
    let polled = 0;
    for (let i = 0; i < count; i++) {
      const node = nodes[order[i]!]!;
      const how = node.waitable!.poll === undefined ? PARKING : POLLING;
      if (how === POLLING) polled++;
      if (!this.visit(node, how, round)) return;
    }
    // No case was ready: the default, unless the outer waiter cannot be claimed now (it is
    // a case of an outer select that another case holds): then park and try again below.
    if (select.withDefault && outer.claim()) {
      this.end(DEFAULT, null);
      return;
    }
    if (polled > 0) {
      for (let i = 0; i < count; i++) {
        const node = nodes[order[i]!]!;
        if (node.state === IDLE && !this.visit(node, PARKING, round)) return;
      }
    }
    this.state = WAITING;
    if (select.withDefault && outer.claim()) this.end(DEFAULT, null);
  }

  /** Polls or parks `node` at its waitable; false when the run ended meanwhile (stop registering). */
  private visit(node: CaseNode, how: typeof POLLING | typeof PARKING, round: number): boolean {
    node.state = how;
    try {
      if (how === POLLING) node.waitable!.poll!(node);
      else node.waitable!.park(node);
    } catch (error) {
      this.broken(node, round, error);
      return false;
    }
    return this.returned(node, round);
  }

  /** Withdraws the wait (the select's `unpark`). */
  withdraw(): UnparkResult {
    if (this.state === FREE) return false;
    if (this.state === ENDING) return 'pending'; // decided: the outcome comes once the losers are out
    if (this.claimedBy !== null) {
      // A waitable holds a case mid-step: it settles it (the outcome) or releases it (then withdraw).
      this.withdrawOnRelease = true;
      this.owesOutcome = true;
      return 'pending';
    }
    this.end(WITHDRAWN, null);
    if (this.state === FREE) return true;
    this.owesOutcome = true;
    return 'pending';
  }

  /** @internal a case node's claim */
  claimCase(node: CaseNode): boolean {
    if (node.state === PENDING) {
      // The final outcome of a loser withdrawn with 'pending': refused, it stays with its waitable.
      node.state = IDLE;
      this.loserOut();
      return false;
    }
    if (this.claimedBy !== null || node.state === IDLE) return false;
    if (this.state !== REGISTERING && this.state !== WAITING) return false;
    this.claimedBy = node;
    if (this.outer!.claim()) return true;
    this.claimedBy = null;
    return false;
  }

  /** @internal a case node's release */
  releaseCase(node: CaseNode): void {
    if (this.claimedBy !== node) return;
    this.claimedBy = null;
    this.outer!.release();
    if (this.withdrawOnRelease) {
      this.withdrawOnRelease = false;
      this.end(WITHDRAWN, null);
    }
  }

  /** @internal a case node's settle: that case won */
  settleCase(node: CaseNode, ok: boolean, outcome: unknown): void {
    if (this.claimedBy !== node) {
      throw new InvalidStateError(
        `select case ${node.index}: its waitable settled it without holding a claim (claim() first)`,
      );
    }
    this.claimedBy = null;
    this.withdrawOnRelease = false;
    node.state = IDLE;
    this.ok = ok;
    this.outcome = outcome;
    this.end(WON, node);
  }

  /** Fisher-Yates over the case order, with the caller's random source or the module's. */
  private shuffle(): void {
    const order = this.order;
    const random = this.select.random;
    for (let i = order.length - 1; i > 0; i--) {
      const j = random === null ? randomBelow(i + 1) : Math.floor(checkedRandom(random) * (i + 1));
      const swap = order[i]!;
      order[i] = order[j]!;
      order[j] = swap;
    }
  }

  /**
   * `node`'s poll or park returned. True: go on registering. False: the run ended meanwhile
   * (or was reused); a loser still inside its waitable then is taken out now.
   */
  private returned(node: CaseNode, round: number): boolean {
    if (this.round !== round) return false;
    const was = node.state;
    if (was === POLLING) node.state = IDLE;
    else if (was === PARKING) node.state = PARKED;
    if (this.state === REGISTERING) return true;
    if (this.state === ENDING && (was === POLLING || was === PARKING)) {
      if (was === PARKING) this.withdrawLoser(node);
      this.loserOut();
    }
    return false;
  }

  /** A poll or park threw: the wait fails with that error once the other cases are out. */
  private broken(node: CaseNode, round: number, error: unknown): void {
    if (this.round !== round) throw error;
    const was = node.state;
    node.state = IDLE;
    if (this.state === REGISTERING) {
      this.outcome = error;
      this.end(BROKEN, null);
    } else if (this.state === ENDING && (was === POLLING || was === PARKING)) {
      // The run ended meanwhile: this loser left nothing to withdraw; its error is reported.
      (this.errors ??= []).push(error);
      this.loserOut();
    } else {
      throw error; // it completed the wait and then threw: the caller's park throws
    }
  }

  /** Decides the run and takes every other case out; delivers once they all are out. */
  private end(ending: number, winner: CaseNode | null): void {
    this.state = ENDING;
    this.ending = ending;
    this.winner = winner;
    this.awaiting++; // held while the loop runs, so a loser ending inside it cannot deliver early
    const nodes = this.nodes;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      if (node === winner) continue;
      if (node.state === PARKED) this.withdrawLoser(node);
      else if (node.state === POLLING || node.state === PARKING) this.awaiting++;
    }
    this.loserOut();
  }

  private withdrawLoser(node: CaseNode): void {
    node.state = IDLE;
    let result: UnparkResult;
    try {
      result = node.waitable!.unpark(node);
    } catch (error) {
      (this.errors ??= []).push(error);
      return;
    }
    if (result === 'pending') {
      node.state = PENDING;
      this.awaiting++;
    }
  }

  private loserOut(): void {
    if (--this.awaiting === 0) this.deliver();
  }

  /**
   * The object to deliver a win to `outer` in. The one of the last win is reused only for
   * the same waiter (a fiber looping on its Select has read it before it waits again);
   * another waiter may not have read it yet, so it gets a new one.
   */
  private choiceOf(outer: Waiter): Choice {
    if (this.choice === null || this.choiceFor !== outer) {
      this.choice = new Choice();
      this.choiceFor = outer;
    }
    return this.choice;
  }

  /** Every loser is out: hands the outcome to the outer waiter and frees the run. */
  private deliver(): void {
    const outer = this.outer!;
    const ending = this.ending;
    const winner = this.winner;
    const ok = this.ok;
    const outcome = this.outcome;
    const errors = this.errors;
    const from = winner?.waitable ?? null;
    this.outer = null;
    this.winner = null;
    this.outcome = undefined;
    this.errors = null;
    this.state = FREE;
    const nodes = this.nodes;
    for (let i = 0; i < nodes.length; i++) nodes[i]!.waitable = null;
    this.select.runEnded(outer);
    if (ending === WON) {
      // The winner's claim holds the outer waiter: settle it.
      outer.settle(ok, ok ? this.choiceOf(outer).set(winner!.index, outcome, from!) : outcome);
    } else if (ending === DEFAULT) {
      outer.settle(true, DEFAULT_CHOSEN);
    } else if (ending === BROKEN) {
      outer.fail(outcome);
    } else if (this.owesOutcome) {
      outer.fail(new Cancelled('The select was withdrawn'));
    }
    if (errors !== null) {
      throw errors.length === 1 ? errors[0] : new AggregateError(errors, 'Withdrawing select cases failed');
    }
  }
}

/** One number from a caller's random source, which must be in [0, 1) (else the shuffle indexes past the cases). */
function checkedRandom(random: () => number): number {
  const r = random();
  if (typeof r !== 'number' || !(r >= 0 && r < 1)) {
    throw new RangeError(`select: options.random must return numbers in [0, 1), got ${describeValue(r)}`);
  }
  return r;
}
