import { InvalidStateError, placeCells } from '@spindle/core-context';

/** What a worker needs to open a shared primitive: the buffer and the Int32 index of its first cell. */
export interface SharedHandle {
  buffer: SharedArrayBuffer;
  index: number;
}

let attaching = false;

/**
 * Runs `open` so that the shared primitive it constructs attaches to cells that already
 * hold state (from a handle) instead of initialising them.
 */
export function withoutReset<T>(open: () => T): T {
  attaching = true;
  try {
    return open();
  } finally {
    attaching = false;
  }
}

/** True while a primitive is constructed for the first time (not attached from a handle). */
export function initializing(): boolean {
  return !attaching;
}

/** The Int32 cells a shared primitive lives in: its own buffer, or a slice of the caller's view. */
export abstract class SharedCells {
  readonly view: Int32Array;
  readonly index: number;

  protected constructor(view: Int32Array | undefined, index: number, slots: number, what: string) {
    this.view = placeCells(view, index, slots, what);
    this.index = index;
  }

  /**
   * Opens, in this thread, the primitive whose `handle()` was posted here: its cells keep
   * their state (same as `attach` on a view over the handle's buffer).
   */
  static fromHandle<T>(this: { attach(view: Int32Array, index: number): T }, handle: SharedHandle): T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass fromHandle was called on
    return this.attach(handleView(handle), handle.index);
  }

  /** A plain object to post to a worker; `fromHandle` there opens the same primitive. */
  handle(): SharedHandle {
    return {
      buffer: this.view.buffer as SharedArrayBuffer,
      index: this.view.byteOffset / Int32Array.BYTES_PER_ELEMENT + this.index,
    };
  }
}

/**
 * The error for cells that `attach`/`fromHandle` found in a state the primitive can never
 * be in: the index points at other data, or the cells were overwritten.
 */
export function impossibleState(what: string, index: number, state: string): InvalidStateError {
  return new InvalidStateError(
    `${what}.attach: the cells at index ${index} hold ${state}, which no ${what} can be in: the index must point at cells a ${what} constructor initialised`,
  );
}

/** A view over the whole buffer of `handle`, checked. */
export function handleView(handle: SharedHandle): Int32Array {
  if (typeof handle !== 'object' || handle === null || !(handle.buffer instanceof SharedArrayBuffer)) {
    throw new TypeError('fromHandle needs { buffer: SharedArrayBuffer, index: number } as made by handle()');
  }
  return new Int32Array(handle.buffer);
}
