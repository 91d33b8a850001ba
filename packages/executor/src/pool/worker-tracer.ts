import { setTracer, type Tracer } from '@spindle/core-context';
import { moduleUrl } from './module-url.js';

/** The pool option: a module every worker imports, and the export that is its Tracer. */
export interface WorkerTracerOption {
  module: string | URL;
  /** Export name (default `"default"`). */
  export?: string;
}

/** What a worker is told: where its tracer lives. */
export interface TracerSource {
  url: string;
  name: string;
}

/** Checks the pool option on the main thread. */
export function tracerSource(option: WorkerTracerOption | undefined): TracerSource | null {
  if (option === undefined) return null;
  if (typeof option !== 'object' || option === null) {
    throw new TypeError('tracer must be { module, export? }: a module each worker imports for its tracer');
  }
  const name = option.export ?? 'default';
  if (typeof name !== 'string' || name === '')
    throw new TypeError('tracer.export must be a non-empty export name');
  return { url: moduleUrl(option.module), name };
}

function isTracer(value: unknown): value is Tracer {
  const candidate = value as Partial<Tracer> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.begin === 'function' &&
    typeof candidate.end === 'function' &&
    typeof candidate.instant === 'function'
  );
}

/**
 * In a worker: imports the tracer module and installs its export as this thread's tracer
 * (tracers are per thread, so one set on the main thread never reaches a worker).
 */
export async function installTracer(source: TracerSource): Promise<void> {
  const namespace = (await import(source.url)) as Record<string, unknown>;
  const value = namespace[source.name];
  if (!isTracer(value)) {
    throw new TypeError(`${source.url} has no export "${source.name}" with begin, end and instant methods`);
  }
  setTracer(value);
}
