// Abort storm: N async waits on a held SharedMutex, each with its own signal, aborted one
// at a time (a turn of the event loop after each). Measured: milliseconds for all N. Each
// abort that woke every live waiter made this N² (26 s for 2,000 waits).
import { performance } from 'node:perf_hooks';
import { setImmediate as tick } from 'node:timers/promises';
import { median } from '@spindle/bench-kit';
import { SharedMutex } from '../dist/index.js';

async function runOnce(waits) {
  const mutex = new SharedMutex();
  mutex.tryLock();
  const controllers = Array.from({ length: waits }, () => new AbortController());
  const ended = controllers.map((c) =>
    Promise.resolve(mutex.lock({ signal: c.signal })).then(undefined, () => {}),
  );
  await tick();
  const start = performance.now();
  for (const controller of controllers) {
    controller.abort();
    await tick();
  }
  await Promise.all(ended);
  const ms = performance.now() - start;
  mutex.unlock();
  return ms;
}

export async function abortStorm({ waits, runs }) {
  const rows = [];
  for (const n of waits) {
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(await runOnce(n));
    rows.push({
      case: 'shared-abort-storm',
      unit: 'ms',
      better: 'lower',
      impl: 'spindle',
      n,
      value: median(samples),
    });
  }
  return rows;
}
