/** Throws RangeError unless `value` is an integer of at least `min`. */
export function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer of at least ${min}, got ${String(value)}`);
  }
}

/** How a semaphore starts: its permits, and a capacity above them when it starts short. */
export interface SemaphoreInit {
  /** Permits available at the start. */
  permits: number;
  /** Most permits it can hold (releases past it throw NotHeldError). Default: `permits`. */
  capacity?: number;
}

/** Checks a semaphore's start (`permits` alone or a SemaphoreInit) and returns both counts. */
export function semaphoreLimits(
  what: string,
  init: number | SemaphoreInit,
  maxCapacity = Number.MAX_SAFE_INTEGER,
): { permits: number; capacity: number } {
  const permits = typeof init === 'number' ? init : init?.permits;
  checkInteger(`${what} permits`, permits, 0);
  const capacity = typeof init === 'number' ? permits : (init.capacity ?? permits);
  if (capacity === 0) {
    throw new RangeError(
      `${what} capacity is 0, so it could never be acquired: to start with no permits, pass { permits: 0, capacity: n }`,
    );
  }
  checkInteger(`${what} capacity`, capacity, Math.max(permits, 1));
  if (capacity > maxCapacity) {
    throw new RangeError(`${what} capacity must be at most ${maxCapacity}, got ${capacity}`);
  }
  return { permits, capacity };
}
