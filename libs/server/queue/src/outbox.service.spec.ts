import { outboxJobId, outboxRowId } from './outbox.service';

describe('outbox job ids (issue 18 item 9: a row is one bull job however often it is sent)', () => {
  it('names the job after the row and reads the row back', () => {
    expect(outboxJobId('42')).toBe('outbox-42');
    expect(outboxRowId(outboxJobId('9007199254740993'))).toBe('9007199254740993');
  });

  it('a job not from the outbox (a schedule, a drain) has no row', () => {
    for (const id of ['repeat:abc:1', 'stats-drain-123', 'outbox-', 'outbox-1a', 42, undefined, null]) expect(outboxRowId(id)).toBeNull();
  });
});
