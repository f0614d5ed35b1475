import { quietUntil } from './quiet-hours';

const QUIET = { start: '22:00', end: '08:00' };

describe('quietUntil (issue 22: quiet hours 22:00-08:00 Asia/Shanghai)', () => {
  it('sends at once during the day', () => {
    expect(quietUntil(new Date('2026-03-10T02:00:00Z'), QUIET)).toBeNull(); // 10:00 China
    expect(quietUntil(new Date('2026-03-10T13:59:00Z'), QUIET)).toBeNull(); // 21:59 China
  });

  it('holds a message due at 23:00 until 08:00 the next day', () => {
    expect(quietUntil(new Date('2026-03-10T15:00:00Z'), QUIET)?.toISOString()).toBe('2026-03-11T00:00:00.000Z');
  });

  it('holds a message due at 01:30 until 08:00 the same day', () => {
    expect(quietUntil(new Date('2026-03-10T17:30:00Z'), QUIET)?.toISOString()).toBe('2026-03-11T00:00:00.000Z');
  });

  it('08:00 itself is outside the window; no window (off) never holds', () => {
    expect(quietUntil(new Date('2026-03-11T00:00:00Z'), QUIET)).toBeNull();
    expect(quietUntil(new Date('2026-03-10T15:00:00Z'), null)).toBeNull();
  });

  it('a window within one day (12:00-14:00)', () => {
    expect(quietUntil(new Date('2026-03-10T04:30:00Z'), { start: '12:00', end: '14:00' })?.toISOString()).toBe('2026-03-10T06:00:00.000Z');
  });
});
