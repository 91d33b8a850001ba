import { SystemError } from '@spindle/core-context';
import { type ErrorRecord, recordToError } from '../protocol/errors.js';
import type { SetUpStepFailure } from '../protocol/messages.js';
import { pinningNeedsAddon } from './pinning.js';

/**
 * The error `ready()` rejects with when worker `index` could not take one set-up step (see
 * `setUpFailure`), or an AggregateError holding one error per step when it failed both.
 */
export function setUpFailures(index: number, failures: SetUpStepFailure[], cpus: number[] | null): Error {
  const errors = failures.map((failure) => setUpFailure(index, failure.step, failure.error, cpus));
  if (errors.length === 1) return errors[0]!;
  return new AggregateError(errors, errors.map((error) => error.message).join('; '));
}

/**
 * The error `ready()` rejects with when worker `index` could not pin itself to `cpus` or
 * install its tracer, rebuilt from the record the worker sent: a refused pin stays a
 * `SystemError` (errno, syscall) and a missing addon a `NativeBindingError`, each naming the
 * worker and the CPU.
 */
function setUpFailure(index: number, step: 'pin' | 'tracer', record: unknown, cpus: number[] | null): Error {
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
