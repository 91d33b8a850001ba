import { SharedDeque } from './deque.js';
import { type PoolGeometry, PoolLayout, S_STATE, SLOT_INTS } from './layout.js';
import { SharedRing } from './ring.js';

/** Typed views over a pool's SharedArrayBuffer, the same on the main thread and in workers. */
export class PoolMemory {
  readonly layout: PoolLayout;
  readonly words: Int32Array;
  /** Per slot: enqueued, started, finished (absolute ms). */
  readonly times: Float64Array;
  readonly bytes: Uint8Array;
  readonly floats: Float64Array;
  readonly global: SharedRing;
  readonly completions: SharedRing;
  readonly inboxes: SharedRing[];
  readonly deques: SharedDeque[];
  readonly slotBytes: number;

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
    this.words = new Int32Array(buffer, 0, layout.intCount);
    this.times = new Float64Array(buffer, layout.timesByteOffset, layout.totalSlots * 3);
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

  /** Int32 index of a slot header field. */
  field(slot: number, field: number): number {
    return this.layout.slotBase + slot * SLOT_INTS + field;
  }

  state(slot: number): number {
    return Atomics.load(this.words, this.layout.slotBase + slot * SLOT_INTS + S_STATE);
  }

  /** Compare-and-swap of a slot's state; true when it moved from `from` to `to`. */
  transition(slot: number, from: number, to: number): boolean {
    const index = this.layout.slotBase + slot * SLOT_INTS + S_STATE;
    return Atomics.compareExchange(this.words, index, from, to) === from;
  }

  /** Byte offset of a slot's payload inside `bytes`. */
  payloadOffset(slot: number): number {
    return slot * this.slotBytes;
  }
}
