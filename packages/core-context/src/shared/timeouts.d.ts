/** Validates an optional timeout in milliseconds; undefined means no limit (Infinity). */
export declare function checkTimeout(timeout: number | undefined, what: string): number;
//# sourceMappingURL=timeouts.d.ts.map