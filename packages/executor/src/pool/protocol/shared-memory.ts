/**
 * The pool's shared-memory protocol: one SharedArrayBuffer that the main thread and every
 * worker view alike. This file is the only place that knows where anything lives in it;
 * everything else goes through PoolMemory's named accessors.
 *
 * ```text
 *  int32 words ─────────────────────────────────────────────────────────────────────────
 *  │ control (8)   PARK_SEQ IDLE_WORKERS COMPLETE_SEQ MAIN_WAITING SHUTDOWN NEVER_SET · · │
 *  │ per worker    [tasks run, tasks stolen] × workers                                    │
 *  │ global queue  MPMC ring of slot indexes (capacity ≥ all slots)                       │
 *  │ completions   MPMC ring of finished main slots (workers push, main thread shifts)    │
 *  │ inboxes       one ring per worker: by-message tasks sent to that worker              │
 *  │ deques        one Chase–Lev deque per worker (stealing mode, forks)                  │
 *  │ slot headers  [state, fn, length, runner, flags, kind, ·, ·] × (main + fork slots)   │
 *  float64 times ───────────────────────────────────────────────────────────────────────
 *  │ [enqueued, started, finished] ms × slots                                             │
 *  payload bytes ───────────────────────────────────────────────────────────────────────
 *  │ slotBytes × slots: a task's arguments, then its result (see codec.ts)                │
 *  └────────────────────────────────────────────────────────────────────────────────────
 *  slots: [0, slots) belong to the main thread; worker w owns
 *         [slots + w × forkSlots, slots + (w + 1) × forkSlots) for its forks.
 *
 *  slot state:  FREE ─► QUEUED ─► ACTIVE ─► DONE | FAILED ─► FREE (freed by its owner)
 *                         └──────► CANCELLED (a cancel before it ran; reported, then FREE)
 * ```
 *
 * Who writes what: the owner of a slot writes its header and payload while it is FREE,
 * then publishes it with an atomic store of QUEUED; a worker claims it with a QUEUED →
 * ACTIVE compare-and-swap, writes the result and stores DONE or FAILED; the owner reads it
 * and frees it. `runner` names the worker holding a slot so a dead worker's slots are found.
 */
import { performance } from 'node:perf_hooks';
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
const S_STATE = 0;
const S_FN = 1;
const S_LENGTH = 2;
const S_RUNNER = 3;
const S_FLAGS = 4;
const S_KIND = 5;
const SLOT_INTS = 8;

/** Slot states. */
export const FREE = 0;
export const QUEUED = 1;
export const ACTIVE = 2;
export const DONE = 3;
export const FAILED = 4;
export const CANCELLED = 5;

/** Slot flags. */
const FLAG_ABORT = 1;
const FLAG_FORK = 2;
/** The slot's task is on its runner's stack (its function runs, or the runner awaits it or its module). */
const FLAG_HOLDS_THREAD = 4;

/** Per-worker words. */
const W_RUN = 0;
const W_STOLEN = 1;
const WORKER_INTS = 2;

/** Per-slot times (float64). */
const T_ENQUEUED = 0;
const T_STARTED = 1;
const T_FINISHED = 2;
const TIMES = 3;

function nextPowerOfTwo(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}

/** Where each structure lives in the pool's one SharedArrayBuffer. */
class PoolLayout {
  readonly totalSlots: number;
  readonly globalCapacity: number;
  readonly completionCapacity: number;
  readonly inboxCapacity: number;
  readonly dequeCapacity: number;
  readonly workerBase: number;
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
    this.workerBase = at;
    at += workers * WORKER_INTS;
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
    this.payloadByteOffset = this.timesByteOffset + this.totalSlots * TIMES * 8;
    this.byteLength = this.payloadByteOffset + this.totalSlots * slotBytes;
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

/** Absolute time in ms, comparable across the pool's threads (the slot times use it). */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** Typed views over a pool's SharedArrayBuffer, the same on the main thread and in workers. */
export class PoolMemory {
  readonly layout: PoolLayout;
  readonly words: Int32Array;
  readonly bytes: Uint8Array;
  readonly floats: Float64Array;
  readonly global: SharedRing;
  readonly completions: SharedRing;
  readonly inboxes: SharedRing[];
  readonly deques: SharedDeque[];
  readonly slotBytes: number;
  private readonly times: Float64Array;
  private readonly slotBase: number;
  private readonly workerBase: number;

