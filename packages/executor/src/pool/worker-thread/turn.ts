/** Lets the event loop turn once (timers, control messages), then resolves. */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
