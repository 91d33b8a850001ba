/** The native half of core-context: thread pinning, CPU topology, native coroutine benchmarks. */
export type { ManyCoroutinesReport } from './bench.js';
export { benchManyCoroutines, benchRoundTrip } from './bench.js';
export { bindingFileName, defaultBindingPath, loadBinding } from './binding.js';
export { currentAffinity, pinThread, threadId, usableParallelism } from './topology.js';
