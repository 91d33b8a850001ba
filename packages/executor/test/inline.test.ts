import { FunctionRunnable } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import { InlineExecutor } from '../src/index.js';

describe('InlineExecutor', () => {
  it('runs the runnable before submit returns', () => {
    const log: string[] = [];
    new InlineExecutor().submit(new FunctionRunnable(() => log.push('ran')));
    log.push('after');
    expect(log).toEqual(['ran', 'after']);
  });

  it('lets an error of the runnable reach the submitter', () => {
    const boom = new FunctionRunnable(() => {
      throw new Error('boom');
    });
    expect(() => new InlineExecutor().submit(boom)).toThrow('boom');
  });
});