  constructor(
    readonly buffer: SharedArrayBuffer,
    geometry: PoolGeometry,
  ) {
    const layout = new PoolLayout(geometry);
    if (buffer.byteLength < layout.byteLength) {
      throw new RangeError(
        `the SharedArrayBuffer has ${buffer.byteLength} bytes but this pool needs ${layout.byteLength}; size it with poolMemoryBytes()`,
      );
    }
    this.layout = layout;
    this.slotBytes = geometry.slotBytes;
    this.slotBase = layout.slotBase;
    this.workerBase = layout.workerBase;
    this.words = new Int32Array(buffer, 0, layout.intCount);
    this.times = new Float64Array(buffer, layout.timesByteOffset, layout.totalSlots * TIMES);
    this.bytes = new Uint8Array(buffer, layout.payloadByteOffset, layout.totalSlots * geometry.slotBytes);
    this.floats = new Float64Array(
      buffer,
      layout.payloadByteOffset,
      (layout.totalSlots * geometry.slotBytes) / 8,
    );
    this.global = new SharedRing(this.words, layout.globalBase, layout.globalCapacity);
    this.completions = new SharedRing(this.words, layout.completionBase, layout.completionCapacity);
    this.inboxes = [];
    this.deques = [];
    for (let w = 0; w < geometry.workers; w++) {
      this.inboxes.push(new SharedRing(this.words, layout.inboxAt(w), layout.inboxCapacity));
      this.deques.push(new SharedDeque(this.words, layout.dequeAt(w), layout.dequeCapacity));
    }
  }

  /** Zeroes the control words and prepares the rings; done once by the pool's creator. */
  initialize(): void {
    this.words.fill(0);
    this.global.initialize();
    this.completions.initialize();
    for (const inbox of this.inboxes) inbox.initialize();
  }

  // ── slot state ────────────────────────────────────────────────────────────────────────

  state(slot: number): number {
    return Atomics.load(this.words, this.slotBase + slot * SLOT_INTS + S_STATE);
  }

  /** Publishes a state (an atomic store: what was written before it is visible with it). */
  setState(slot: number, state: number): void {
    Atomics.store(this.words, this.slotBase + slot * SLOT_INTS + S_STATE, state);
  }

  /** Compare-and-swap of a slot's state; true when it moved from `from` to `to`. */
  transition(slot: number, from: number, to: number): boolean {
    const index = this.slotBase + slot * SLOT_INTS + S_STATE;
    return Atomics.compareExchange(this.words, index, from, to) === from;
  }

  /** Sleeps (a worker only) while the slot's state is `state`, at most `ms`. */
  waitWhileState(slot: number, state: number, ms: number): void {
    Atomics.wait(this.words, this.slotBase + slot * SLOT_INTS + S_STATE, state, ms);
  }

  /** Wakes the threads waiting on the slot's state (a fork's joiner). */
  notifyState(slot: number): void {
    Atomics.notify(this.words, this.slotBase + slot * SLOT_INTS + S_STATE);
  }

  // ── slot header ───────────────────────────────────────────────────────────────────────

  /** The task function id: a registered function (≥ 0) or a fork id (< 0). */
  fn(slot: number): number {
    return this.words[this.slotBase + slot * SLOT_INTS + S_FN]!;
  }

  /** Writes a queued task's header: function, flags (fork or not), no runner yet. */
  writeHeader(slot: number, fn: number, fork: boolean): void {
    const at = this.slotBase + slot * SLOT_INTS;
    this.words[at + S_FN] = fn;
    this.words[at + S_FLAGS] = fork ? FLAG_FORK : 0;
    this.words[at + S_RUNNER] = -1;
  }

  /** The worker holding the slot (taken, running), or -1. */
  runner(slot: number): number {
    return Atomics.load(this.words, this.slotBase + slot * SLOT_INTS + S_RUNNER);
  }

