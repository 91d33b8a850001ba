// biome-ignore-all lint/correctness/useYield: coroutines that finish without suspending are cases under test
import { afterEach, describe, expect, it } from 'vitest';
import { setTracer, type Tracer, tracer } from '../src/index.js';
import { InlineExecutor } from './support/inline-executor.js';
import { TinyFiber } from './support/tiny-fiber.js';
import { OneShotEvent } from './support/waitables.js';

class RecordingTracer implements Tracer {
  readonly events: string[] = [];
  begin(source: string, name: string, id: number): void {
    this.events.push(`begin ${source}.${name}#${id}`);
  }
  end(source: string, name: string, id: number): void {
    this.events.push(`end ${source}.${name}#${id}`);
  }
  instant(source: string, name: string, id: number, value?: number): void {
    this.events.push(`instant ${source}.${name}#${id}${value === undefined ? '' : `=${value}`}`);
  }
}

afterEach(() => {
  setTracer(null);
});

describe('tracing hook', () => {
  it('is off by default and setTracer returns the previous tracer', () => {
    expect(tracer).toBeNull();
    const first = new RecordingTracer();
    const second = new RecordingTracer();
    expect(setTracer(first)).toBeNull();
    expect(tracer).toBe(first);
    expect(setTracer(second)).toBe(first);
    expect(setTracer(null)).toBe(second);
    expect(tracer).toBeNull();
  });

  it('events reported by a runtime reach the installed tracer in order', () => {
    const recorder = new RecordingTracer();
    setTracer(recorder);
    const event = new OneShotEvent<number>();
    const fiber = new TinyFiber(new InlineExecutor(), function* () {
      return yield* event;
    }).start();
    event.set(1);
    const id = fiber.id;
    expect(recorder.events).toEqual([
      `begin tiny-fiber.resume#${id}`,
      `end tiny-fiber.resume#${id}`,
      `instant tiny-fiber.park#${id}`,
      `begin tiny-fiber.resume#${id}`,
      `end tiny-fiber.resume#${id}`,
    ]);
  });

  it('nothing is reported once tracing is turned off', () => {
    const recorder = new RecordingTracer();
    setTracer(recorder);
    setTracer(null);
    new TinyFiber(new InlineExecutor(), function* () {
      return 1;
    }).start();
    expect(recorder.events).toEqual([]);
  });
});
