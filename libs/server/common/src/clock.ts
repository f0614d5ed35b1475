import { Injectable } from '@nestjs/common';
import { chinaDate, isIsoDate } from '@cqo/policy';

/**
 * How far the test clock is from the real one: with NODE_ENV=test and `CQO_TODAY=YYYY-MM-DD`, the
 * whole days from today in China to that date (the time of day stays real), so the api, the worker
 * and the CLI a test spawns all judge "today" as that date. Ignored outside tests (production never
 * reads it) and when it is not a date.
 */
export function testTodayOffsetMs(env: NodeJS.ProcessEnv = process.env, real: Date = new Date()): number {
  const today = env.CQO_TODAY;
  if (env.NODE_ENV !== 'test' || !today || !isIsoDate(today)) return 0;
  return Date.parse(`${today}T00:00:00Z`) - Date.parse(`${chinaDate(real)}T00:00:00Z`);
}

/**
 * The one source of "now" for rules that depend on time (lockouts, idle sessions, deadlines).
 * Tests replace it with a TestClock to move time without sleeping, and may pin the day for every
 * process of a run with `CQO_TODAY` (see testTodayOffsetMs; test/support/test-today.ts).
 */
@Injectable()
export class Clock {
  now(): Date {
    const real = new Date();
    const offset = testTodayOffsetMs(process.env, real);
    return offset ? new Date(real.getTime() + offset) : real;
  }

  /** Today's date in China (YYYY-MM-DD), the day every date rule is judged on (SPEC: dates are China days). */
  today(): string {
    return chinaDate(this.now());
  }
}

export class TestClock extends Clock {
  private offsetMs = 0;
  override now(): Date {
    return new Date(super.now().getTime() + this.offsetMs);
  }
  advanceMinutes(minutes: number): void {
    this.offsetMs += minutes * 60_000;
  }
  reset(): void {
    this.offsetMs = 0;
  }
}
