import { errorToRecord } from '../errors.js';
import type { Status, WorkerInit } from '../messages.js';
import { describeThread, pinCurrentThread } from '../pinning.js';
import { installTracer } from '../worker-tracer.js';

/**
 * Pins this thread and installs its tracer, as the pool asked; the status tells the pool how
 * it went. An unpinned worker reports no thread id or CPUs: it never loads the native addon.
 */
export async function setUpThread(init: WorkerInit): Promise<Status> {
  let thread = { tid: -1, cpus: [] as number[] };
  if (init.pin !== null) {
    try {
      pinCurrentThread(init.pin);
      thread = describeThread();
    } catch (error) {
      return { t: 'setup-failed', step: 'pin', error: errorToRecord(error) };
    }
  }
  try {
    if (init.tracer !== null) await installTracer(init.tracer);
  } catch (error) {
    return { t: 'setup-failed', step: 'tracer', error: errorToRecord(error) };
  }
  return { t: 'ready', ...thread };
}
