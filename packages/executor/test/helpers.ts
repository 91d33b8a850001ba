import { FunctionRunnable } from '@spindle/core-context';

/** A runnable that appends `label` to `log` when it runs. */
export function logging(log: string[], label: string): FunctionRunnable {
  return new FunctionRunnable(() => log.push(label));
}
