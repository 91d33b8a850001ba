import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript module without declarations
import { emit, median, percentile, ratioTables } from '../src/index.mjs';

describe('statistics', () => {
  it('takes the median of odd and even samples', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('takes percentiles by rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
  });
});

describe('ratioTables', () => {
  const row = (impl: string, value: number, better = 'lower') => ({
    suite: 's',
    case: 'c',
    impl,
    value,
    unit: 'ns/op',
    better,
  });

  it('measures peers against the default spindle configuration when the case has one', () => {
    const [table] = ratioTables([row('spindle', 10), row('spindle-fast', 5), row('peer', 20)]);
    const peer = table.rows.find((r: { impl: string }) => r.impl === 'peer');
    expect(table.reference).toBe('spindle');
    expect(table.caption).toBe('ns/op, lower is better; ratios against spindle');
    expect(peer.spindleAdvantage).toBe(2);
    expect(table.rows[0].spindleAdvantage).toBeUndefined();
    expect(table.rows[1].spindleAdvantage).toBeUndefined();
  });

  it('falls back to the best spindle variant without a default row', () => {
    const [table] = ratioTables([row('spindle-a', 10), row('spindle-b', 5), row('peer', 20)]);
    expect(table.reference).toBe('spindle-b');
    expect(table.rows[2].spindleAdvantage).toBe(4);
  });

  it('reports a peer that beats spindle with a ratio below 1', () => {
    const [table] = ratioTables([row('spindle', 30), row('peer', 10)]);
    expect(table.rows[1].spindleAdvantage).toBeCloseTo(1 / 3);
  });

  it('orients the ratio for higher-is-better units', () => {
    const [table] = ratioTables([row('spindle', 300, 'higher'), row('peer', 100, 'higher')]);
    expect(table.rows[1].spindleAdvantage).toBe(3);
  });

  it('keeps cases apart', () => {
    const tables = ratioTables([row('spindle', 1), { ...row('peer', 2), case: 'other' }]);
    expect(tables).toHaveLength(2);
  });
});

describe('emit', () => {
  it('rejects a row without its required fields', () => {
    expect(() => emit({ suite: 's', case: 'c', impl: 'spindle', value: 1, unit: 'ns/op' })).toThrow(/better/);
    expect(() =>
      emit({ suite: 's', case: 'c', impl: 'spindle', value: 1, unit: 'ns/op', better: 'lower' }),
    ).toThrow(/"n"/);
  });
});
