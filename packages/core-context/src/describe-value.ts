/** A short description of a bad argument for an error message: `null`, `"text"`, `42`, or the class name. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value !== 'object') return String(value);
  return (value as object).constructor?.name ?? 'an object';
}
