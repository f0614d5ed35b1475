import { Injectable } from '@nestjs/common';
import { chinaDate } from '@cqo/policy';

/**
 * The one source of "now" for rules that depend on time (lockouts, idle sessions, deadlines).
 * Tests replace it with a TestClock to move time without sleeping.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }

  /** Today's date in China (YYYY-MM-DD), the day every date rule is judged on (SPEC: dates are China days). */
  today(): string {
    return chinaDate(this.now());
  }
}

export class TestClock extends Clock {
  private offsetMs = 0;
  override now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advanceMinutes(minutes: number): void {
    this.offsetMs += minutes * 60_000;
  }
  reset(): void {
    this.offsetMs = 0;
  }
}
