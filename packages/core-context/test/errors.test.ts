import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';

describe('typed errors', () => {
  it('each error class has a stable code, its own name and is a SpindleError', () => {
    const cases: [core.SpindleError, string, string][] = [
      [new core.Cancelled(), 'ERR_SPINDLE_CANCELLED', 'Cancelled'],
      [new core.TimeoutError(), 'ERR_SPINDLE_TIMEOUT', 'TimeoutError'],
      [new core.InvalidStateError('x'), 'ERR_SPINDLE_INVALID_STATE', 'InvalidStateError'],
      [new core.AlreadyLinkedError(), 'ERR_SPINDLE_ALREADY_LINKED', 'AlreadyLinkedError'],
      [new core.NotHeldError('x'), 'ERR_SPINDLE_NOT_HELD', 'NotHeldError'],
      [new core.ClosedError('x'), 'ERR_SPINDLE_CLOSED', 'ClosedError'],
      [new core.QueueFullError('x'), 'ERR_SPINDLE_QUEUE_FULL', 'QueueFullError'],
      [new core.BlockingCallError('x'), 'ERR_SPINDLE_BLOCKING_ON_MAIN_THREAD', 'BlockingCallError'],
      [new core.WorkerCrashedError(3, 'x'), 'ERR_SPINDLE_WORKER_CRASHED', 'WorkerCrashedError'],
      [new core.BrokenBarrierError(), 'ERR_SPINDLE_BROKEN_BARRIER', 'BrokenBarrierError'],
      [new core.NativeBindingError('x'), 'ERR_SPINDLE_NATIVE_MISSING', 'NativeBindingError'],
      [new core.SystemError('open', 2, 'x'), 'ERR_SPINDLE_SYSTEM', 'SystemError'],
    ];
    for (const [error, code, name] of cases) {
      expect(error).toBeInstanceOf(core.SpindleError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.name).toBe(name);
      expect(error.message.length).toBeGreaterThan(0);
    }
  });

  it('messages name what went wrong and carry causes and details', () => {
    const cause = new Error('root');
    expect(new core.Cancelled('stopped', { cause }).cause).toBe(cause);
    expect(new core.BlockingCallError('futexWait').message).toMatch(/futexWait .*main thread.*waitAsync/);
    const system = new core.SystemError('sched_setaffinity', 22, 'Invalid argument');
    expect(system.message).toBe('sched_setaffinity failed (errno 22): Invalid argument');
    expect(system.errno).toBe(22);
    expect(new core.WorkerCrashedError(4, 'gone').workerId).toBe(4);
  });
});
