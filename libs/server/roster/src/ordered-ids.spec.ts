import { OrderedIds, orderedIds } from './roster-import.repository';

describe('orderedIds', () => {
  it('gives ascending, unique, well-formed version 7 UUIDs, past 4,096 ids in one millisecond', () => {
    const ids = orderedIds(10_000, Date.UTC(2026, 11, 4));
    expect(new Set(ids).size).toBe(10_000);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids[0].slice(0, 13)).toBe(`${Date.UTC(2026, 11, 4).toString(16).padStart(12, '0').slice(0, 8)}-${Date.UTC(2026, 11, 4).toString(16).padStart(12, '0').slice(8)}`);
  });

  it('keeps ascending across the batches of one import (one source, many takes)', () => {
    const source = new OrderedIds(Date.UTC(2026, 11, 4));
    const batches = [source.take(3000), source.take(5000), source.take(1)];
    const ids = batches.flat();
    expect(new Set(ids).size).toBe(8001);
    expect([...ids].sort()).toEqual(ids);
    // The counter runs on across takes: the 8,001st id is in the start's second millisecond (4,096 a millisecond).
    expect(ids[8000].slice(0, 13)).toBe(orderedIds(1, Date.UTC(2026, 11, 4) + 1)[0].slice(0, 13));
  });
});
