import { SpindleError } from '@spindle/core-context';

/**
 * A task's argument, result or error that cannot cross between threads (a function, a
 * symbol, an object whose getter throws, ...). `subject` names which value it was.
 */
export class UncloneableError extends SpindleError {
  /** `argument <i>` or `the result`. */
  readonly subject: string;

  constructor(subject: string, message: string, options?: ErrorOptions) {
    super('ERR_SPINDLE_UNCLONEABLE', message, options);
    this.subject = subject;
  }
}

/** The error for `subject` that failed to serialize with `cause`. */
export function uncloneable(subject: string, cause: unknown): UncloneableError {
  return new UncloneableError(
    subject,
    `${subject} of the task cannot cross between threads: ${describe(cause)}`,
    {
      cause,
    },
  );
}

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

/**
 * Turns anything thrown into something structured clone and v8.serialize keep intact. A
 * property whose getter throws becomes a note of that, so a hostile error still reaches
 * the caller as itself.
 */
export function errorToRecord(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error) || depth > 8) return cloneable(error);
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key !== 'cause') fields[key] = cloneable(read(error, key));
  }
  const record: ErrorRecord = {
    isError: true,
    name: String(read(error, 'name')),
    message: String(read(error, 'message')),
    stack: typeof read(error, 'stack') === 'string' ? (read(error, 'stack') as string) : undefined,
    fields,
    ...('cause' in error ? { cause: errorToRecord(read(error, 'cause'), depth + 1) } : {}),
  };
  return record;
}

/** A property, or a note saying why it could not be read. */
function read(target: object, key: string): unknown {
  try {
    return (target as Record<string, unknown>)[key];
  } catch (error) {
    return `<${key} threw: ${describe(error)}>`;
  }
}

/** Text for anything thrown, even a value whose own conversions throw. */
export function describe(value: unknown): string {
  try {
    return value instanceof Error ? value.message : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Rebuilds what `errorToRecord` made. */
export function recordToError(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || (value as ErrorRecord).isError !== true) return value;
  const record = value as ErrorRecord;
  const options = 'cause' in record ? { cause: recordToError(record.cause) } : undefined;
  const error =
    record.fields.code === 'ERR_SPINDLE_UNCLONEABLE'
      ? new UncloneableError(String(record.fields.subject), record.message, options)
      : new (STANDARD[record.name] ?? Error)(record.message, options);
  if (error.name !== record.name) {
    Object.defineProperty(error, 'name', { value: record.name, configurable: true, writable: true });
  }
  if (record.stack !== undefined) error.stack = record.stack;
  Object.assign(error, record.fields);
  return error;
}

/** An error record small enough for any slot: name and the start of the message. */
export function shortRecord(error: unknown): ErrorRecord {
  return {
    isError: true,
    name: error instanceof Error ? String(read(error, 'name')).slice(0, 40) : 'Error',
    message: describe(error).slice(0, 80),
    stack: undefined,
    fields: {},
  };
}

function cloneable(value: unknown): unknown {
  if (typeof value === 'function' || typeof value === 'symbol') return String(value);
  return value;
}
