import { ManualExecutor } from '@spindle/executor';
import { describe, expect, it } from 'vitest';
import { FiberLocal, spawnWith } from '../src/index.js';

describe('FiberLocal', () => {
  it('gives each fiber its own value, inherited by children at spawn', () => {
    const exec = new ManualExecutor();
    const requestId = new FiberLocal('none');
    const seen: string[] = [];
    spawnWith({ executor: exec }, function* () {
      requestId.set('parent');
      const child = spawnWith({}, function* () {
        seen.push(`child sees ${requestId.get()}`);
        requestId.set('child');
        yield;
        seen.push(`child keeps ${requestId.get()}`);
      });
      requestId.set('parent-later');
      yield child;
      seen.push(`parent keeps ${requestId.get()}`);
    });
    const sibling = spawnWith({ executor: exec }, function* () {
      seen.push(`sibling sees ${requestId.get()}`);
    });
    exec.drain();
    expect(sibling.status).toBe('done');
    expect(seen).toEqual([
      'sibling sees none',
      'child sees parent',
      'child keeps child',
      'parent keeps parent-later',
    ]);
    expect(requestId.get()).toBe('none');
  });

  it('lets plain code set values that fibers spawned from it inherit', () => {
    const exec = new ManualExecutor();
    const level = new FiberLocal(0);
    level.set(3);
    let inside = -1;
    spawnWith({ executor: exec }, function* () {
      inside = level.get();
      level.set(4);
    });
    level.set(5);
    exec.drain();
    expect(inside).toBe(3);
    expect(level.get()).toBe(5);
    level.set(0);
  });
});
