import { formatFiberReport } from './stuck.js';

/** Where the report at exit goes; null when turned off. */
type ReportWriter = (report: string) => void;

const toStderr: ReportWriter = (report) => {
  process.stderr.write(report);
};

let writer: ReportWriter | null = toStderr;
let armed = false;
let reported = false;

const HINT = '(reported at exit by @spindle/fiber; reportStuckFibersAtExit(null) turns this off)\n';

/**
 * A process whose fibers wait on each other would otherwise end silently (with exit code 13
 * under a top-level await). So the first spawn arms a 'beforeExit' hook, which fires when
 * the event loop is empty, that is when nothing can wake a parked fiber any more.
 */
export function armExitReport(): void {
  if (armed) return;
  armed = true;
  process.on('beforeExit', reportOnce);
}

function reportOnce(): void {
  // Once: writing may schedule work, which would bring 'beforeExit' back.
  if (writer === null || reported) return;
  const report = formatFiberReport();
  if (report === '') return;
  reported = true;
  writer(report + (writer === toStderr ? HINT : ''));
}

/**
 * Chooses where the stuck-fiber report goes when the process is about to exit because its
 * event loop is empty ('beforeExit'): stderr by default, `write`, or nowhere with `null`.
 * The report names the fibers parked on something no timer will end, and is written at
 * most once. Returns a function that restores the previous choice.
 */
export function reportStuckFibersAtExit(write: ReportWriter | null = toStderr): () => void {
  if (write !== null && typeof write !== 'function') {
    throw new TypeError(`reportStuckFibersAtExit expects a function or null, got ${typeof write}`);
  }
  const previous = writer;
  writer = write;
  armExitReport();
  return () => {
    writer = previous;
  };
}
