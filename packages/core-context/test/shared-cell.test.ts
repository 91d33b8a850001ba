import { describe, expect, it } from 'vitest';
import { Futex, SharedCell, SpinLock } from '../src/index.js';

describe('SharedCell: the placement both Futex and SpinLock stand on', () => {
  for (const [name, Make] of [
    ['Futex', Futex],
    ['SpinLock', SpinLock],
  ] as const) {
    it(`${name}: self-allocates one shared cell, or opens the caller's cell at an index`, () => {
      const own = new Make();
      expect(own).toBeInstanceOf(SharedCell);
      expect(own.view.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect([own.view.length, own.index]).toEqual([1, 0]);
      const view = new Int32Array(new SharedArrayBuffer(16));
      const placed = new Make(view, 3);
      expect(placed.view).toBe(view);
      expect(placed.index).toBe(3);
    });

    it(`${name}: refuses a bad placement at the call, naming itself`, () => {
      expect(() => new Make(new Int32Array(4), 0)).toThrow(
        new RegExp(`${name} needs an Int32Array over a SharedArrayBuffer`),
      );
      expect(() => new Make(new Int32Array(new SharedArrayBuffer(8)), 2)).toThrow(RangeError);
      expect(() => new Make(undefined, 1)).toThrow(new RegExp(`${name}: an index \\(1\\) needs a view`));
      expect(() => new Make(new Uint8Array(new SharedArrayBuffer(8)) as never, 0)).toThrow(TypeError);
    });
  }
});
