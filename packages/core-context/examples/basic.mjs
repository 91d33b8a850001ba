// A tour of @spindle/core-context: a coroutine, an intrusive queue, a one-shot event built
// on the wait protocol (awaited with a timeout), select over operations, a cancellation
// tree, and a SpinLock shared with a worker.
// Run after `pnpm build`: node examples/basic.mjs
import { Worker } from 'node:worker_threads';
import {
  CancelSource,
  Coroutine,
  Deferred,
  List,
  Operation,
  pendingSleeps,
  Queue,
  SpinLock,
  select,
  sleep,
  TimeoutError,
  waitFor,
} from '../dist/index.js';

// 1. A coroutine: resume passes values in, yield passes them out.
const averager = new Coroutine(function* () {
  let total = 0;
  let count = 0;
  for (;;) {
    const sample = yield count === 0 ? 0 : total / count;
    if (sample === undefined) return `averaged ${count} samples`;
    total += sample;
    count++;
  }
});
averager.resume();
for (const sample of [4, 8, 15, 16, 23, 42])
  console.log(`sample ${sample} -> average ${averager.resume(sample)}`);
console.log(averager.resume(), `(status ${averager.status})`);

// 2. An intrusive queue: the jobs are the nodes, so queueing allocates nothing.
class Job {
  next = null;
  owner = null;
  constructor(name) {
    this.name = name;
  }
}
const jobs = new Queue();
for (const name of ['parse', 'plan', 'run']) jobs.push(new Job(name));
console.log(`jobs in order: ${[...jobs].map((job) => job.name).join(' -> ')}`);

// 3. A Waitable of your own: a one-shot event that async code (and fibers) can wait on.
class Event extends Operation {
  waiters = new List();
  fired = false;
  value;
  park(waiter) {
    if (this.fired) waiter.wake(this.value);
    else this.waiters.pushBack(waiter);
  }
  unpark(waiter) {
    return this.waiters.remove(waiter);
  }
  set(value) {
    this.fired = true;
    this.value = value;
    for (let w = this.waiters.popFront(); w !== null; w = this.waiters.popFront()) w.wake(value);
  }
}
const ready = new Event();
setTimeout(() => ready.set('config loaded'), 10);
console.log(`event: ${await ready}`);
try {
  await waitFor(new Event(), { timeout: 20 });
} catch (error) {
  console.log(
    `a wait nobody ends: ${error instanceof TimeoutError ? 'TimeoutError' : error}: ${error.message}`,
  );
}

// 4. select: wait on several operations at once and take exactly one; the others are withdrawn.
const reply = new Deferred();
setTimeout(() => reply.resolve('pong'), 5);
const answered = await select([reply, sleep(1000)]);
console.log(`select: case ${answered.index} won with ${answered.value}; sleeps left: ${pendingSleeps()}`);
const quiet = await select([new Deferred(), sleep(5)]);
console.log(`select: case ${quiet.index} won (the sleep)`);
const nothing = await select([new Deferred()], { default: true });
console.log(`select with a default and nothing ready: index ${nothing.index}`);

// 5. A cancellation tree: cancelling the root cancels every token below it.
const root = new CancelSource();
const child = new CancelSource(root.token);
root.cancel('shutting down');
console.log(`child cancelled: ${child.token.cancelled}, because: ${child.token.reason.cause.cause}`);

// 6. A SpinLock in shared memory, taken by this thread and a worker in turn.
const view = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
const lock = new SpinLock(view, 0);
const rounds = 50_000;
const worker = new Worker(
  `const { workerData } = require('node:worker_threads');
   import(workerData.url).then(({ SpinLock }) => {
     const view = new Int32Array(workerData.buffer);
     const lock = new SpinLock(view, 0);
     for (let i = 0; i < workerData.rounds; i++) { lock.lock(); view[1] = view[1] + 1; lock.unlock(); }
   });`,
  {
    eval: true,
    workerData: { url: new URL('../dist/index.js', import.meta.url).href, buffer: view.buffer, rounds },
  },
);
for (let i = 0; i < rounds; i++) lock.withLock(() => (view[1] = view[1] + 1));
await new Promise((resolve) => worker.once('exit', resolve));
console.log(`shared counter after ${rounds} increments on each of 2 threads: ${view[1]}`);
