import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NativeBindingError, SystemError } from '../src/errors.js';
import { benchFunction, benchManyCoroutines, benchRoundTrip } from '../src/native/bench.js';
import { defaultBindingPath, loadBinding, type NativeBinding } from '../src/native/binding.js';
import {
  affinityCalls,
  currentAffinity,
  pinThread,
  threadId,
  usableParallelism,
} from '../src/native/topology.js';

/** The affinity this process started with, restored after every test that pins. */
const original = currentAffinity();

afterEach(() => {
  pinThread(original);
});

function allowedListOf(tid: number): string {
  const status = readFileSync(`/proc/self/task/${tid}/status`, 'utf8');
  return /^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1] ?? '';
}

describe('pinning and topology', () => {
  it('pins the calling thread to one CPU and reads it back, then restores', () => {
    const target = original[original.length - 1]!;
    pinThread([target]);
    expect(currentAffinity()).toEqual([target]);
    expect(allowedListOf(threadId())).toBe(String(target));
    pinThread(original);
    expect(currentAffinity()).toEqual(original);
  });

  it('pins a worker thread without touching the main thread', async () => {
    const target = original[0]!;
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const binding = require(${JSON.stringify(defaultBindingPath())});
       const errno = binding.pinThread([${target}]);
       parentPort.postMessage({ tid: binding.threadId(), errno, cpus: binding.currentAffinity().cpus });
       parentPort.once('message', () => process.exit(0));`,
      { eval: true },
    );
    try {
      const report = await new Promise<{ tid: number; errno: number; cpus: number[] }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(report.errno).toBe(0);
      expect(report.cpus).toEqual([target]);
      expect(report.tid).not.toBe(process.pid);
      expect(allowedListOf(report.tid)).toBe(String(target));
      expect(currentAffinity()).toEqual(original);
    } finally {
      worker.postMessage('done');
      await new Promise((resolve) => worker.once('exit', resolve));
    }
  });

  it('reports the kernel thread id of the calling thread', () => {
    // vitest's forks pool runs tests on the main thread of a child process.
    expect(threadId()).toBe(process.pid);
  });

  it('throws SystemError with errno EINVAL for a CPU that does not exist', () => {
    let caught: unknown;
    try {
      pinThread([100_000]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SystemError);
    const error = caught as SystemError;
    expect(error.errno).toBe(os.constants.errno.EINVAL);
    expect(error.syscall).toBe('sched_setaffinity');
    expect(error.code).toBe('ERR_SPINDLE_SYSTEM');
    expect(error.message).toMatch(/sched_setaffinity failed \(errno 22\): Invalid argument/);
    expect(currentAffinity()).toEqual(original);
  });

  it('rejects bad CPU lists at the call', () => {
    expect(() => pinThread([])).toThrow(RangeError);
    expect(() => pinThread([-1])).toThrow(RangeError);
    expect(() => pinThread([0.5])).toThrow(RangeError);
    expect(() => pinThread('0' as unknown as number[])).toThrow(TypeError);
  });

  it('names the affinity call of each system in its SystemError', () => {
    expect(affinityCalls('linux')).toEqual({ pin: 'sched_setaffinity', read: 'sched_getaffinity' });
    expect(affinityCalls('win32')).toEqual({ pin: 'SetThreadAffinityMask', read: 'GetProcessAffinityMask' });
    expect(affinityCalls('darwin').pin).toBe('pinThread (no thread affinity API on darwin)');
  });

  it('gives a usable parallelism within the affinity mask and the machine', () => {
    const usable = usableParallelism();
    expect(usable).toBeGreaterThanOrEqual(1);
    expect(usable).toBeLessThanOrEqual(os.availableParallelism());
    expect(usable).toBeLessThanOrEqual(original.length);
  });

  it('sees a narrower affinity in the usable parallelism', () => {
    pinThread([original[0]!]);
    expect(usableParallelism()).toBe(1);
  });
});

describe('native coroutine benchmarks', () => {
  it('makes every round trip it is asked for, each value there and back', () => {
    const n = 10_000;
    const report = loadBinding().benchRoundTrip!(n);
    expect(report.roundTrips).toBe(n);
    expect(report.checksum).toBe((n * (n + 1)) / 2); // the coroutine answers i + 1 to i
  });

  it('measures a round trip within the wall time of the call and above a physical floor', () => {
    const n = 100_000;
    const start = process.hrtime.bigint();
    const ns = benchRoundTrip(n);
    const wallNs = Number(process.hrtime.bigint() - start);
    // A resume plus a suspend is a few dozen instructions: well over 0.1 ns even at 10 GHz.
    expect(ns).toBeGreaterThan(0.1);
    expect(ns * n).toBeLessThanOrEqual(wallNs);
  });

  it('keeps many coroutines alive and reports memory', () => {
    const report = benchManyCoroutines(2_000, 4096);
    expect(report.count).toBe(2_000);
    expect(report.stackSize).toBe(4096);
    expect(report.rssBytes).toBeGreaterThan(0);
  });

  it('says so when the addon was built without native coroutines', () => {
    const topologyOnly = { ...loadBinding() } as NativeBinding;
    delete topologyOnly.benchRoundTrip;
    expect(() => benchFunction(topologyOnly, 'benchRoundTrip')).toThrow(NativeBindingError);
    expect(() => benchFunction(topologyOnly, 'benchRoundTrip')).toThrow(
      /benchRoundTrip needs native coroutines, which are built only for Linux on x86_64 and aarch64/,
    );
    expect(benchFunction(loadBinding(), 'benchManyCoroutines')).toBeTypeOf('function');
  });

  it('rejects bad sizes at the call', () => {
    expect(() => benchRoundTrip(0)).toThrow(RangeError);
    expect(() => benchManyCoroutines(10, 100)).toThrow(RangeError);
    expect(() => benchManyCoroutines(1.5)).toThrow(RangeError);
  });

  it('rejects sizes that would exhaust memory or block the thread for long', () => {
    expect(() => benchManyCoroutines(2 ** 32 - 1, 2048)).toThrow(RangeError);
    expect(() => benchManyCoroutines(1_000_001, 2048)).toThrow(/count must be an integer from 1 to 1000000/);
    expect(() => benchManyCoroutines(1_000_000, 4096)).toThrow(
      /stackSize must be an integer from 2048 to 2147/,
    );
    expect(() => benchRoundTrip(2 ** 32 - 1)).toThrow(/iterations must be an integer from 1 to 100000000/);
  });

  it('the raw addon answers oversized calls with an error, never an abort', () => {
    // In a child: before the sizes were checked, the first call aborted node (a failed
    // allocation) and the second ran for about a minute.
    const script = `
      const binding = require(${JSON.stringify(defaultBindingPath())});
      for (const call of [() => binding.benchManyCoroutines(2 ** 32 - 1, 2048),
                          () => binding.benchManyCoroutines(1000, 2 ** 32 - 1),
                          () => binding.benchRoundTrip(2 ** 32 - 1)]) {
        try { call(); console.log('returned'); } catch (error) { console.log(error.message); }
      }`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000 });
    expect(child.signal).toBeNull();
    expect(child.stdout.trim().split('\n')).toEqual([
      'benchManyCoroutines: count must be from 1 to 1000000; got 4294967295',
      'benchManyCoroutines: stackSize must be at least 2048 and count * stackSize at most 2147483648; got 1000 * 4294967295',
      'benchRoundTrip: iterations must be from 1 to 100000000; got 4294967295',
    ]);
  });

  it('the raw addon exports the API only, no test aid', () => {
    expect(Object.keys(loadBinding()).sort()).toEqual([
      'benchLimits',
      'benchManyCoroutines',
      'benchRoundTrip',
      'currentAffinity',
      'osErrorMessage',
      'pinThread',
      'threadId',
      'usableParallelism',
    ]);
  });
});

/** Names of the sections of a 64-bit little-endian ELF file. */
function elfSectionNames(path: string): string[] {
  const file = readFileSync(path);
  expect(file.subarray(0, 6)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]));
  const sectionTable = Number(file.readBigUInt64LE(0x28));
  const entrySize = file.readUInt16LE(0x3a);
  const count = file.readUInt16LE(0x3c);
  const header = (i: number) => sectionTable + i * entrySize;
  const namesOffset = Number(file.readBigUInt64LE(header(file.readUInt16LE(0x3e)) + 0x18));
  return Array.from({ length: count }, (_, i) => {
    const start = namesOffset + file.readUInt32LE(header(i));
    return file.toString('latin1', start, file.indexOf(0, start));
  });
}

describe('the published addon', () => {
  it.runIf(process.platform === 'linux')('is stripped of its symbol table and keeps its exports', () => {
    const sections = elfSectionNames(defaultBindingPath());
    expect(sections).toContain('.dynsym');
    expect(sections).not.toContain('.symtab');
  });
});

describe('the loader', () => {
  it('names the missing file and tells to run the build', () => {
    const missing = join(os.tmpdir(), 'spindle-does-not-exist', 'spindle-core-context.linux-x64.node');
    expect(() => loadBinding(missing)).toThrow(NativeBindingError);
    expect(() => loadBinding(missing)).toThrow(
      `The native addon of @spindle/core-context was not found at ${missing}. Run \`pnpm build\``,
    );
  });

  it('reports a file that is not an addon', () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'spindle-binding-'));
    const broken = join(dir, 'broken.node');
    writeFileSync(broken, 'not a shared object');
    try {
      expect(() => loadBinding(broken)).toThrow(/could not be loaded .*Run `pnpm build`/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('coroutine stack overflow', () => {
  // (module (memory 1) (func (export "load") (param i32) (result i32) local.get 0 i32.load))
  const wasm = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x03,
    0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x08, 0x01, 0x04, 0x6c, 0x6f, 0x61, 0x64, 0x00,
    0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0x0b,
  ];
  /** Script lines that make V8 install its WebAssembly trap handler and define `load`. */
  const withV8TrapHandler = `
    const module = new WebAssembly.Module(new Uint8Array(${JSON.stringify(wasm)}));
    const { load } = new WebAssembly.Instance(module).exports;
    try { load(0x7ffffff0); } catch {} // V8 has installed its trap handler by now`;

  it('leaves faults that are not ours to V8 (WebAssembly bounds traps still work)', () => {
    const script = `${withV8TrapHandler}
      const binding = require(${JSON.stringify(defaultBindingPath())});
      binding.benchRoundTrip(10); // maps a guarded stack: installs ours in front of V8's
      try { load(0x7ffffff0); console.log('no trap'); } catch (error) { console.log('trapped:', error.message); }`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('trapped: memory access out of bounds');
    expect(child.status).toBe(0);
  });

  describe('with the test-aids addon (built apart, never published)', () => {
    let testAidsPath = '';
    // Built asynchronously: a cargo build on a fresh clone takes about a minute, and a
    // synchronous one would block this worker past vitest's RPC timeout.
    beforeAll(async () => {
      const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'build-native.mjs');
      const build = await run(process.execPath, [script, '--test-aids'], 600_000);
      expect(build.status, build.stderr).toBe(0);
      testAidsPath = /build-native: wrote (.+)$/m.exec(build.stdout)?.[1] ?? '';
    }, 660_000);

    it("ends the process with a clear message next to V8's handlers, in a child process", () => {
      const script = `${withV8TrapHandler}
        const addon = { exports: {} };
        process.dlopen(addon, ${JSON.stringify(testAidsPath)});
        addon.exports.testOnlyOverflowCoroutineStack();`;
      const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
      expect(child.signal, child.stderr).toBe('SIGABRT');
      expect(child.stderr).toMatch(/coroutine stack overflow: fault at 0x[0-9a-f]+ in the guard page/);
    });
  });
});

/** Runs a command without blocking the event loop; resolves with its exit status and output. */
function run(
  file: string,
  args: string[],
  timeout: number,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { encoding: 'utf8', timeout, maxBuffer: 64 << 20 },
      (_error, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }),
    );
  });
}
