import os from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import type { TracerSource } from '../protocol/messages.js';
import {
  checkGeometry,
  DEFAULT_GEOMETRY,
  type PoolGeometry,
  poolMemoryBytes,
} from '../protocol/shared-memory.js';
import { moduleUrl } from './module-url.js';
import { pinList } from './pinning.js';

export interface ThreadPoolOptions extends Partial<Omit<PoolGeometry, 'workers'>> {
  /** Worker threads (default: the usable CPUs). */
  workers?: number;
  /** `global`: one shared queue. `stealing` (default): per-worker deques with work stealing. */
  mode?: 'global' | 'stealing';
  /** `true`: worker i on the i-th usable CPU; or a CPU per worker (reused round-robin). */
  pin?: boolean | readonly number[];
  /** Most tasks waiting for a worker; `trySubmit` fails and `submit` waits beyond it. */
  maxQueue?: number;
  /** Caller-provided shared memory of at least `ThreadPool.memoryBytes(options)` bytes. */
  memory?: SharedArrayBuffer;
  /** Passed to each Worker. */
  resourceLimits?: ResourceLimits;
  /**
   * A module each worker imports before its first task; its export (default `"default"`)
   * is installed as that worker's tracer, which then sees task begin/end, steal and park.
   */
  tracer?: WorkerTracerOption;
}

/** ThreadPoolOptions checked, with their defaults filled in. */
export interface PoolConfig {
  geometry: PoolGeometry;
  mode: 'global' | 'stealing';
  maxQueue: number;
  /** The CPU of each worker index (reused round-robin), or null when unpinned. */
  pin: number[] | null;
  resourceLimits: ResourceLimits | undefined;
  tracer: TracerSource | null;
  buffer: SharedArrayBuffer;
}

/** Checks the options (throwing on the first bad one) and fills in their defaults. */
export function resolveOptions(options: ThreadPoolOptions): PoolConfig {
  const geometry = geometryOf(options);
  if (options.mode !== undefined && options.mode !== 'global' && options.mode !== 'stealing') {
    throw new TypeError(`mode must be "global" or "stealing", got ${String(options.mode)}`);
  }
  const maxQueue = options.maxQueue ?? Number.POSITIVE_INFINITY;
  if (!(maxQueue >= 0) || (Number.isFinite(maxQueue) && !Number.isInteger(maxQueue))) {
    throw new RangeError(`maxQueue must be a non-negative integer, got ${String(options.maxQueue)}`);
  }
  const pin = pinList(options.pin, geometry.workers);
  const tracer = tracerSource(options.tracer);
  const buffer = options.memory ?? new SharedArrayBuffer(poolMemoryBytes(geometry));
  if (!(buffer instanceof SharedArrayBuffer)) throw new TypeError('memory must be a SharedArrayBuffer');
  return {
    geometry,
    mode: options.mode ?? 'stealing',
    maxQueue,
    pin,
    resourceLimits: checkResourceLimits(options.resourceLimits),
    tracer,
    buffer,
  };
}

export function geometryOf(options: ThreadPoolOptions): PoolGeometry {
  return checkGeometry({
    workers: options.workers ?? Math.max(1, os.availableParallelism()),
    slots: options.slots ?? DEFAULT_GEOMETRY.slots,
    forkSlots: options.forkSlots ?? DEFAULT_GEOMETRY.forkSlots,
    slotBytes: options.slotBytes ?? DEFAULT_GEOMETRY.slotBytes,
  });
}

/** The Worker resource limits the pool passes on. */
const RESOURCE_LIMITS = [
  'maxYoungGenerationSizeMb',
  'maxOldGenerationSizeMb',
  'codeRangeSizeMb',
  'stackSizeMb',
];
/** A stack under 1 MB overflows while the worker loads (taking the process down); a huge one fails to be made. */
const STACK_MB = { min: 1, max: 1024 };

function checkResourceLimits(limits: ResourceLimits | undefined): ResourceLimits | undefined {
  if (limits === undefined) return undefined;
  if (typeof limits !== 'object' || limits === null) {
    throw new TypeError('resourceLimits must be an object of Worker resource limits');
  }
  for (const [key, value] of Object.entries(limits)) {
    if (!RESOURCE_LIMITS.includes(key)) {
      throw new TypeError(`resourceLimits.${key} is not one of ${RESOURCE_LIMITS.join(', ')}`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new RangeError(`resourceLimits.${key} must be a positive number of MB, got ${String(value)}`);
    }
    if (key === 'stackSizeMb' && (value < STACK_MB.min || value > STACK_MB.max)) {
      throw new RangeError(
        `resourceLimits.stackSizeMb must be in [${STACK_MB.min}, ${STACK_MB.max}], got ${value}`,
      );
    }
  }
  return { ...limits };
}

/** The pool option: a module every worker imports, and the export that is its Tracer. */
export interface WorkerTracerOption {
  module: string | URL;
  /** Export name (default `"default"`). */
  export?: string;
}

/** Checks the tracer option; what the workers are told. */
function tracerSource(option: WorkerTracerOption | undefined): TracerSource | null {
  if (option === undefined) return null;
  if (typeof option !== 'object' || option === null) {
    throw new TypeError('tracer must be { module, export? }: a module each worker imports for its tracer');
  }
  const name = option.export ?? 'default';
  if (typeof name !== 'string' || name === '')
    throw new TypeError('tracer.export must be a non-empty export name');
  return { url: moduleUrl(option.module), name };
}
