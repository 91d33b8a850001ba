// A CommonJS TypeScript user of the packed packages (copied into a project outside the
// monorepo as index.ts; tsc compiles its imports to require() calls).
import { type Operation, waitFor } from '@spindle/core-context';
import { InlineExecutor } from '@spindle/executor';
import { type FiberGenerator, run, sleep, spawnWith } from '@spindle/fiber';
import { Mutex } from '@spindle/sync';

function* countTo(mutex: Mutex, limit: number): FiberGenerator<number> {
  yield* mutex.lock();
  try {
    yield* sleep(1);
    return limit;
  } finally {
    mutex.unlock();
  }
}

async function main(): Promise<void> {
  const mutex = new Mutex();
  const inline = spawnWith({ executor: new InlineExecutor(), name: 'inline' }, countTo, mutex, 2);
  const counted = await run(countTo, mutex, 3);
  const joined: Operation<number> = inline.join();
  console.log(`counted ${counted} and ${await waitFor(joined)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
