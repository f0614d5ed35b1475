/** China has one time zone without daylight saving: Asia/Shanghai is UTC+8 all year. */
const SHANGHAI_OFFSET_MIN = 8 * 60;
const DAY_MIN = 24 * 60;

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/**
 * When a message due at `now` may go out: null when `now` is outside the quiet hours (send now),
 * else the end of the quiet hours (Asia/Shanghai). A window that crosses midnight (22:00-08:00)
 * holds a message due at 23:00 until 08:00 the next day, and one due at 01:00 until 08:00 that day.
 */
export function quietUntil(now: Date, quiet: { start: string; end: string } | null): Date | null {
  if (!quiet) return null;
  const start = minutes(quiet.start);
  const end = minutes(quiet.end);
  if (start === end) return null;
  const local = Math.floor(now.getTime() / 60_000) + SHANGHAI_OFFSET_MIN;
  const ofDay = ((local % DAY_MIN) + DAY_MIN) % DAY_MIN;
  const inside = start < end ? ofDay >= start && ofDay < end : ofDay >= start || ofDay < end;
  if (!inside) return null;
  const wait = (end - ofDay + DAY_MIN) % DAY_MIN;
  return new Date((local - SHANGHAI_OFFSET_MIN + wait) * 60_000);
}
