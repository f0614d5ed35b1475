/** Every bull queue, in one place (STYLE: one queue-name enum). */
export enum QueueName {
  Stats = 'stats',
  Eligibility = 'eligibility',
  Reminders = 'reminders',
  Files = 'files',
  Evaluation = 'evaluation',
  Messages = 'messages',
}

/**
 * The most enterprises one `stats.refresh` names (`enterpriseIds`); a change of more is a mark for
 * the whole province (a full rebuild of the year). A drain counts each named enterprise again
 * through the enterprise indexes, random reads per enterprise, while a rebuild reads the tables
 * once (21.9 s at 1M): past some thousands of enterprises the rebuild is the cheaper, and the
 * outbox row stays small.
 */
export const STATS_REFRESH_MAX_ENTERPRISES = 1_000;

/** Job name → payload. Jobs are added through the outbox (so their payload is JSON), except schedules. */
export interface JobPayloads {
  /**
   * Statistics changed for these enterprises' regions (`enterpriseId`, or several in
   * `enterpriseIds`, at most `STATS_REFRESH_MAX_ENTERPRISES`) and for the regions in `regions`
   * (e.g. the county a moved enterprise left), in these years (default: every year a change can
   * touch); the whole province when none is named. Not a job of its own: the relay marks the
   * regions and years in `stat_dirty`, and one debounced `stats.drain` recounts every mark (see
   * docs/stats.md). Idempotent.
   */
  'stats.refresh': { reason: string; enterpriseId?: string; enterpriseIds?: string[]; regions?: string[]; years?: number[] };
  /** Recounts the regions and years marked in `stat_dirty` and re-sums their parents; added debounced, never through the outbox. Idempotent. */
  'stats.drain': Record<string, never>;
  /** Full rebuild of the statistics snapshots (nightly, or on request); every held year unless `years`. Idempotent. */
  'stats.rebuild': { trigger?: string; years?: number[] };
  /**
   * Re-judge the active appointments of these enterprises / people (or all of them) under the
   * profile in force today and store the verdicts. Idempotent.
   */
  'eligibility.refresh': { reason: string; enterpriseIds?: string[]; personIds?: string[]; all?: boolean };
  /** Nightly (repeatable): end expired terms, then re-judge every active appointment (SPEC §2.6). */
  'eligibility.nightly': Record<string, never>;
  /** Daily (repeatable): deadline and overdue reminders for the open reporting years; idempotent per day. `date` overrides today (tests, catch-up). */
  'reminders.daily': { date?: string };
  /** Run the attachment export of this `file_job` (re-run from the start if a dead worker left it running). */
  'files.export': { jobId: string };
  /** Run the roster import (dry run or commit) of this `file_job`. */
  'files.import': { jobId: string };
  /** Generate and keep the 统计表 of a city report's submission (the one submitted at `submittedAt`); a later submission's job supersedes it. Idempotent. */
  'files.city-attachment': { reportId: string; submittedAt: string };
  /** Hourly (repeatable): delete expired file jobs and their files. */
  'files.cleanup': Record<string, never>;
  /** Daily (repeatable): remove objects of the file store that no row names and are older than a day. Idempotent. */
  'files.orphans': Record<string, never>;
  /** Nightly (repeatable): expire evaluation certificates past validity, flag continuing-education shortfalls. `date` overrides today. Idempotent. */
  'certificates.nightly': { date?: string };
  /** A violation was recorded against a CQO: suspend / terminate / revoke the person's certificates by type (001 §11). Idempotent per violation. */
  'certificates.violation': { violationId: string };
  /** Send one `message_delivery` row (e-mail or SMS; issue 22). Idempotent: a row no longer queued is left alone; a gateway failure throws (bull retries with backoff). */
  'messages.send': { deliveryId: string };
  /** Every 10 minutes (repeatable): held messages (quiet hours) whose delayed job is gone get it again. Idempotent (fixed job ids). */
  'messages.requeue-held': Record<string, never>;
}
export type JobName = keyof JobPayloads;

export const JOB_QUEUE: { [K in JobName]: QueueName } = {
  'stats.refresh': QueueName.Stats,
  'stats.drain': QueueName.Stats,
  'stats.rebuild': QueueName.Stats,
  'eligibility.refresh': QueueName.Eligibility,
  'eligibility.nightly': QueueName.Eligibility,
  'reminders.daily': QueueName.Reminders,
  'files.export': QueueName.Files,
  'files.import': QueueName.Files,
  'files.city-attachment': QueueName.Files,
  'files.cleanup': QueueName.Files,
  'files.orphans': QueueName.Files,
  'certificates.nightly': QueueName.Evaluation,
  'certificates.violation': QueueName.Evaluation,
  'messages.send': QueueName.Messages,
  'messages.requeue-held': QueueName.Messages,
};
