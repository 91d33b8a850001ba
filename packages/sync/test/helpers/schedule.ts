import { ManualExecutor, runSeeded, withFaultSource } from '@spindle/executor';
import { type Fiber, type FiberGenerator, spawnWith } from '@spindle/fiber';

/** Seeds each interleaving test runs (SPINDLE_SEED replays one). */
export const SEEDS = 40;

/** Seeds of each halt-at-every-step test (each seed runs the scenario once per step). */
export const HALT_SEEDS = 8;

/** Seeded fault injection: fibers take extra trips through the executor at wake points. */
export const FAULTS = { faults: true } as const;

/** Spawns `count` fibers running `body(i)` on `executor`. */
export function spawnAll(
  executor: ManualExecutor,
  count: number,
  body: (i: number) => FiberGenerator<void>,
): Fiber<void>[] {
  return Array.from({ length: count }, (_, i) => spawnWith({ executor, name: `worker-${i}` }, body, i));
}

/** A scenario: fibers on `executor`, one of them the victim, and a check of the state after all ends. */
export interface Scenario {
  victim: Fiber<unknown>;
  others: Fiber<unknown>[];
  check(victimFinished: boolean): void;
}

/**
 * Cancellation at every wait point: for each seed, runs the scenario once to count its
 * steps, then once per step k, halting the victim after k steps, and checks that everyone
 * else still finishes and the primitive is consistent. Failures name the seed and step.
 */
export function haltAtEveryStep(seeds: number, build: (executor: ManualExecutor) => Scenario): void {
  runSeeded(
    seeds,
    (executor, seed) => {
      const steps = build(executor);
      const total = executor.drain();
      for (const fiber of [steps.victim, ...steps.others]) {
        if (fiber.status !== 'done')
          throw new Error(`without a halt, ${fiber.name} is ${fiber.status}, not done`);
      }
      steps.check(true);
      for (let k = 0; k <= total; k++) {
        const cutExecutor = new ManualExecutor({ random: true, seed, ...FAULTS });
        const scenario = build(cutExecutor);
        withFaultSource(cutExecutor, () => cutExecutor.runAtMost(k));
        const finishedBefore = scenario.victim.status === 'done';
        scenario.victim.halt();
        try {
          withFaultSource(cutExecutor, () => cutExecutor.drain());
          for (const fiber of scenario.others) {
            if (fiber.status !== 'done') throw new Error(`${fiber.name} is ${fiber.status}, not done`);
          }
          scenario.check(finishedBefore);
        } catch (error) {
          if (error instanceof Error) error.message = `halted after ${k} steps: ${error.message}`;
          throw error;
        }
      }
    },
    FAULTS,
  );
}

/**
 * Checks how a halted fiber ended: done (it finished before the halt took effect) or
 * halted, also when a condition wait unwound it with Cancelled after retaking the mutex.
 * Joins it, so no unjoined failure is reported.
 */
export function expectEndedByHalt(fiber: Fiber<unknown>): void {
  fiber.join().then(undefined, () => {});
  const status = fiber.status;
  if (status === 'done' || status === 'halted') return;
  throw new Error(`the halted ${fiber.name} is ${status}`);
}
