import { currentAffinity, pinThread, setTracer, type Tracer, threadId } from '@spindle/core-context';
import { errorToRecord } from '../protocol/errors.js';
import type { SetUpStepFailure, Status, TracerSource, WorkerInit } from '../protocol/messages.js';

/**
 * Pins this thread and installs its tracer, as the pool asked; the status tells the pool how
 * it went. Each step is tried whatever the other did (an unpinned worker is still traced),
 * and every failure is reported. An unpinned worker reports no thread id or CPUs: it never
 * loads the native addon.
 */
export async function setUpThread(init: WorkerInit): Promise<Status> {
  const failures: SetUpStepFailure[] = [];
  if (init.pin !== null) {
    try {
      pinThread(init.pin);
    } catch (error) {
      failures.push({ step: 'pin', error: errorToRecord(error) });
    }
  }
  if (init.tracer !== null) {
    try {
      await installTracer(init.tracer);
    } catch (error) {
      failures.push({ step: 'tracer', error: errorToRecord(error) });
    }
  }
  if (failures.length > 0) return { t: 'setup-failed', failures };
  return init.pin === null
    ? { t: 'ready', tid: -1, cpus: [] }
    : { t: 'ready', tid: threadId(), cpus: currentAffinity() };
}

function isTracer(value: unknown): value is Tracer {
  const candidate = value as Partial<Tracer> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.begin === 'function' &&
    typeof candidate.end === 'function' &&
    typeof candidate.instant === 'function'
  );
}

/**
 * Imports the tracer module and installs its export as this thread's tracer (tracers are
 * per thread, so one set on the main thread never reaches a worker).
 */
async function installTracer(source: TracerSource): Promise<void> {
  const namespace = (await import(source.url)) as Record<string, unknown>;
  const value = namespace[source.name];
  if (!isTracer(value)) {
    throw new TypeError(`${source.url} has no export "${source.name}" with begin, end and instant methods`);
  }
  setTracer(value);
}
