// One Mutex, two kinds of caller: ten fibers take it with `yield*`, async code with
// `await`, and a WaitGroup tells async code when the fibers are done.
// Run after `pnpm build`: node examples/fibers-and-async.mjs

import { TimeoutError } from '@spindle/core-context';
import { spawn } from '@spindle/fiber';
import { Mutex, Semaphore, WaitGroup } from '../dist/index.js';

const mutex = new Mutex();
const group = new WaitGroup();
let counter = 0;

for (let i = 0; i < 10; i++) {
  group.add();
  spawn(function* () {
    yield* mutex.lock();
    try {
      const seen = counter;
      yield; // another fiber runs here, but cannot enter the critical section
      counter = seen + 1;
    } finally {
      mutex.unlock();
      group.done();
    }
  });
}

await group.wait();
await mutex.lock({ timeout: 100 });
console.log(`ten fibers incremented the counter under the mutex: ${counter}`);
mutex.unlock();

// A wait that cannot succeed ends with a typed error, and the semaphore stays usable.
const permits = new Semaphore(1);
await permits.acquire();
try {
  await permits.acquire(1, { timeout: 20 });
} catch (error) {
  console.log(`second acquire: ${error instanceof TimeoutError ? 'TimeoutError' : error}`);
}
permits.release();
console.log(`permits available again: ${permits.available}`);
