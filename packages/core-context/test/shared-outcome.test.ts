import { describe, expect, it } from 'vitest';
import {
  Deferred,
  InvalidStateError,
  Relay,
  RelayingOperation,
  SharedOutcome,
  type UnparkResult,
  type Waiter,
  waitFor,
} from '../src/index.js';
import { InlineExecutor } from './support/inline-executor.js';
import { TinyFiber } from './support/tiny-fiber.js';
import { Mailbox } from './support/waitables.js';

/** A waiter that records its outcomes and accepts (or refuses) them. */
function recorder(accepts = true): Waiter<number> & { log: string[] } {
  const log: string[] = [];
  return {
    next: null,
    prev: null,
    owner: null,
    group: {},
    log,
    claim: () => accepts,
    settle: (ok, outcome) => void log.push(`${ok ? 'value' : 'error'} ${String(outcome)}`),
    release() {},
    wake: (value) => accepts && log.push(`value ${value}`) > 0,
    fail: (error) => accepts && log.push(`error ${String(error)}`) > 0,
  };
}

describe('Deferred and SharedOutcome', () => {
  it('every wait, before and after the outcome, gets that one outcome', async () => {
    const deferred = new Deferred<number>();
    const early = [waitFor(deferred), waitFor(deferred), deferred.then((v) => v * 2)];
    expect(deferred.settled).toBe(false);
    expect(deferred.resolve(21)).toBe(true);
    expect(deferred.resolve(99)).toBe(false);
    expect(deferred.reject(new Error('late'))).toBe(false);
    expect(deferred.settled).toBe(true);
    expect(await Promise.all(early)).toEqual([21, 21, 42]);
    expect(await deferred).toBe(21);
  });

  it('a rejection reaches every waiter', async () => {
    const deferred = new Deferred<number>();
    const failure = new Error('no');
    const waits = [waitFor(deferred), waitFor(deferred)];
    deferred.reject(failure);
    for (const wait of waits) await expect(wait).rejects.toBe(failure);
    await expect(waitFor(deferred)).rejects.toBe(failure);
  });

  it('is selectable: a withdrawn waiter leaves no trace, a refusing one loses nothing for others', () => {
    const deferred = new Deferred<number>();
    expect(deferred.selectable).toBe(true);
    const withdrawn = recorder();
    const refusing = recorder(false);
    const taking = recorder();
    deferred.park(withdrawn);
    deferred.park(refusing);
    deferred.park(taking);
    expect(deferred.unpark(withdrawn)).toBe(true);
    expect(deferred.unpark(withdrawn)).toBe(false);
    deferred.resolve(5);
    expect(withdrawn.log).toEqual([]);
    expect(refusing.log).toEqual([]);
    expect(taking.log).toEqual(['value 5']);
    const later = recorder();
    deferred.park(later);
    expect(later.log).toEqual(['value 5']);
    expect(deferred.unpark(later)).toBe(false);
  });

  it('a fiber yield*s it like any operation', () => {
    const exec = new InlineExecutor();
    const deferred = new Deferred<string>();
    const fiber = new TinyFiber(exec, function* () {
      return `got ${yield* deferred}`;
    }).start();
    expect(fiber.status).toBe('suspended');
    deferred.resolve('it');
    expect(fiber.result).toBe('got it');
  });

  it('subclasses hook the first park and a withdrawal', () => {
    const events: string[] = [];
    class LazyWork extends SharedOutcome<number> {
      protected override parked(): void {
        events.push(`parked, ${this.waiterCount} waiting`);
      }
      protected override withdrawn(): UnparkResult {
        events.push(`withdrawn, ${this.waiterCount} waiting`);
        return this.waiterCount === 0 ? 'pending' : true;
      }
      finish(value: number): void {
        this.settleOutcome(true, value);
      }
    }
    const work = new LazyWork();
    const a = recorder();
    const b = recorder();
    work.park(a);
    work.park(b);
    expect(work.unpark(a)).toBe(true);
    expect(work.unpark(b)).toBe('pending');
    work.finish(1);
    expect(events).toEqual([
      'parked, 1 waiting',
      'parked, 2 waiting',
      'withdrawn, 1 waiting',
      'withdrawn, 0 waiting',
    ]);
    expect(b.log).toEqual([]);
  });
});

/** A relayed wait on a mailbox that doubles the value: one Relay per wait. */
class Doubled extends RelayingOperation<number> {
  constructor(readonly mailbox: Mailbox<number>) {
    super();
  }

  protected relay(outer: Waiter<number>): Relay<number> {
    return new DoublingRelay(this.mailbox, outer);
  }
}

class DoublingRelay extends Relay<number> {
  constructor(
    private readonly mailbox: Mailbox<number>,
    outer: Waiter<number>,
  ) {
    super(outer);
  }

  begin(): void {
    this.mailbox.park(this);
  }

  protected leave(): UnparkResult {
    return this.mailbox.unpark(this);
  }

  override wake(value: number): boolean {
    return super.wake(value * 2);
  }
}

describe('Relay and RelayingOperation', () => {
  it('each wait on the operation is a new wait with its own relay', async () => {
    const mailbox = new Mailbox<number>();
    const doubled = new Doubled(mailbox);
    const first = waitFor(doubled);
    const second = waitFor(doubled);
    expect(mailbox.waiting).toBe(2);
    mailbox.put(1);
    mailbox.put(2);
    expect([await first, await second]).toEqual([2, 4]);
  });

  it('withdraws by the caller’s waiter and forgets a relay once it ended', () => {
    const mailbox = new Mailbox<number>();
    const doubled = new Doubled(mailbox);
    const a = recorder();
    const b = recorder();
    doubled.park(a);
    doubled.park(b);
    expect(doubled.unpark(a)).toBe(true);
    expect(doubled.unpark(a)).toBe(false);
    mailbox.put(3);
    expect(b.log).toEqual(['value 6']);
    expect(doubled.unpark(b)).toBe(false);
    doubled.park(b);
    expect(mailbox.waiting).toBe(1);
  });

  it('refuses the same waiter parked twice at once', () => {
    const doubled = new Doubled(new Mailbox<number>());
    const a = recorder();
    doubled.park(a);
    expect(() => doubled.park(a)).toThrow(InvalidStateError);
  });

  it('a relay carries its caller’s group and token and passes claims through', () => {
    const mailbox = new Mailbox<number>();
    const outer = recorder();
    const relay = new DoublingRelay(mailbox, outer);
    expect(relay.group).toBe(outer.group);
    expect(relay.token).toBeUndefined();
    expect(relay.waiting).toBe(true);
    expect(relay.claim()).toBe(true);
    relay.settle(true, 8);
    expect(relay.waiting).toBe(false);
    expect(relay.claim()).toBe(false);
    expect(outer.log).toEqual(['value 8']);
  });
});
