// One adapter per pool implementation, so every case drives them the same way:
// `call(name, arg)` returns a promise of the task's result.
import { Piscina } from 'piscina';
import { Tinypool } from 'tinypool';
import workerpool from 'workerpool';
import { ThreadPool } from '../dist/pool/index.js';

const TASKS = new URL('./tasks.mjs', import.meta.url);

function spindle(mode) {
  return (workers) => {
    const pool = new ThreadPool({ workers, mode });
    const handles = new Map();
    const handle = (name) => {
      let h = handles.get(name);
      if (h === undefined) handles.set(name, (h = pool.task(TASKS, name)));
      return h;
    };
    return {
      call: (name, arg) => pool.run(handle(name), [arg]),
      ready: () => pool.ready(),
      close: () => pool.close(),
    };
  };
}

/** Piscina and Tinypool (a fork of Piscina) share one API. */
function piscinaLike(Pool) {
  return (workers) => {
    const pool = new Pool({
      filename: TASKS.href,
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: 60_000,
    });
    return {
      call: (name, arg) => pool.run(arg, { name }),
      ready: () => pool.run(0, { name: 'addOne' }),
      close: () => pool.destroy(),
    };
  };
}

export const POOLS = {
  'spindle-stealing': spindle('stealing'),
  'spindle-global': spindle('global'),
  piscina: piscinaLike(Piscina),
  tinypool: piscinaLike(Tinypool),
  workerpool: (workers) => {
    const pool = workerpool.pool(new URL('./workerpool-worker.mjs', import.meta.url).pathname, {
      minWorkers: workers,
      maxWorkers: workers,
      workerType: 'thread',
    });
    return {
      call: (name, arg) => pool.exec(name, [arg]),
      ready: () => pool.exec('addOne', [0]),
      close: () => pool.terminate(),
    };
  },
};
