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
export function attach<T>(open: () => T): T {
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
    this.view = view ?? new Int32Array(new SharedArrayBuffer(slots * Int32Array.BYTES_PER_ELEMENT));
    if (!(this.view.buffer instanceof SharedArrayBuffer)) {
      throw new TypeError(`${what} needs an Int32Array over a SharedArrayBuffer`);
    }
    if (!Number.isInteger(index) || index < 0 || index + slots > this.view.length) {
      throw new RangeError(
        `${what}: index ${String(index)} is out of range: ${slots} Int32 slot(s) from it must fit in a view of length ${this.view.length}`,
      );
    }
    if (view === undefined && index !== 0)
      throw new RangeError(`${what}: an index needs a view to index into`);
    this.index = index;
  }

  /** A plain object to post to a worker; `fromHandle` there opens the same primitive. */
  handle(): SharedHandle {
    return {
      buffer: this.view.buffer as SharedArrayBuffer,
      index: this.view.byteOffset / Int32Array.BYTES_PER_ELEMENT + this.index,
    };
  }
}

/** A view over the whole buffer of `handle`, checked. */
export function handleView(handle: SharedHandle): Int32Array {
  if (typeof handle !== 'object' || handle === null || !(handle.buffer instanceof SharedArrayBuffer)) {
    throw new TypeError('fromHandle needs { buffer: SharedArrayBuffer, index: number } as made by handle()');
  }
  return new Int32Array(handle.buffer);
}
