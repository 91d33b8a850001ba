/** A short description of a bad argument for an error message: `null`, `"text"`, `42`, or the class name. */
export declare function describeValue(value: unknown): string;
//# sourceMappingURL=describe-value.d.ts.map