// select-ready: one round of a select over two cases, one ready (a settled Deferred) and
// one not (a pending Deferred), driven by a reusable waiter as a fiber would be: the
// reusable Select against a fresh select() per round, and a plain wait on the ready case
// alone as the floor. Time per round, and heap bytes allocated per round (node --expose-gc;
// the reusable Select should allocate nothing of its own). select-sleep: the loop of the
// README, a reusable Select whose sleep case parks on the shared timer heap every round
// and is withdrawn when the ready case wins (the Node timer must not be made per round).
import { allocatedBytesPerOp, emit, nsPerOp } from '@spindle/bench-kit';
import { CancelSource, Deferred, Select, select, sleep } from '../dist/index.js';

/** A waiter that accepts one outcome per round, like a fiber parked on each round in turn. */
class RoundWaiter {
  next = null;
  prev = null;
  owner = null;
  state = 0;
  sum = 0;
  get group() {
    return this;
  }
  claim() {
    if (this.state !== 0) return false;
    this.state = 1;
    return true;
  }
  release() {
    this.state = 0;
  }
  settle(ok, outcome) {
    this.state = 2;
    this.sum += ok && typeof outcome === 'object' ? outcome.index : 1;
  }
  wake(value) {
    if (!this.claim()) return false;
    this.settle(true, value);
    return true;
  }
  fail(error) {
    if (!this.claim()) return false;
    this.settle(false, error);
    return true;
  }
}

export let sink = 0;

function rounds(park) {
  const waiter = new RoundWaiter();
  return (count) => {
    for (let i = 0; i < count; i++) {
      waiter.state = 0;
      park(waiter);
    }
    sink = waiter.sum;
  };
}

export async function run({ quick }) {
  const n = quick ? 50_000 : 1_000_000;
  const ready = new Deferred();
  ready.resolve(1);
  const never = new Deferred();
  const reusable = new Select([ready, never]);
  const impls = {
    spindle: rounds((w) => reusable.park(w)),
    'spindle-fresh': rounds((w) => select([ready, never]).park(w)),
    'spindle-direct': rounds((w) => ready.park(w)),
  };
  for (const [impl, body] of Object.entries(impls)) await measure('select-ready', impl, body, n, quick);
  // In written order (the random source never swaps), so the sleep parks before the ready case wins.
  const withSleep = new Select([sleep(1000), ready], { random: () => 0.999_999 });
  await measure(
    'select-sleep-alone',
    'spindle',
    rounds((w) => withSleep.park(w)),
    n,
    quick,
  );
  const otherDeadline = new CancelSource(null, { timeout: 3_600_000 });
  await measure(
    'select-sleep',
    'spindle',
    rounds((w) => withSleep.park(w)),
    n,
    quick,
  );
  otherDeadline.dispose();
}

async function measure(name, impl, body, n, quick) {
  const value = await nsPerOp(body, { n, runs: quick ? 3 : 7 });
  emit({ suite: 'core-context', case: name, impl, value, unit: 'ns/op', better: 'lower', n });
  // A short window: a fresh select() allocates enough that a longer one would see a GC.
  const bytes = allocatedBytesPerOp(body, 5_000);
  emit({
    suite: 'core-context',
    case: `${name}-alloc`,
    impl,
    value: bytes,
    unit: 'bytes/op',
    better: 'lower',
    n: 5_000,
  });
}
