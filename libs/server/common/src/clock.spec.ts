import { Clock, TestClock, testTodayOffsetMs } from './clock';

describe('Clock: CQO_TODAY pins the day in tests only (issue 19)', () => {
  const real = new Date('2026-01-02T03:04:05Z'); // 2026-01-02 11:04 in China

  it('shifts by whole days to the pinned China date, keeping the time of day', () => {
    const offset = testTodayOffsetMs({ NODE_ENV: 'test', CQO_TODAY: '2026-12-31' }, real);
    expect(new Date(real.getTime() + offset).toISOString()).toBe('2026-12-31T03:04:05.000Z');
  });

  it('is ignored outside NODE_ENV=test and when it is not a date', () => {
    expect(testTodayOffsetMs({ NODE_ENV: 'production', CQO_TODAY: '2026-12-31' }, real)).toBe(0);
    expect(testTodayOffsetMs({ CQO_TODAY: '2026-12-31' }, real)).toBe(0);
    expect(testTodayOffsetMs({ NODE_ENV: 'test', CQO_TODAY: '2026-02-30' }, real)).toBe(0);
    expect(testTodayOffsetMs({ NODE_ENV: 'test' }, real)).toBe(0);
  });

  it('is what Clock and TestClock judge as today', () => {
    const before = process.env.CQO_TODAY;
    process.env.CQO_TODAY = '2026-07-01';
    try {
      expect(new Clock().today()).toBe('2026-07-01');
      const t = new TestClock();
      t.advanceMinutes(24 * 60);
      expect(t.today()).toBe('2026-07-02');
    } finally {
      if (before === undefined) delete process.env.CQO_TODAY;
      else process.env.CQO_TODAY = before;
    }
  });
});
