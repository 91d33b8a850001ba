/**
 * Errors cross threads as plain records (structured clone keeps only standard error
 * classes and drops custom names and fields); the receiving side rebuilds an Error with the
 * original name, message, stack, cause and own fields such as `code`.
 */
export interface ErrorRecord {
  readonly isError: true;
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly cause?: unknown;
  readonly fields: Record<string, unknown>;
}

const STANDARD: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** Turns anything thrown into something structured clone and v8.serialize keep intact. */
export function errorToRecord(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error) || depth > 8) return cloneable(error);
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key !== 'cause') fields[key] = cloneable((error as unknown as Record<string, unknown>)[key]);
  }
  const record: ErrorRecord = {
    isError: true,
    name: error.name,
    message: error.message,
    stack: error.stack,
    fields,
    ...('cause' in error ? { cause: errorToRecord(error.cause, depth + 1) } : {}),
  };
  return record;
}

/** Rebuilds what `errorToRecord` made. */
export function recordToError(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || (value as ErrorRecord).isError !== true) return value;
  const record = value as ErrorRecord;
  const Ctor = STANDARD[record.name] ?? Error;
  const error =
    'cause' in record
      ? new Ctor(record.message, { cause: recordToError(record.cause) })
      : new Ctor(record.message);
  if (error.name !== record.name) {
    Object.defineProperty(error, 'name', { value: record.name, configurable: true, writable: true });
  }
  if (record.stack !== undefined) error.stack = record.stack;
  Object.assign(error, record.fields);
  return error;
}

/** An error record small enough for any slot: name and the start of the message. */
export function shortRecord(error: unknown): ErrorRecord {
  const named = error instanceof Error ? error : new Error(String(error));
  return {
    isError: true,
    name: named.name,
    message: named.message.slice(0, 80),
    stack: undefined,
    fields: {},
  };
}

function cloneable(value: unknown): unknown {
  if (typeof value === 'function' || typeof value === 'symbol') return String(value);
  return value;
}
