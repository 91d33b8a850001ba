export { setFiberDebug } from './debug.js';
export { FiberFailedError } from './errors.js';
export { current, describeWaitable, Fiber, type FiberGenerator, type FiberStatus } from './fiber.js';
export { FiberLocal } from './locals.js';
export { FiberPool } from './pool.js';
export { isPromiseLike, PromiseWait, waitPromise } from './promise-wait.js';
export {
  type FiberInfo,
  formatFiberReport,
  liveFiberCount,
  liveFibers,
  onUnjoinedFailure,
  reportStuckFibersAtExit,
  stuckFibers,
} from './registry.js';
export { yieldNow } from './reschedule.js';
export { pendingSleeps, Sleep, sleep } from './sleep.js';
export { run, type SpawnOptions, setDefaultExecutor, spawn, spawnWith } from './spawn.js';
