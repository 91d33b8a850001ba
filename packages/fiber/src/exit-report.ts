import type { Waitable } from '@spindle/core-context';
import { type Fiber, taskOf } from './fiber.js';
import { resumeCount } from './fiber-task.js';
import { formatFiberReport, stuckFibers } from './stuck.js';

/** Where the report at exit goes; null when turned off. */
type ReportWriter = (report: string) => void;

const toStderr: ReportWriter = (report) => {
  process.stderr.write(report);
};

let writer: ReportWriter | null = toStderr;
let reported = false;

/** What one 'beforeExit' saw: each stuck fiber beside its waitable, and how many resumes had run. */
interface Look {
  parked: (Fiber | Waitable | null)[];
  resumes: number;
}

/** The previous 'beforeExit' look, kept only while a second one is awaited. */
let lastLook: Look | null = null;

const HINT = '(reported at exit by @spindle/fiber; reportStuckFibersAtExit(null) turns this off)\n';

/*
 * A process whose fibers wait on each other would otherwise end silently (with exit code 13
 * under a top-level await). 'beforeExit' fires when the event loop is empty, but a parked
 * fiber is not stuck yet then: another 'beforeExit' listener may still wake it (resolve the
 * promise it waits on). So the first look only notes the stuck fibers and lets the loop turn
 * once more; the report is written when the next 'beforeExit' finds the same fibers on the
 * same waitables and no fiber ran in between. Listening from the import on (not from the
 * first spawn) keeps every spawn free of an "armed yet?" check; without fibers the listener
 * returns at once.
 */
process.on('beforeExit', lookForStuckFibers);

function lookForStuckFibers(): void {
  const previous = lastLook;
  lastLook = null;
  // Once: writing may schedule work, which would bring 'beforeExit' back.
  if (writer === null || reported) return;
  const stuck = stuckFibers();
  if (stuck.length === 0) return;
  const look: Look = { parked: [], resumes: resumeCount() };
  for (const info of stuck) look.parked.push(info.fiber, taskOf(info.fiber).parkedOn());
  if (previous !== null && sameLook(previous, look)) {
    reported = true;
    writeReport(formatFiberReport(stuck));
    return;
  }
  // Look again after one more turn; after a look that saw progress, only while fibers keep
  // leaving (a listener that wakes a fiber at every 'beforeExit' must not keep us turning).
  if (previous === null || look.parked.length < previous.parked.length) {
    lastLook = look;
    setImmediate(nothing);
  }
}

function nothing(): void {}

function sameLook(a: Look, b: Look): boolean {
  if (a.resumes !== b.resumes || a.parked.length !== b.parked.length) return false;
  return a.parked.every((item, i) => item === b.parked[i]);
}

/** A writer that throws must not turn the exit into a crash: the report goes to stderr then. */
function writeReport(report: string): void {
  if (writer === toStderr) {
    toStderr(report + HINT);
    return;
  }
  try {
    writer!(report);
  } catch (error) {
    toStderr(`${report}(the writer given to reportStuckFibersAtExit threw: ${describeError(error)})\n`);
  }
}

function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'an error that cannot be shown';
  }
}

/**
 * Chooses where the stuck-fiber report goes when the process is about to exit because its
 * event loop is empty ('beforeExit'): stderr by default, `write`, or nowhere with `null`.
 * The report names the fibers parked on something no timer will end and that stayed parked
 * through a second 'beforeExit' with no fiber running in between, and is written at most
 * once. A `write` that throws does not change the exit: the report then goes to stderr.
 * Returns a function that restores the previous choice.
 */
export function reportStuckFibersAtExit(write: ReportWriter | null = toStderr): () => void {
  if (write !== null && typeof write !== 'function') {
    throw new TypeError(`reportStuckFibersAtExit expects a function or null, got ${typeof write}`);
  }
  const previous = writer;
  writer = write;
  return () => {
    writer = previous;
  };
}
