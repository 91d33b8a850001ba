import { List, Operation, type UnparkResult, type Waiter } from '../../src/index.js';

/** A parked sender: its waiter and the value it offers. */
class Offer<T> {
  next: Offer<T> | null = null;
  prev: Offer<T> | null = null;
  owner: object | null = null;

  constructor(
    readonly waiter: Waiter<void>,
    readonly value: T,
  ) {}
}

/**
 * An unbuffered channel written to rule 5 of the wait protocol: a send meets a parked
 * receive (or the reverse) by claiming the ACTIVE waiter (the one parking now) first, then
 * the first passive waiter of another group, and settles both only when it holds both;
 * else it releases what it claimed and queues the active waiter. A receive handed back
 * (`restore`) is kept at the head, for the next receiver.
 */
export class Rendezvous<T> {
  readonly senders = new List<Offer<T>>();
  readonly receivers = new List<Waiter<T>>();
  /** Values received and given back, delivered first (oldest first). */
  readonly restored: T[] = [];
  /** Values that crossed: every send that completed, in order. */
  readonly delivered: T[] = [];

  send(value: T): Operation<void> {
    return new SendOp(this, value);
  }

  recv(): Operation<T> {
    return new RecvOp(this);
  }

  /** @internal a send parks: meet a receiver, else queue */
  parkSend(waiter: Waiter<void>, value: T): void {
    if (!this.meetReceiver(waiter, value)) this.senders.pushBack(new Offer(waiter, value));
  }

  /**
   * @internal rule 5 for a send: claim the active sender, then the first receiver of another
   * group; true when both were settled, or when the sender no longer accepts (nothing to queue).
   */
  meetReceiver(waiter: Waiter<void>, value: T): boolean {
    for (let r = this.receivers.first(); r !== null; r = r.next as Waiter<T> | null) {
      if (r.group === waiter.group) continue; // never meet the own select
      if (!waiter.claim()) return true; // the active waiter no longer accepts: nothing to queue
      if (!r.claim()) {
        waiter.release();
        continue;
      }
      this.receivers.remove(r);
      this.delivered.push(value);
      r.settle(true, value);
      waiter.settle(true, undefined);
      return true;
    }
    return false;
  }

  /** @internal a receive parks: take a restored value, meet a sender, else queue */
  parkRecv(waiter: Waiter<T>): void {
    if (!this.meetSender(waiter)) this.receivers.pushBack(waiter);
  }

  /** @internal rule 5 for a receive (a restored value first); true when done (see meetReceiver) */
  meetSender(waiter: Waiter<T>): boolean {
    if (this.restored.length > 0) {
      if (waiter.wake(this.restored[0]!)) this.restored.shift();
      return true;
    }
    for (let s = this.senders.first(); s !== null; s = s.next) {
      if (s.waiter.group === waiter.group) continue;
      if (!waiter.claim()) return true;
      if (!s.waiter.claim()) {
        waiter.release();
        continue;
      }
      this.senders.remove(s);
      this.delivered.push(s.value);
      s.waiter.settle(true, undefined);
      waiter.settle(true, s.value);
      return true;
    }
    return false;
  }

  /** @internal a received value given back: to a parked receiver, else kept at the head */
  giveBack(value: T): void {
    for (let r = this.receivers.popFront(); r !== null; r = this.receivers.popFront()) {
      if (r.wake(value)) return;
    }
    this.restored.unshift(value);
  }

  /** @internal */
  unparkSend(waiter: Waiter<void>): boolean {
    for (let s = this.senders.first(); s !== null; s = s.next) {
      if (s.waiter === waiter) return this.senders.remove(s);
    }
    return false;
  }
}

class SendOp<T> extends Operation<void> {
  readonly selectable = true;

  constructor(
    private readonly channel: Rendezvous<T>,
    private readonly value: T,
  ) {
    super();
  }

  park(waiter: Waiter<void>): void {
    this.channel.parkSend(waiter, this.value);
  }

  /** Go's pass 1: meet a parked receiver now, or leave nothing behind. */
  poll(waiter: Waiter<void>): boolean {
    return this.channel.meetReceiver(waiter, this.value);
  }

  unpark(waiter: Waiter<void>): UnparkResult {
    return this.channel.unparkSend(waiter);
  }

  describe(): string {
    return `send(${String(this.value)})`;
  }
}

class RecvOp<T> extends Operation<T> {
  readonly selectable = true;

  constructor(private readonly channel: Rendezvous<T>) {
    super();
  }

  park(waiter: Waiter<T>): void {
    this.channel.parkRecv(waiter);
  }

  poll(waiter: Waiter<T>): boolean {
    return this.channel.meetSender(waiter);
  }

  unpark(waiter: Waiter<T>): UnparkResult {
    return this.channel.receivers.remove(waiter);
  }

  restore(value: T): void {
    this.channel.giveBack(value);
  }

  describe(): string {
    return 'recv()';
  }
}
