/** Thrown out of `ProgressSink.report` when the user cancelled the job; the job stops and writes nothing more. */
export class JobCancelledError extends Error {
  constructor() {
    super('已取消');
    this.name = 'JobCancelledError';
  }
}

/**
 * Where a long job (export, import) reports how far it is. Call it as often as you like (every
 * few hundred rows): the sink throttles its own writes. It throws `JobCancelledError` when the
 * user has cancelled the job, so a loop that reports also stops.
 */
export interface ProgressSink {
  report(done: number, total: number | null): Promise<void>;
}

/** For callers with no one watching (the CLI, tests). */
export const NO_PROGRESS: ProgressSink = { report: async () => undefined };
