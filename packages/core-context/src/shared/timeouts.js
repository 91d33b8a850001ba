/** Validates an optional timeout in milliseconds; undefined means no limit (Infinity). */
export function checkTimeout(timeout, what) {
    if (timeout === undefined)
        return Number.POSITIVE_INFINITY;
    if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
        throw new RangeError(`${what}: timeout must be a non-negative number of milliseconds, got ${String(timeout)}`);
    }
    return timeout;
}
//# sourceMappingURL=timeouts.js.map