/**
 * The tracing hook. Runtime packages report spans and events through the module-level
 * `tracer`; when it is null (the default) the cost is one null check, because callers
 * guard every report with `if (tracer !== null)` and build nothing otherwise.
 *
 * `source` names the package and kind (`"fiber"`, `"pool"`), `name` the event (`"resume"`,
 * `"steal"`), `id` the subject (a fiber id, a worker index).
 */
export interface Tracer {
    /** A span starts on the current thread (a fiber resumes, a task starts). */
    begin(source: string, name: string, id: number): void;
    /** The span opened by the matching `begin` ends. */
    end(source: string, name: string, id: number): void;
    /** A point event (spawn, steal, park, wake); `value` is an optional number to plot. */
    instant(source: string, name: string, id: number, value?: number): void;
}
/** The active tracer of this thread, or null. Read it; change it with `setTracer`. */
export declare let tracer: Tracer | null;
/** Installs `next` as this thread's tracer (null turns tracing off); returns the previous one. */
export declare function setTracer(next: Tracer | null): Tracer | null;
//# sourceMappingURL=tracing.d.ts.map