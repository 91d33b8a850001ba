/**
 * Ping-pong: two tasks hand a token back and forth; the figure is ns per handoff (switch).
 */
import { InlineExecutor } from '@spindle/executor';
import { run as effectionRun, spawn as effectionSpawn, withResolvers } from 'effection';
import { spawnWith } from '../dist/index.js';
import { effectLibs } from './effect-libs.mjs';
import { Mailbox } from './waitables.mjs';

/**
 * Spindle fibers on `executor` (undefined: the default, loopExecutor); `delegate` uses
 * `yield* op` (a generator per wait), else bare `yield op`.
 */
function spindle(executor, delegate) {
  return async (switches) => {
    const toPing = new Mailbox();
    const toPong = new Mailbox();
    const rounds = switches / 2;
    const pong = spawnWith(
      { executor },
      delegate
        ? function* () {
            for (let i = 0; i < rounds; i++) toPing.put(yield* toPong);
          }
        : function* () {
            for (let i = 0; i < rounds; i++) toPing.put(yield toPong);
          },
    );
    const ping = spawnWith(
      { executor },
      delegate
        ? function* () {
            let token = 0;
            for (let i = 0; i < rounds; i++) {
              toPong.put(token + 1);
              token = yield* toPing;
            }
            return token;
          }
        : function* () {
            let token = 0;
            for (let i = 0; i < rounds; i++) {
              toPong.put(token + 1);
              token = yield toPing;
            }
            return token;
          },
    );
    const token = await ping;
    await pong;
    if (token !== rounds) throw new Error(`ping-pong lost tokens: ${token} != ${rounds}`);
  };
}

async function asyncAwait(switches) {
  const rounds = switches / 2;
  let toPing = null;
  let toPong = null;
  const next = (set) => new Promise((resolve) => set(resolve));
  let pongBox = next((r) => (toPong = r));
  let pingBox = next((r) => (toPing = r));
  const pong = (async () => {
    for (let i = 0; i < rounds; i++) {
      const token = await pongBox;
      pongBox = next((r) => (toPong = r));
      toPing(token);
    }
  })();
  let token = 0;
  for (let i = 0; i < rounds; i++) {
    toPong(token + 1);
    token = await pingBox;
    pingBox = next((r) => (toPing = r));
  }
  await pong;
  if (token !== rounds) throw new Error('async ping-pong lost tokens');
}

async function effection(switches) {
  const rounds = switches / 2;
  await effectionRun(function* () {
    let pongBox = withResolvers();
    let pingBox = withResolvers();
    const pong = yield* effectionSpawn(function* () {
      for (let i = 0; i < rounds; i++) {
        const token = yield* pongBox.operation;
        pongBox = withResolvers();
        pingBox.resolve(token);
      }
    });
    let token = 0;
    for (let i = 0; i < rounds; i++) {
      const waitPing = pingBox.operation;
      pongBox.resolve(token + 1);
      token = yield* waitPing;
      pingBox = withResolvers();
    }
    yield* pong;
    if (token !== rounds) throw new Error('effection ping-pong lost tokens');
  });
}

const effect =
  ({ Effect, Deferred, Fiber, fork }) =>
  async (switches) => {
    const rounds = switches / 2;
    const program = Effect.gen(function* () {
      let pongBox = yield* Deferred.make();
      let pingBox = yield* Deferred.make();
      const pong = yield* fork(
        Effect.gen(function* () {
          for (let i = 0; i < rounds; i++) {
            const token = yield* Deferred.await(pongBox);
            pongBox = yield* Deferred.make();
            yield* Deferred.succeed(pingBox, token);
          }
        }),
      );
      let token = 0;
      for (let i = 0; i < rounds; i++) {
        const waitPing = pingBox;
        yield* Deferred.succeed(pongBox, token + 1);
        token = yield* Deferred.await(waitPing);
        pingBox = yield* Deferred.make();
      }
      yield* Fiber.join(pong);
      if (token !== rounds) throw new Error('effect ping-pong lost tokens');
    });
    await Effect.runPromise(program);
  };

/** [impl, body, variant note] rows of the ping-pong case. */
export function pingPongImpls() {
  const inline = new InlineExecutor();
  return [
    ['spindle', spindle(undefined, false), 'default executor (loopExecutor), bare `yield op`'],
    ['spindle-delegate', spindle(undefined, true), 'default executor (loopExecutor), `yield* op`'],
    ['spindle-inline', spindle(inline, false), 'InlineExecutor, bare `yield op`'],
    ['spindle-inline-delegate', spindle(inline, true), 'InlineExecutor, `yield* op`'],
    ['async-await', asyncAwait, 'two async functions, promise resolvers'],
    ['effection', effection, 'withResolvers per handoff'],
    ...effectLibs.map(([impl, lib]) => [impl, effect(lib), 'Deferred per handoff']),
  ];
}
