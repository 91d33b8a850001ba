// The in-thread executors. The worker-thread pool is `@spindle/executor/pool`.
// createRandom and the fault contract live in core-context; re-exported for seeded tests.
export { createRandom, type FaultSource, faultPoint, withFaultSource } from '@spindle/core-context';
export { InlineExecutor } from './inline.js';
export { LoopExecutor, type LoopExecutorOptions, loopExecutor } from './loop.js';
export { defaultSeed, ManualExecutor, type ManualExecutorOptions } from './manual.js';
export { runSeeded } from './seeded.js';
