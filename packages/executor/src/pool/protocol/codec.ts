import v8 from 'node:v8';
import type { PoolMemory } from './shared-memory.js';

/** How a slot's payload is encoded (the slot's KIND field). */
const K_UNDEFINED = 0;
const K_NUMBERS = 1;
const K_NUMBER = 2;
const K_V8 = 3;
const K_MESSAGE = 4;
const K_V8_SHARED = 5;

/** Gives SharedArrayBuffers ids all threads of a pool agree on, so they cross by reference (writing). */
export interface SharedBufferIds {
  idOf(buffer: SharedArrayBuffer): number;
}

/** Finds the SharedArrayBuffer behind an id (reading). */
export interface SharedBufferLookup {
  bufferOf(id: number): SharedArrayBuffer;
}

interface SharedMarker {
  readonly spindleShared: number;
  readonly view: string | null;
  readonly offset: number;
  readonly length: number;
}

type ViewConstructor = new (buffer: SharedArrayBuffer, offset: number, length: number) => ArrayBufferView;
const VIEWS: Record<string, ViewConstructor> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};

function isNumberList(value: unknown): value is number[] {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'number') return false;
  return true;
}

/** Replaces top-level SharedArrayBuffers and typed arrays over them with id markers; null when there are none. */
function markShared(list: unknown[], shared: SharedBufferIds): unknown[] | null {
  let marked: unknown[] | null = null;
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    let marker: SharedMarker | null = null;
    if (item instanceof SharedArrayBuffer) {
      marker = { spindleShared: shared.idOf(item), view: null, offset: 0, length: item.byteLength };
    } else if (
      ArrayBuffer.isView(item) &&
      item.buffer instanceof SharedArrayBuffer &&
      !(item instanceof DataView)
    ) {
      const length = (item as unknown as { length: number }).length;
      marker = {
        spindleShared: shared.idOf(item.buffer),
        view: item.constructor.name,
        offset: item.byteOffset,
        length,
      };
    }
    if (marker !== null) {
      marked ??= list.slice();
      marked[i] = marker;
    }
  }
  return marked;
}

function unmarkShared(list: unknown[], shared: SharedBufferLookup): unknown[] {
  for (let i = 0; i < list.length; i++) {
    const item = list[i] as SharedMarker | null;
    if (typeof item !== 'object' || item === null || typeof item.spindleShared !== 'number') continue;
    const buffer = shared.bufferOf(item.spindleShared);
    const View = item.view === null ? undefined : VIEWS[item.view];
    list[i] = View === undefined ? buffer : new View(buffer, item.offset, item.length);
  }
  return list;
}

/**
 * A value serialized for a slot, made before any slot is claimed: `bytes` is null when the
 * value takes the raw float64 path (a number, undefined, or a list of numbers that fits).
 */
export interface Encoded {
  readonly bytes: Uint8Array | null;
  readonly kind: number;
}

const RAW: Encoded = { bytes: null, kind: K_NUMBER };

/**
 * Serializes `value` for a slot of `slotBytes` (top-level shared buffers replaced by ids
 * when `shared` is given). Throws the DataCloneError of a value v8 cannot serialize; the
 * bytes may be longer than the slot (the caller then sends the value by message).
 */
export function encodeValue(value: unknown, shared: SharedBufferIds | null, slotBytes: number): Encoded {
  if (typeof value === 'number' || value === undefined) return RAW;
  if (isNumberList(value) && value.length * 8 <= slotBytes) return RAW;
  const marked = shared !== null && Array.isArray(value) ? markShared(value, shared) : null;
  return { bytes: v8.serialize(marked ?? value), kind: marked === null ? K_V8 : K_V8_SHARED };
}

/** Whether an encoding carries top-level SharedArrayBuffers by id (their ids must reach the workers). */
export function carriesSharedBuffers(encoded: Encoded): boolean {
  return encoded.kind === K_V8_SHARED;
}

/** Writes an encoding of `value` that fits the slot. */
export function writeEncoded(memory: PoolMemory, slot: number, value: unknown, encoded: Encoded): void {
  const offset = memory.payloadOffset(slot);
  const bytes = encoded.bytes;
  if (bytes !== null) {
    memory.bytes.set(bytes, offset);
    memory.setPayload(slot, encoded.kind, bytes.length);
  } else if (typeof value === 'number') {
    memory.floats[offset >> 3] = value;
    memory.setPayload(slot, K_NUMBER, 1);
  } else if (value === undefined) {
    memory.setPayload(slot, K_UNDEFINED, 0);
  } else {
    const list = value as number[];
    const at = offset >> 3;
    for (let i = 0; i < list.length; i++) memory.floats[at + i] = list[i]!;
    memory.setPayload(slot, K_NUMBERS, list.length);
  }
}

/**
 * Writes `value` into a slot (see `encodeValue`). Returns false when the value does not
 * fit the slot, and throws the DataCloneError of a value v8 cannot serialize.
 */
export function writeValue(
  memory: PoolMemory,
  slot: number,
  value: unknown,
  shared: SharedBufferIds | null,
): boolean {
  const encoded = encodeValue(value, shared, memory.slotBytes);
  if (encoded.bytes !== null && encoded.bytes.length > memory.slotBytes) return false;
  writeEncoded(memory, slot, value, encoded);
  return true;
}

/** Marks a slot's value as travelling by message. */
export function markByMessage(memory: PoolMemory, slot: number): void {
  memory.setPayload(slot, K_MESSAGE, 0);
}

export function isByMessage(memory: PoolMemory, slot: number): boolean {
  return memory.kind(slot) === K_MESSAGE;
}

/**
 * A number read back from a float64 slot as an int32 when it is one. Otherwise every
 * integer argument would reach the task as a double, and V8 would specialise the task's
 * arithmetic for doubles (fib(32) ran twice as slow that way).
 */
function smallest(value: number): number {
  return value === (value | 0) && (value !== 0 || 1 / value > 0) ? value | 0 : value;
}

/** Reads what `writeValue` wrote (not for K_MESSAGE slots). */
export function readValue(memory: PoolMemory, slot: number, shared: SharedBufferLookup | null): unknown {
  const offset = memory.payloadOffset(slot);
  const kind = memory.kind(slot);
  switch (kind) {
    case K_NUMBER:
      return smallest(memory.floats[offset >> 3]!);
    case K_UNDEFINED:
      return undefined;
    case K_NUMBERS: {
      const count = memory.payloadLength(slot);
      const at = offset >> 3;
      const list = new Array<number>(count);
      for (let i = 0; i < count; i++) list[i] = smallest(memory.floats[at + i]!);
      return list;
    }
    default: {
      const length = memory.payloadLength(slot);
      // v8.deserialize needs a non-shared buffer.
      const value = v8.deserialize(Buffer.from(memory.bytes.subarray(offset, offset + length)));
      if (kind === K_V8_SHARED && shared !== null) return unmarkShared(value as unknown[], shared);
      return value;
    }
  }
}
