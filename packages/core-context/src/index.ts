export { bounded, waitFor } from './contracts/bounded.js';
export {
  CancelCallback,
  type CancelListener,
  CancelSource,
  type CancelSourceOptions,
  CancelToken,
  NEVER_CANCELLED,
} from './contracts/cancel.js';
export { type Executor, FunctionRunnable, type Runnable } from './contracts/executor.js';
export { type FaultSource, faultPoint, withFaultSource } from './contracts/fault.js';
export { Operation } from './contracts/operation.js';
export { Relay, RelayingOperation } from './contracts/relay.js';
export { Deferred, SharedOutcome } from './contracts/shared-outcome.js';
export { setTracer, type Tracer, tracer } from './contracts/tracing.js';
export {
  isWaitable,
  SingleWaiter,
  type UnparkResult,
  type Waitable,
  type Waiter,
  type WaitOptions,
} from './contracts/wait.js';
export {
  abortedError,
  type LimitedWait,
  limitAlreadyFired,
  listenForLimits,
  stopListening,
} from './contracts/wait-limits.js';
export { Coroutine, type CoroutineBody, type CoroutineStatus } from './coroutine/coroutine.js';
export * from './errors.js';
export { ForwardList } from './intrusive/forward-list.js';
export type { DoublyLinked, SinglyLinked } from './intrusive/links.js';
export { List } from './intrusive/list.js';
export { Queue } from './intrusive/queue.js';
export * from './native/index.js';
export { createRandom } from './random/create-random.js';
export type { DefaultChosen, Selected, ValueOf } from './select/choice.js';
export { Select, type SelectOptions, type SelectOutcome, select } from './select/select.js';
export { checkCells, placeCells } from './shared/cells.js';
export {
  Futex,
  type FutexWaitAsyncOptions,
  type FutexWaitResult,
  futexWait,
  futexWaitAsync,
  futexWake,
} from './shared/futex.js';
export { SharedCell } from './shared/shared-cell.js';
export { SpinLock } from './shared/spin-lock.js';
export { pendingSleeps, Sleep, sleep } from './timers/sleep.js';
export { checkWaitOptions } from './wait-options.js';
