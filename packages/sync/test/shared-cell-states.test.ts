import { InvalidStateError, NotHeldError } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import {
  SharedBarrier,
  SharedResetEvent,
  SharedRwLock,
  SharedSemaphore,
  SharedWaitGroup,
} from '../src/index.js';

/** A view whose cells hold `values` from index 0. */
function cells(...values: number[]): Int32Array {
  const view = new Int32Array(new SharedArrayBuffer(SharedBarrier.INT32_SLOTS * 4));
  view.set(values);
  return view;
}

describe('attach and fromHandle refuse cells no primitive can be in', () => {
  const impossible: [string, () => unknown][] = [
    ['a SharedBarrier of 0 parties', () => SharedBarrier.attach(cells(0, 0))],
    ['a SharedBarrier of more than 65,535 parties', () => SharedBarrier.attach(cells(0, 70_000))],
    ['a SharedBarrier with as many arrivals as parties', () => SharedBarrier.attach(cells(2, 2))],
    ['a SharedSemaphore of capacity 0', () => SharedSemaphore.attach(cells(0, 0))],
    ['a SharedSemaphore with more permits than capacity', () => SharedSemaphore.attach(cells(5, 3))],
    ['a SharedSemaphore with negative permits', () => SharedSemaphore.attach(cells(-1, 3))],
    ['a SharedWaitGroup with a negative count', () => SharedWaitGroup.attach(cells(-1))],
    ['a SharedResetEvent that is neither set nor clear', () => SharedResetEvent.attach(cells(7))],
    ['a SharedRwLock held by a writer and readers', () => SharedRwLock.attach(cells((1 << 15) | 3))],
    [
      'a SharedBarrier of 0 parties from a handle',
      () => SharedBarrier.fromHandle({ buffer: cells(0, 0).buffer as SharedArrayBuffer, index: 0 }),
    ],
  ];
  for (const [what, open] of impossible) {
    it(`${what}: InvalidStateError`, () => {
      expect(open).toThrow(InvalidStateError);
    });
  }

  it('still open live cells in every possible state', () => {
    expect(SharedBarrier.attach(cells(1, 2)).parties).toBe(2);
    expect(SharedSemaphore.attach(cells(3, 3)).available).toBe(3);
    expect(SharedSemaphore.attach(cells(0, 3)).available).toBe(0);
    expect(SharedWaitGroup.attach(cells(5)).count).toBe(5);
    expect(SharedResetEvent.attach(cells(1)).isSet()).toBe(true);
    expect(SharedRwLock.attach(cells(1 << 15)).writeLocked).toBe(true);
    expect(SharedRwLock.attach(cells((2 << 16) | 4)).readerCount).toBe(4);
  });
});

describe('SharedWaitGroup.add stays within its Int32 cell', () => {
  it('refuses to raise the count past 2,147,483,647 with RangeError and keeps the count', () => {
    const group = new SharedWaitGroup();
    group.add(2 ** 31 - 1);
    expect(() => group.add()).toThrow(RangeError);
    expect(() => group.add(2 ** 40)).toThrow(RangeError);
    expect(group.count).toBe(2 ** 31 - 1);
    group.add(-(2 ** 31 - 1));
    expect(group.count).toBe(0);
    expect(() => group.add(-(2 ** 40))).toThrow(NotHeldError);
    expect(group.count).toBe(0);
  });
});
