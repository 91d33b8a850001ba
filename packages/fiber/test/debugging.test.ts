import { bounded, InvalidStateError, setTracer, type Tracer } from '@spindle/core-context';
import { ManualExecutor } from '@spindle/executor';
import { afterEach, describe, expect, it } from 'vitest';
import {
  drainReportingStuck,
  type Fiber,
  formatFiberReport,
  liveFiberCount,
  liveFibers,
  onUnjoinedFailure,
  reportStuckFibersAtExit,
  sleep,
  spawnWith,
  stuckFibers,
} from '../src/index.js';
import { TestEvent } from './helpers.js';

describe('debugging', () => {
  const started: [Fiber, ManualExecutor][] = [];
  afterEach(() => {
    for (const [fiber, exec] of started.splice(0)) {
      fiber.halt();
      exec.drain();
    }
  });

  function scenario(exec: ManualExecutor) {
    const orphan = new TestEvent();
    const stuck = spawnWith({ executor: exec, name: 'consumer' }, function* () {
      yield orphan;
    });
    const sleeper = spawnWith({ executor: exec, name: 'sleeper' }, function* () {
      yield* sleep(60_000);
    });
    const patient = spawnWith({ executor: exec, name: 'patient' }, function* () {
      yield* bounded(new TestEvent(), { timeout: 60_000 });
    });
    const finished = spawnWith({ executor: exec, name: 'finished' }, function* () {});
    started.push([stuck, exec], [sleeper, exec], [patient, exec]);
    return { stuck, sleeper, finished };
  }

  it('lists live fibers with names, statuses and what they wait on', () => {
    const exec = new ManualExecutor();
    const before = liveFiberCount();
    const { stuck, sleeper } = scenario(exec);
    expect(liveFiberCount()).toBe(before + 4);
    exec.drain();
    const mine = liveFibers().filter((f) => f.fiber === stuck || f.fiber === sleeper);
    expect(mine.map(({ name, status, waitingOn }) => ({ name, status, waitingOn }))).toEqual([
      { name: 'consumer', status: 'suspended', waitingOn: 'TestEvent' },
      { name: 'sleeper', status: 'suspended', waitingOn: 'sleep(60000 ms)' },
    ]);
    expect(liveFiberCount()).toBe(before + 3);
  });

  it('reports fibers that can never be woken once the executor drained, not those a timer ends', () => {
    const exec = new ManualExecutor();
    const { stuck } = scenario(exec);
    exec.drain();
    const report = stuckFibers();
    expect(report.map((f) => f.name)).toEqual(['consumer']);
    expect(formatFiberReport(report)).toBe(
      `1 fiber can never be woken:\n  #${stuck.id} "consumer" suspended on TestEvent\n`,
    );
    expect(formatFiberReport([])).toBe('');
  });

  it('fails a drain that leaves fibers of that executor stuck, naming them and the seed', () => {
    const exec = new ManualExecutor({ seed: 42 });
    const { stuck } = scenario(exec);
    const other = new ManualExecutor();
    expect(drainReportingStuck(other)).toBe(0);
    expect(() => drainReportingStuck(exec)).toThrow(
      new InvalidStateError(
        `The executor drained (seed 42) but 1 fiber can never be woken:\n  #${stuck.id} "consumer" suspended on TestEvent\n`,
      ),
    );
  });

  it('writes the report on beforeExit when asked to, once', () => {
    const exec = new ManualExecutor();
    scenario(exec);
    exec.drain();
    const writes: string[] = [];
    const remove = reportStuckFibersAtExit((text) => writes.push(text));
    process.emit('beforeExit', 0);
    process.emit('beforeExit', 0);
    remove();
    expect(writes).toHaveLength(1);
    expect(writes[0]).toContain('"consumer" suspended on TestEvent');
    expect(writes[0]).not.toContain('sleeper');
  });

  it('reports a failure that nobody joined', async () => {
    const exec = new ManualExecutor();
    const reported: string[] = [];
    const previous = onUnjoinedFailure((error, fiber) => reported.push(`${fiber.name}: ${error.message}`));
    try {
      const joinedLate = spawnWith({ executor: exec, name: 'joined' }, function* () {
        throw new Error('seen');
      });
      spawnWith({ executor: exec, name: 'lonely' }, function* () {
        throw new Error('lost');
      });
      exec.drain();
      const seen = joinedLate.join().then(null, (e: unknown) => (e as Error).message);
      await new Promise((resolve) => setImmediate(resolve));
      expect(await seen).toContain('seen');
      expect(reported).toEqual([expect.stringMatching(/^lonely: Fiber #\d+ "lonely" failed: Error: lost$/)]);
    } finally {
      onUnjoinedFailure(previous);
    }
    expect(() => onUnjoinedFailure(5 as never)).toThrow(TypeError);
  });

  it('reports spawn, resume, suspend and finish to the tracer', () => {
    const exec = new ManualExecutor();
    const events: string[] = [];
    const tracer: Tracer = {
      begin: (source, name) => events.push(`${source}:${name}`),
      end: (source, name) => events.push(`${source}:/${name}`),
      instant: (source, name) => events.push(`${source}:${name}`),
    };
    const event = new TestEvent();
    const previous = setTracer(tracer);
    try {
      spawnWith({ executor: exec }, function* () {
        yield event;
      });
      exec.drain();
      event.wakeOne(undefined);
      exec.drain();
    } finally {
      setTracer(previous);
    }
    expect(events).toEqual([
      'fiber:spawn',
      'fiber:resume',
      'fiber:suspend',
      'fiber:/resume',
      'fiber:resume',
      'fiber:finish',
      'fiber:/resume',
    ]);
  });
});
