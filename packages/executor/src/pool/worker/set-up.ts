import type { Status, WorkerInit } from '../messages.js';
import { describeThread, pinCurrentThread } from '../pinning.js';
import { installTracer } from '../worker-tracer.js';

/** Pins this thread and installs its tracer, as the pool asked; the status tells the pool how it went. */
export async function setUpThread(init: WorkerInit): Promise<Status> {
  const failed = (what: string, error: unknown): Status => ({
    t: 'setup-failed',
    message: `${what}: ${String((error as Error)?.message ?? error)}`,
  });
  let thread: ReturnType<typeof describeThread>;
  try {
    if (init.pin !== null) pinCurrentThread(init.pin);
    thread = describeThread();
  } catch (error) {
    return failed('could not pin itself', error);
  }
  try {
    if (init.tracer !== null) await installTracer(init.tracer);
  } catch (error) {
    return failed('could not install its tracer', error);
  }
  return { t: 'ready', ...thread };
}
