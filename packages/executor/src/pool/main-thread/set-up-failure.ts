import { SystemError } from '@spindle/core-context';
import { type ErrorRecord, recordToError } from '../protocol/errors.js';
import { pinningNeedsAddon } from './pinning.js';

/**
 * The error `ready()` rejects with when worker `index` could not pin itself to `cpus` or
 * install its tracer, rebuilt from the record the worker sent: a refused pin stays a
 * `SystemError` (errno, syscall) and a missing addon a `NativeBindingError`, each naming the
 * worker and the CPU.
 */
export function setUpFailure(
  index: number,
  step: 'pin' | 'tracer',
  record: unknown,
  cpus: number[] | null,
): Error {
  const cause = recordToError(record) as Error;
  if (step === 'tracer') {
    cause.message = `worker ${index} could not install its tracer: ${cause.message}`;
    return cause;
  }
  const where = `worker ${index} could not pin itself to CPU ${cpus?.join(', ')}`;
  const fields = (record as ErrorRecord | null)?.fields ?? {};
  if (fields.code === 'ERR_SPINDLE_SYSTEM') {
    const error = new SystemError(String(fields.syscall), Number(fields.errno), '');
    error.message = `${where}: ${cause.message}`;
    return error;
  }
  if (fields.code === 'ERR_SPINDLE_NATIVE_MISSING') return pinningNeedsAddon(where, cause);
  cause.message = `${where}: ${cause.message}`;
  return cause;
}
