import { SharedDeque } from './deque.js';
import { SharedRing } from './ring.js';

/** Sizes that decide the shared memory of a pool; `poolMemoryBytes` turns them into bytes. */
export interface PoolGeometry {
  /** Worker threads. */
  workers: number;
  /** Task slots the main thread can have in shared memory at once (more wait in a local backlog). */
  slots: number;
  /** Slots each worker has for fork-join subtasks (a fork beyond them runs inline). */
  forkSlots: number;
  /** Bytes of arguments or result a slot holds inline (larger values travel by message). */
  slotBytes: number;
}

export const DEFAULT_GEOMETRY = { slots: 1024, forkSlots: 256, slotBytes: 192 } as const;

/** Control words (int32 indexes into the shared words). */
export const PARK_SEQ = 0;
export const IDLE_WORKERS = 1;
export const COMPLETE_SEQ = 2;
export const MAIN_WAITING = 3;
export const SHUTDOWN = 4;
/** Always 0: a word to sleep on for a short, fixed time. */
export const NEVER_SET = 5;
const CONTROL_INTS = 8;

/** SHUTDOWN value at which workers exit (it is 0 while the pool runs). */
export const STOP = 1;

/** Slot header fields (int32 offsets inside a slot's header). */
export const S_STATE = 0;
export const S_FN = 1;
export const S_LENGTH = 2;
export const S_RUNNER = 3;
export const S_FLAGS = 4;
export const S_KIND = 5;
export const SLOT_INTS = 8;

/** Slot states. */
export const FREE = 0;
export const QUEUED = 1;
export const ACTIVE = 2;
export const DONE = 3;
export const FAILED = 4;
export const CANCELLED = 5;

/** Slot flags. */
export const FLAG_ABORT = 1;
export const FLAG_FORK = 2;

/** Per-worker words: statistics, and the slot the worker is occupied with. */
export const STAT_RUN = 0;
export const STAT_STOLEN = 1;
/** The slot + 1 whose task (or its module's loading) holds the worker's thread now; 0 when none. */
export const BUSY_WITH = 2;
const STAT_INTS = 3;

function nextPowerOfTwo(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}

/** Where each structure lives in the pool's one SharedArrayBuffer. */
export class PoolLayout {
  readonly totalSlots: number;
  readonly globalCapacity: number;
  readonly completionCapacity: number;
  readonly inboxCapacity: number;
  readonly dequeCapacity: number;
  readonly statsBase: number;
  readonly globalBase: number;
  readonly completionBase: number;
  readonly inboxBase: number;
  readonly dequeBase: number;
  readonly slotBase: number;
  readonly intCount: number;
  readonly timesByteOffset: number;
  readonly payloadByteOffset: number;
  readonly byteLength: number;

  constructor(readonly geometry: PoolGeometry) {
    const { workers, slots, forkSlots, slotBytes } = geometry;
    this.totalSlots = slots + workers * forkSlots;
    this.globalCapacity = nextPowerOfTwo(this.totalSlots);
    this.completionCapacity = nextPowerOfTwo(slots);
    this.inboxCapacity = nextPowerOfTwo(slots);
    this.dequeCapacity = nextPowerOfTwo(forkSlots + 64);
    let at = CONTROL_INTS;
    this.statsBase = at;
    at += workers * STAT_INTS;
    this.globalBase = at;
    at += SharedRing.ints(this.globalCapacity);
    this.completionBase = at;
    at += SharedRing.ints(this.completionCapacity);
    this.inboxBase = at;
    at += workers * SharedRing.ints(this.inboxCapacity);
    this.dequeBase = at;
    at += workers * SharedDeque.ints(this.dequeCapacity);
    this.slotBase = at;
    at += this.totalSlots * SLOT_INTS;
    this.intCount = at + (at & 1); // keep the float64 region 8-byte aligned
    this.timesByteOffset = this.intCount * 4;
    this.payloadByteOffset = this.timesByteOffset + this.totalSlots * 3 * 8;
    this.byteLength = this.payloadByteOffset + this.totalSlots * slotBytes;
  }

  statIndex(worker: number, stat: number): number {
    return this.statsBase + worker * STAT_INTS + stat;
  }

  inboxAt(worker: number): number {
    return this.inboxBase + worker * SharedRing.ints(this.inboxCapacity);
  }

  dequeAt(worker: number): number {
    return this.dequeBase + worker * SharedDeque.ints(this.dequeCapacity);
  }

  /** First slot of a worker's fork-join region. */
  forkSlotStart(worker: number): number {
    return this.geometry.slots + worker * this.geometry.forkSlots;
  }
}

/** Validates a geometry from user options. */
export function checkGeometry(geometry: PoolGeometry): PoolGeometry {
  const positive = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
    }
  };
  positive('workers', geometry.workers, 1, 256);
  positive('slots', geometry.slots, 2, 1 << 20);
  positive('forkSlots', geometry.forkSlots, 0, 1 << 16);
  positive('slotBytes', geometry.slotBytes, 16, 1 << 20);
  if (geometry.slotBytes % 8 !== 0)
    throw new RangeError(`slotBytes must be a multiple of 8, got ${geometry.slotBytes}`);
  return geometry;
}

/** Bytes of the SharedArrayBuffer a pool of this geometry needs (for caller-provided memory). */
export function poolMemoryBytes(geometry: Partial<PoolGeometry> & { workers: number }): number {
  return new PoolLayout(checkGeometry({ ...DEFAULT_GEOMETRY, ...geometry })).byteLength;
}
