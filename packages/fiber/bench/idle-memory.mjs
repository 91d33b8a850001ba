/**
 * Heap bytes per idle task parked on a shared event, measured with forced GC
 * (bench-kit retainedBytesPerItem), plus the bytes one spawn allocates.
 */
import { retainedBytesPerItem } from '@spindle/bench-kit';
import { InlineExecutor } from '@spindle/executor';
import { createScope, withResolvers } from 'effection';
import { spawnWith } from '../dist/index.js';
import { effectLibs } from './effect-libs.mjs';
import { Event } from './waitables.mjs';

/** Each row: [impl, make(i) returning what keeps the task alive, cleanup, note]. */
export function idleMemoryImpls() {
  const inline = new InlineExecutor();
  const event = new Event();
  let started = 0;
  function* waitOnEvent() {
    started++;
    yield event;
  }

  let never;
  const pending = new Promise((resolve) => {
    never = resolve;
  });
  async function awaitPending() {
    started++;
    await pending;
  }

  const [scope, destroy] = createScope();
  const signal = withResolvers();

  return [
    [
      'spindle',
      () => spawnWith({ executor: inline }, waitOnEvent),
      () => {
        for (let w = event.waiters.first(); w !== null; w = event.waiters.first()) w.halt();
      },
      'fiber parked on an intrusive event (InlineExecutor starts it at spawn)',
    ],
    ['promise', () => awaitPending(), () => never(), 'async function awaiting a shared pending promise'],
    [
      'effection',
      () =>
        scope.run(function* () {
          started++;
          yield* signal.operation;
        }),
      () => destroy(),
      'task in a scope awaiting a shared withResolvers operation',
    ],
    ...effectLibs.map(([impl, { Effect, Deferred, Fiber }]) => {
      const deferred = Effect.runSync(Deferred.make());
      const fibers = [];
      return [
        impl,
        () => {
          const fiber = Effect.runFork(
            Effect.suspend(() => {
              started++;
              return Deferred.await(deferred);
            }),
          );
          fibers.push(fiber);
          return fiber;
        },
        () => Effect.runFork(Fiber.interruptAll(fibers.splice(0))),
        'fiber (runFork) awaiting a shared Deferred',
      ];
    }),
  ].map(([impl, make, cleanup, note]) => ({
    impl,
    note,
    measure(n) {
      started = 0;
      const bytes = retainedBytesPerItem(make, n);
      const startedAll = started === n;
      cleanup();
      return { bytes, startedAll };
    },
  }));
}

/** Bytes a spawn keeps (fiber + generator) against the generator alone, on an executor that holds the runnables. */
export function spawnBytes(n) {
  const held = { submit() {} };
  function* body() {
    yield;
  }
  const generator = retainedBytesPerItem(() => body(), n);
  const fiber = retainedBytesPerItem(() => spawnWith({ executor: held }, body), n);
  return { generator, fiber };
}
