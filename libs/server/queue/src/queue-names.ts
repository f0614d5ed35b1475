/** Every bull queue, in one place (STYLE: one queue-name enum). */
export enum QueueName {
  Stats = 'stats',
}

/** Job name → payload. A job is added only through the outbox, so its payload is JSON. */
export interface JobPayloads {
  /** Recount enterprises per region (all regions; idempotent). */
  'stats.refresh': { reason: string; enterpriseId?: string };
}
export type JobName = keyof JobPayloads;

export const JOB_QUEUE: { [K in JobName]: QueueName } = {
  'stats.refresh': QueueName.Stats,
};