  setRunner(slot: number, worker: number): void {
    Atomics.store(this.words, this.slotBase + slot * SLOT_INTS + S_RUNNER, worker);
  }

  isFork(slot: number): boolean {
    return (this.words[this.slotBase + slot * SLOT_INTS + S_FLAGS]! & FLAG_FORK) !== 0;
  }

  /**
   * Whether the slot's task is on its runner's stack: its function runs (perhaps under
   * nested forks of a helping join), or the runner's loop awaits it or its module.
   */
  holdsThread(slot: number): boolean {
    return (Atomics.load(this.words, this.slotBase + slot * SLOT_INTS + S_FLAGS) & FLAG_HOLDS_THREAD) !== 0;
  }

  setHoldsThread(slot: number, on: boolean): void {
    const at = this.slotBase + slot * SLOT_INTS + S_FLAGS;
    if (on) Atomics.or(this.words, at, FLAG_HOLDS_THREAD);
    else Atomics.and(this.words, at, ~FLAG_HOLDS_THREAD);
  }

  /** The caller cancelled the task while it runs: its `taskSignal()` reads this. */
  markAborted(slot: number): void {
    Atomics.or(this.words, this.slotBase + slot * SLOT_INTS + S_FLAGS, FLAG_ABORT);
  }

  isAborted(slot: number): boolean {
    return (Atomics.load(this.words, this.slotBase + slot * SLOT_INTS + S_FLAGS) & FLAG_ABORT) !== 0;
  }

  /** How the payload is encoded (codec.ts) and its length in bytes or numbers. */
  kind(slot: number): number {
    return this.words[this.slotBase + slot * SLOT_INTS + S_KIND]!;
  }

  payloadLength(slot: number): number {
    return this.words[this.slotBase + slot * SLOT_INTS + S_LENGTH]!;
  }

  setPayload(slot: number, kind: number, length: number): void {
    const at = this.slotBase + slot * SLOT_INTS;
    this.words[at + S_KIND] = kind;
    this.words[at + S_LENGTH] = length;
  }

  /** Byte offset of a slot's payload inside `bytes`. */
  payloadOffset(slot: number): number {
    return slot * this.slotBytes;
  }

  // ── slot times (ms, see `now`) ────────────────────────────────────────────────────────

  setEnqueuedAt(slot: number, at: number): void {
    this.times[slot * TIMES + T_ENQUEUED] = at;
  }

  setStartedAt(slot: number, at: number): void {
    this.times[slot * TIMES + T_STARTED] = at;
  }

  setFinishedAt(slot: number, at: number): void {
    this.times[slot * TIMES + T_FINISHED] = at;
  }

  /** From submit to start. */
  waitTime(slot: number): number {
    return this.times[slot * TIMES + T_STARTED]! - this.times[slot * TIMES + T_ENQUEUED]!;
  }

  /** From start to end. */
  runTime(slot: number): number {
    return this.times[slot * TIMES + T_FINISHED]! - this.times[slot * TIMES + T_STARTED]!;
  }

  // ── per-worker words ──────────────────────────────────────────────────────────────────

  tasksRun(worker: number): number {
    return Atomics.load(this.words, this.workerBase + worker * WORKER_INTS + W_RUN);
  }

  countRun(worker: number): void {
    Atomics.add(this.words, this.workerBase + worker * WORKER_INTS + W_RUN, 1);
  }

  tasksStolen(worker: number): number {
    return Atomics.load(this.words, this.workerBase + worker * WORKER_INTS + W_STOLEN);
  }

  countStolen(worker: number, count: number): void {
    Atomics.add(this.words, this.workerBase + worker * WORKER_INTS + W_STOLEN, count);
  }

  // ── wake-ups ──────────────────────────────────────────────────────────────────────────

  /** Wakes up to `count` workers parked on the PARK_SEQ futex word. */
  wakeWorkers(count: number): void {
    Atomics.add(this.words, PARK_SEQ, 1);
    Atomics.notify(this.words, PARK_SEQ, count);
  }
}
