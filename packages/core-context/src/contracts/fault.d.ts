/**
 * The fault-injection contract, beside tracing: synchronization points in every package (a
 * lock handing over, a channel waking a receiver, a fiber resuming) call `faultPoint()`;
 * while a FaultSource is installed (`@spindle/executor`'s ManualExecutor with faults), it
 * answers from its seeded random source whether the caller should add an extra yield (a
 * fiber reschedules itself once more, a lock defers a hand-off). Otherwise the answer is
 * `false` after one null check.
 */
/** Something that decides faults: a ManualExecutor with faults on. */
export interface FaultSource {
    decideFault(label: string | undefined): boolean;
}
/**
 * Asks whether the caller should inject an extra yield or delay here. `label` names the
 * point (e.g. `"mutex.unlock"`) for diagnostics. Deterministic for a given seed and schedule.
 */
export declare function faultPoint(label?: string): boolean;
/** Runs `body` with `source` answering `faultPoint`, restoring the previous source after. */
export declare function withFaultSource<R>(source: FaultSource | null, body: () => R): R;
//# sourceMappingURL=fault.d.ts.map