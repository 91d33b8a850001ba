import { ManualExecutor } from '@spindle/executor';
import { describe, expect, it } from 'vitest';
import { spawnWith } from '../src/index.js';

/** Spawns a fiber that yields `value` once and returns what the yield threw, by class and message. */
function outcomeOfYielding(value: unknown): {
  fiber: ReturnType<typeof spawnWith<[], string>>;
  exec: ManualExecutor;
} {
  const exec = new ManualExecutor();
  const fiber = spawnWith({ executor: exec }, function* (): Generator<unknown, string> {
    try {
      yield value;
      return 'resumed';
    } catch (error) {
      return `${(error as Error).constructor.name}: ${(error as Error).message}`;
    }
  });
  return { fiber, exec };
}

describe('classifying what a fiber yields', () => {
  const hostile: [string, () => unknown, string][] = [
    [
      'a park getter that throws',
      () => ({
        get park(): never {
          throw new RangeError('park getter');
        },
      }),
      'RangeError: park getter',
    ],
    [
      'a then getter that throws',
      () => ({
        // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point
        get then(): never {
          throw new SyntaxError('then getter');
        },
      }),
      'SyntaxError: then getter',
    ],
    [
      'a revoked Proxy',
      () => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return proxy;
      },
      'TypeError: ',
    ],
  ];

  for (const [what, make, thrown] of hostile) {
    it(`throws the error of ${what} into the fiber, which goes on`, async () => {
      const { fiber, exec } = outcomeOfYielding(make());
      expect(() => exec.drain()).not.toThrow();
      expect(fiber.status).toBe('done');
      expect(await fiber).toContain(thrown);
    });
  }

  it('fails the fiber (not the executor) when it does not catch that error', async () => {
    const exec = new ManualExecutor();
    const fiber = spawnWith({ executor: exec }, function* () {
      yield {
        get park(): never {
          throw new RangeError('park getter');
        },
      };
    });
    const joined = fiber.join().then(
      () => 'resolved',
      (error: Error) => (error.cause as Error).message,
    );
    expect(() => exec.drain()).not.toThrow();
    expect(fiber.status).toBe('failed');
    expect(await joined).toBe('park getter');
  });
});

describe('what a fiber body may be', () => {
  it('refuses an async generator function with a TypeError, and starts nothing', () => {
    const exec = new ManualExecutor();
    expect(() => spawnWith({ executor: exec }, async function* () {} as never)).toThrow(/async generator/);
    expect(() => spawnWith({ executor: exec }, (() => (async function* () {})()) as never)).toThrow(
      TypeError,
    );
    expect(exec.pending).toBe(0);
  });

  it('checks a hand-written iterator for async iteration (only function* generators skip the lookup)', async () => {
    const exec = new ManualExecutor();
    const asyncLike = { next: () => Promise.resolve({ done: true, value: 1 }), [Symbol.asyncIterator]() {} };
    expect(() => spawnWith({ executor: exec }, (() => asyncLike) as never)).toThrow(/async generator/);
    expect(exec.pending).toBe(0);
    const syncLike = { next: () => ({ done: true, value: 2 }) };
    const fiber = spawnWith({ executor: exec }, (() => syncLike) as never);
    exec.drain();
    expect(await fiber).toBe(2);
  });
});

describe('describing a wait', () => {
  it('lists a fiber whose waitable describe() throws instead of failing the listing', () => {
    const exec = new ManualExecutor();
    const fiber = spawnWith({ executor: exec }, function* () {
      yield {
        park() {},
        unpark: () => true,
        describe(): string {
          throw new Error('no description');
        },
      };
    });
    exec.drain();
    expect(fiber.waitingOn()).toBe('a waitable (its describe() threw)');
    fiber.halt();
    exec.drain();
  });
});

describe('a Waitable whose park throws', () => {
  it('throws the park error into the fiber, with the unpark error when withdrawing throws too', async () => {
    const exec = new ManualExecutor();
    const fiber = spawnWith({ executor: exec }, function* (): Generator<unknown, string> {
      try {
        yield {
          park(): never {
            throw new RangeError('park broke');
          },
          unpark(): never {
            throw new Error('unpark broke');
          },
        };
        return 'resumed';
      } catch (error) {
        return (error as AggregateError).errors.map((e: Error) => e.message).join(', ');
      }
    });
    expect(() => exec.drain()).not.toThrow();
    expect(await fiber).toBe('park broke, unpark broke');
  });
});
