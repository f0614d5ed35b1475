import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, Process, Processor } from '@nestjs/bull';
import type { Job, JobOptions, Queue } from 'bull';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, Clock, type AppConfig } from '@cqo/server-common';
import { LoggingProcessor, OutboxService, QueueName, ScheduleRegistrar, UnitOfWork, type JobPayloads, type UnitOfWorkTx } from '@cqo/server-queue';
import { MessagesRepository, type DeliveryRecord } from './messages.repository';
import { MessagingService } from './messaging.service';
import { PermanentSendError } from './senders';

/**
 * Sends one `message_delivery` row per job (issue 22). The network call happens outside any
 * transaction; the outcome, its audit row and the outbox mark commit together. A gateway that fails
 * is retried by bull with exponential backoff; after the last attempt the row is `failed`. One
 * message's failure never holds up another (each is its own job).
 */
@Processor(QueueName.Messages)
export class MessagesProcessor extends LoggingProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: OutboxService,
    private readonly messaging: MessagingService,
    private readonly clock: Clock,
    @InjectQueue(QueueName.Messages) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  /** The job id of a held message: fixed per row and time, so adding it again adds nothing. */
  private static heldJobId(deliveryId: string, notBefore: Date): string {
    return `message-${deliveryId}-at-${notBefore.getTime()}`;
  }

  /** A held message (quiet hours) as a delayed job. */
  private async hold(deliveryId: string, notBefore: Date, opts: Pick<JobOptions, 'attempts' | 'backoff'>): Promise<void> {
    const delay = Math.max(0, notBefore.getTime() - this.clock.now().getTime());
    await this.queue.add('messages.send', { deliveryId }, { jobId: MessagesProcessor.heldJobId(deliveryId, notBefore), delay, ...opts, removeOnComplete: true });
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      const n = await this.requeueHeld();
      if (n) this.logger.log(`${n} held message(s) handed to the queue again`);
    } catch (err) {
      this.logger.warn(`held messages not checked: ${(err as Error).message}`);
    }
  }

  /**
   * A held message's outbox row is done once its delayed job exists, so the delivery row is its record:
   * every row still queued with a not-before time and no outbox job in flight gets its delayed job
   * again (a no-op while bull still has it). Run at worker start and every 10 minutes
   * (`messages.requeue-held`), so a Redis that lost its delayed jobs loses no held message, whether
   * or not the worker restarts (issue 22 item 2). Answers how many were missing from bull.
   */
  async requeueHeld(): Promise<number> {
    const rows = await this.messages.heldWithoutJob();
    const opts = { attempts: 5, backoff: { type: 'exponential', delay: this.config.outbox.retryDelayMs } };
    let added = 0;
    for (const r of rows) {
      const notBefore = new Date(r.not_before);
      // Counted only when bull had lost it (adding it again would be a no-op anyway).
      if (await this.queue.getJob(MessagesProcessor.heldJobId(r.id, notBefore))) continue;
      await this.hold(r.id, notBefore, opts);
      added++;
    }
    return added;
  }

  /** The schedule's sweep (SCHEDULES 'messages.requeue-held'): the same check as at start. */
  @Process('messages.requeue-held')
  async sweep(): Promise<{ requeued: number }> {
    const requeued = await this.requeueHeld();
    if (requeued) this.logger.log(`${requeued} held message(s) missing from the queue handed to it again`);
    return { requeued };
  }

  @Process({ name: 'messages.send', concurrency: 4 })
  async send(job: Job<JobPayloads['messages.send']>): Promise<string> {
    const row = await this.messages.byId(job.data.deliveryId);
    if (!row || row.status !== 'queued' || !row.address) {
      await this.unitOfWork.run(null, 'message.send', (m) => this.outbox.markDone(m, job.id));
      return row?.status ?? 'missing';
    }
    const now = this.clock.now();
    if (row.not_before && new Date(row.not_before) > now) {
      // Quiet hours: wait until they end (a delayed job of its own; this one is done).
      await this.hold(row.id, new Date(row.not_before), { attempts: job.opts.attempts, backoff: job.opts.backoff });
      await this.unitOfWork.run(null, 'message.send', (m) => this.outbox.markDone(m, job.id));
      return 'held';
    }
    const sender = this.messaging.sender(row.channel);
    const params: Record<string, string | number> = {};
    try {
      await sender.send({ to: row.address, subject: row.subject, text: row.text, template: row.template, params });
    } catch (err) {
      const permanent = err instanceof PermanentSendError;
      const last = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const reason = (err as Error).message.slice(0, 500);
      await this.unitOfWork.run(null, 'message.send', async (m, tx) => {
        await this.messages.recordFailure(m, row.id, reason, last, this.clock.now());
        if (last) await this.sent(m, tx, job, row, 'failure', { reason });
      });
      this.logger.warn(`${row.channel} ${row.id} to ${row.address_masked}: ${reason}${last ? ' (failed)' : ' (will retry)'}`);
      if (last) return 'failed';
      throw err;
    }
    await this.unitOfWork.run(null, 'message.send', async (m, tx) => {
      await this.messages.markSent(m, row.id, this.clock.now());
      await this.sent(m, tx, job, row, 'success', {});
    });
    this.logger.log(`${row.channel} ${row.id} sent to ${row.address_masked}`);
    return 'sent';
  }

  /** The outcome's audit row (the worker sends as 'system') and the outbox mark, in the outcome's unit of work. */
  private async sent(m: EntityManager, tx: UnitOfWorkTx, job: Job, row: DeliveryRecord, result: 'success' | 'failure', extra: { reason?: string }): Promise<void> {
    await tx.audit({ username: 'system', objectType: 'message_delivery', objectId: row.id, result, details: { channel: row.channel, to: row.user_id, address: row.address_masked, kind: row.kind, ...extra } });
    await this.outbox.markDone(m, job.id);
  }
}

/** Registers the sweep of held messages (every 10 minutes; SCHEDULES in @cqo/server-queue). */
@Injectable()
export class MessagesSweepScheduleService extends ScheduleRegistrar('messages.requeue-held') {}
