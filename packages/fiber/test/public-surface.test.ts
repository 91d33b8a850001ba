import { ManualExecutor } from '@spindle/executor';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  current,
  type Fiber,
  FiberPool,
  liveFibers,
  pendingSleeps,
  sleep,
  spawnWith,
  waitPromise,
} from '../src/index.js';
import { TestEvent } from './helpers.js';

/** The symbol-keyed members of every Operation: `yield*` support and its toString tag. */
const OPERATION_SYMBOLS = [Symbol.iterator, Symbol.toStringTag];

/** What a user can reach on a Fiber: the public API, and nothing of the scheduler. */
const PUBLIC_MEMBERS = [
  'catch',
  'constructor',
  'describe',
  'executor',
  'finally',
  'halt',
  'id',
  'join',
  'name',
  'park',
  'selectable',
  'status',
  'then',
  'token',
  'unpark',
  'waitingOn',
];

/** Every property key of `value` and its prototypes, up to Object.prototype. */
function reachableKeys(value: object): (string | symbol)[] {
  const keys = new Set<string | symbol>();
  for (let o: object | null = value; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Reflect.ownKeys(o)) keys.add(key);
  }
  return [...keys];
}

/** The string keys among them, sorted; every symbol key must be one of `allowedSymbols`. */
function reachableNames(value: object, allowedSymbols: symbol[] = OPERATION_SYMBOLS): string[] {
  const keys = reachableKeys(value);
  expect(keys.filter((key) => typeof key === 'symbol' && !allowedSymbols.includes(key))).toEqual([]);
  return keys.filter((key): key is string => typeof key === 'string').sort();
}

describe('the public Fiber', () => {
  it('types only the public API', () => {
    expectTypeOf<Exclude<keyof Fiber<number>, symbol>>().toEqualTypeOf<
      | 'catch'
      | 'describe'
      | 'executor'
      | 'finally'
      | 'halt'
      | 'id'
      | 'join'
      | 'name'
      | 'park'
      | 'selectable'
      | 'status'
      | 'then'
      | 'token'
      | 'unpark'
      | 'waitingOn'
    >();
  });

  it('reaches no scheduler internals at run time, from spawn, current(), liveFibers() or a pool', () => {
    const exec = new ManualExecutor();
    let inside: Fiber | null = null;
    const event = new TestEvent();
    const fiber = spawnWith({ executor: exec }, function* () {
      inside = current();
      yield event;
    });
    const pooled = new FiberPool().spawnWith({ executor: exec }, function* () {});
    exec.drain();
    expect(inside).toBe(fiber);
    const listed = liveFibers().find((info) => info.fiber === fiber);
    expect(listed).toBeDefined();
    for (const handle of [fiber, pooled]) expect(reachableNames(handle)).toEqual(PUBLIC_MEMBERS);
    fiber.halt();
    exec.drain();
  });

  it('cannot be woken by hand: a sleeping fiber sleeps on', () => {
    const exec = new ManualExecutor();
    const fiber = spawnWith({ executor: exec }, function* () {
      return yield sleep(60_000);
    });
    exec.drain();
    const handle = fiber as unknown as { wake?: unknown; fail?: unknown; run?: unknown };
    expect(handle.wake).toBeUndefined();
    expect(handle.fail).toBeUndefined();
    expect(handle.run).toBeUndefined();
    expect(fiber.status).toBe('suspended');
    fiber.halt();
    exec.drain();
    expect(fiber.status).toBe('halted');
  });

  it('joins a custom waiter through park and lets it withdraw with unpark (the Waitable protocol)', () => {
    const exec = new ManualExecutor();
    const fiber = spawnWith({ executor: exec }, function* () {
      return 5;
    });
    const woken: unknown[] = [];
    const waiter = {
      next: null,
      prev: null,
      owner: null,
      group: {},
      claim: () => true,
      settle: (_ok: boolean, value: unknown) => void woken.push(value),
      release() {},
      wake: (value: unknown) => woken.push(value) > 0,
      fail: () => false,
    };
    fiber.park(waiter);
    expect(fiber.unpark(waiter)).toBe(true);
    fiber.park(waiter);
    exec.drain();
    expect(woken).toEqual([5]);
  });
});

describe('the other public objects of the package', () => {
  const OPERATION = ['catch', 'constructor', 'finally', 'park', 'then', 'unpark'];

  it('a sleep shows its length and the Waitable protocol, and cannot be expired by hand', () => {
    const exec = new ManualExecutor();
    const nap = sleep(60_000);
    expect(reachableNames(nap)).toEqual([...OPERATION, 'describe', 'ms', 'selectable', 'timed'].sort());
    const fiber = spawnWith({ executor: exec }, function* () {
      yield nap;
    });
    exec.drain();
    const sleeping = pendingSleeps();
    // Call every function-valued member a user can reach that is not the public API, by
    // string or symbol key: none may end the sleep.
    const publicApi = new Set<string | symbol>([...OPERATION, 'describe', Symbol.toStringTag]);
    for (const key of reachableKeys(nap)) {
      if (publicApi.has(key)) continue;
      const member = (nap as unknown as Record<string | symbol, unknown>)[key];
      if (typeof member === 'function') member.call(nap);
    }
    exec.drain();
    expect(fiber.status).toBe('suspended');
    expect(pendingSleeps()).toBe(sleeping);
    fiber.halt();
    exec.drain();
    expect(pendingSleeps()).toBe(sleeping - 1);
  });

  it('a promise wait and a pool show only their public API', () => {
    expect(reachableNames(waitPromise(Promise.resolve(1)))).toEqual([...OPERATION, 'describe'].sort());
    expect(reachableNames(new FiberPool())).toEqual([
      'available',
      'constructor',
      'release',
      'spawn',
      'spawnWith',
    ]);
  });
});
