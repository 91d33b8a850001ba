/**
 * The native half of core-context that users call: thread pinning and CPU topology. The
 * native benchmarks live at `@spindle/core-context/native-bench` and the addon loader at
 * `@spindle/core-context/native-addon`.
 */
export { currentAffinity, pinThread, threadId, usableParallelism } from './topology.js';
//# sourceMappingURL=index.js.map