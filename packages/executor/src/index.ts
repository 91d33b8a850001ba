export { type FaultSource, faultPoint, withFaultSource } from './fault.js';
export { InlineExecutor } from './inline.js';
export { LoopExecutor, type LoopExecutorOptions, loopExecutor } from './loop.js';
export { defaultSeed, ManualExecutor, type ManualExecutorOptions } from './manual.js';
export { createRandom } from './random.js';
export { runSeeded } from './seeded.js';
