/** The two Effect majors measured side by side: v4 (`effect`) and v3 (`effect-v3`, an npm alias). */
import * as effect4 from 'effect';
import * as effect3 from 'effect-v3';

/** [impl name, { Effect, Deferred, Fiber, fork, yieldNow }] for each major (v3's yieldNow is a function). */
export const effectLibs = [
  ['effect', { ...pick(effect4), fork: effect4.Effect.forkChild }],
  ['effect@3', { ...pick(effect3), fork: effect3.Effect.fork }],
];

function pick({ Effect, Deferred, Fiber }) {
  const yieldNow = typeof Effect.yieldNow === 'function' ? Effect.yieldNow() : Effect.yieldNow;
  return { Effect, Deferred, Fiber, yieldNow };
}
