// Extending Spindle: an executor and an awaitable of your own, written against the
// contracts of @spindle/core-context, work with fibers and with async code unchanged.
// Run after `pnpm build`: node examples/extending.mjs
import { List, Operation, Queue } from '@spindle/core-context';
import { spawnWith } from '@spindle/fiber';

// An executor is one method. This one runs fibers in microtask bursts and counts them.
// Runnables carry their own link, so its intrusive queue allocates nothing per submit.
class MicrotaskExecutor {
  queue = new Queue();
  scheduled = false;
  ran = 0;

  submit(runnable) {
    this.queue.push(runnable);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  flush() {
    this.scheduled = false;
    for (let task = this.queue.shift(); task !== null; task = this.queue.shift()) {
      this.ran++;
      task.run();
    }
  }
}

// An awaitable is a Waitable: park a waiter, unpark it, wake it later with one result.
// Extending Operation makes it both `await`-able and `yield*`-able.
class Countdown extends Operation {
  waiters = new List();

  constructor(count) {
    super();
    this.count = count;
  }

  park(waiter) {
    if (this.count === 0) waiter.wake('released');
    else this.waiters.pushBack(waiter);
  }

  unpark(waiter) {
    return this.waiters.remove(waiter);
  }

  describe() {
    return `Countdown(${this.count} left)`;
  }

  tick() {
    if (this.count === 0 || --this.count > 0) return;
    // Unlink each waiter before waking it (the wait protocol's rule 2).
    for (let waiter = this.waiters.popFront(); waiter !== null; waiter = this.waiters.popFront()) {
      waiter.wake('released');
    }
  }
}

const executor = new MicrotaskExecutor();
const start = new Countdown(3);

const runners = ['ada', 'grace', 'edsger'].map((name) =>
  spawnWith({ executor, name }, function* () {
    const word = yield* start; // a fiber waits on the custom awaitable
    return `${name} ${word}`;
  }),
);

const watcher = start.then((word) => `async code saw the countdown ${word}`); // so does async code
for (let i = 0; i < 3; i++) {
  await new Promise((resolve) => setTimeout(resolve, 5)); // the fibers are parked by now
  console.log(`tick: ${start.describe()}`);
  start.tick();
}

for (const runner of runners) console.log(await runner);
console.log(await watcher);
console.log(`the custom executor ran ${executor.ran} fiber steps (3 starts, 3 wake-ups)`);
