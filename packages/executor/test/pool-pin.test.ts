import { readFileSync } from 'node:fs';
import { SystemError } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import { usableCpus } from '../dist/pool/index.js';
import { outcome, withPool } from './pool-helpers.js';

/** Parses a Linux CPU list such as "0-3,6" into [0, 1, 2, 3, 6]. */
function parseCpuList(text: string): number[] {
  return text
    .trim()
    .split(',')
    .flatMap((part) => {
      const [from, to = from] = part.split('-').map(Number) as [number, number?];
      return Array.from({ length: to - from + 1 }, (_, i) => from + i);
    });
}

/** Reads a thread's affinity straight from /proc, independently of the pool's own report. */
function procAffinity(tid: number): number[] {
  const status = readFileSync(`/proc/self/task/${tid}/status`, 'utf8');
  return parseCpuList(/^Cpus_allowed_list:\s*(.*)$/m.exec(status)![1]!);
}

describe('ThreadPool pinning', () => {
  it('reads the usable CPUs from the native affinity call', () => {
    expect(usableCpus()).toEqual(procAffinity(Number(readFileSync('/proc/self/stat', 'utf8').split(' ')[0])));
  });

  it('pins worker i to the i-th usable CPU with pin: true', async () => {
    const cpus = usableCpus();
    await withPool({ workers: 2, pin: true }, async (pool) => {
      await pool.ready();
      for (const worker of pool.metrics().workers) {
        const expected = [cpus[worker.index % cpus.length]];
        expect(worker.threadId).toBeGreaterThan(0);
        expect(procAffinity(worker.threadId)).toEqual(expected);
        expect(worker.cpus).toEqual(expected);
      }
    });
    expect(procAffinity(Number(readFileSync('/proc/self/stat', 'utf8').split(' ')[0]))).toEqual(cpus);
  });

  it('pins to an explicit CPU list', async () => {
    const last = usableCpus().at(-1)!;
    await withPool({ workers: 2, pin: [last] }, async (pool) => {
      await pool.ready();
      for (const worker of pool.metrics().workers) expect(procAffinity(worker.threadId)).toEqual([last]);
    });
  });

  it('rejects ready() with a SystemError naming the worker, the CPU and the OS error when a CPU cannot be used', async () => {
    await withPool({ workers: 1, pin: [100_000] }, async (pool) => {
      const error = await outcome(pool.ready());
      expect(error).toBeInstanceOf(SystemError);
      expect(error).toMatchObject({ code: 'ERR_SPINDLE_SYSTEM', errno: 22, syscall: 'sched_setaffinity' });
      expect((error as Error).message).toMatch(
        /^worker 0 could not pin itself to CPU 100000: sched_setaffinity failed \(errno 22\)/,
      );
    });
  });
});
