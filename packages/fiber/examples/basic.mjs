// Fibers in a few lines: spawn, sleep, join from async code, halt with a waiting finally
// (and the fibers it spawned), fiber-locals, and the live-fiber listing. Run `pnpm build` first, then `node examples/basic.mjs`.
import { FiberLocal, liveFibers, sleep, spawn, spawnWith, waitPromise } from '@spindle/fiber';

const requestId = new FiberLocal('none');

function* worker(name, delay) {
  requestId.set(`${name}-request`);
  const child = spawn(function* () {
    return `child of ${name} sees ${requestId.get()}`;
  });
  yield* sleep(delay); // all sleeping fibers share one timer
  const greeting = yield* waitPromise(Promise.resolve(`hello from ${name}`));
  return `${greeting}; ${yield* child.join()}`;
}

function* server() {
  // A fiber spawned by the server is halted with it (its token is a child of the server's).
  spawnWith({ name: 'connection' }, function* () {
    try {
      for (;;) yield* sleep(1000);
    } finally {
      console.log('connection: halted with its server');
    }
  });
  try {
    for (;;) yield* sleep(1000);
  } finally {
    yield* sleep(5); // cleanup may wait: the fiber is 'halting' meanwhile
    console.log('server: closed cleanly');
  }
}

const a = spawn(worker, 'a', 20);
const b = spawn(worker, 'b', 10);
const srv = spawnWith({ name: 'server' }, server);

console.log(await b); // a Fiber is awaitable from async code
console.log(await a);

await sleep(1);
for (const f of liveFibers()) console.log(`live: ${f.name} ${f.status} on ${f.waitingOn}`);
await srv.halt(); // completes once the server's cleanup has finished
console.log(`server ${srv.status}`);
try {
  await srv;
} catch (error) {
  console.log(`join after halt: ${error.name}: ${error.message}`);
}
