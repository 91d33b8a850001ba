// Case 5: runnables per second through the LoopExecutor against plain queueMicrotask and setImmediate loops.
import { performance } from 'node:perf_hooks';
import { emit, median } from '@spindle/bench-kit';
import { LoopExecutor } from '../dist/index.js';

/** A chain of `count` steps where each step schedules the next through `schedule`. */
function chain(count, schedule) {
  return new Promise((resolve) => {
    let left = count;
    const step = () => {
      if (--left === 0) resolve();
      else schedule(step);
    };
    schedule(step);
  });
}

function loopChain(count) {
  const executor = new LoopExecutor();
  return new Promise((resolve) => {
    let left = count;
    const runnable = {
      next: null,
      owner: null,
      run() {
        if (--left === 0) resolve();
        else executor.submit(runnable);
      },
    };
    executor.submit(runnable);
  });
}

export async function loopExecutor({ quick, suite }) {
  const count = quick ? 200_000 : 2_000_000;
  const immediateCount = quick ? 50_000 : 200_000;
  const runs = quick ? 1 : 3;
  const impls = {
    spindle: [count, () => loopChain(count)],
    queueMicrotask: [count, () => chain(count, queueMicrotask)],
    setImmediate: [immediateCount, () => chain(immediateCount, setImmediate)],
  };
  for (const [impl, [n, body]] of Object.entries(impls)) {
    const rates = [];
    await body();
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      await body();
      rates.push(n / ((performance.now() - start) / 1000));
    }
    emit({
      suite,
      case: 'loop-runnables',
      impl,
      value: median(rates),
      unit: 'runnables/s',
      better: 'higher',
      n,
    });
  }
}
