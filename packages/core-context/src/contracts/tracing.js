/** The active tracer of this thread, or null. Read it; change it with `setTracer`. */
export let tracer = null;
/** Installs `next` as this thread's tracer (null turns tracing off); returns the previous one. */
export function setTracer(next) {
    const previous = tracer;
    tracer = next;
    return previous;
}
//# sourceMappingURL=tracing.js.map