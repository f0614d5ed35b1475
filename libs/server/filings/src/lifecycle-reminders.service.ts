import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { addDays, annualTrainingRule, daysBetween, isIsoDate, maskName, yearOf, type AnnualTrainingRule } from '@cqo/policy';
import { Clock } from '@cqo/server-common';
import { ProfilesService } from '@cqo/server-eligibility';
import { UnitOfWork } from '@cqo/server-queue';
import { certificateNotification } from './certificate-messages';
import type { OutgoingNotification } from './notification-channel';
import { NotificationsService, type NewNotification } from './notifications.service';
import { RemindersRepository } from './reminders.repository';

/** Days before a term's end at which the enterprise is told (issue 22: 90 and 30 days). */
export const TERM_MILESTONES = [90, 30] as const;
/** Months (1–12) on whose first run a CQO still short of the year's training is told: the last quarter. */
export const SHORTFALL_MONTHS = [10, 11, 12] as const;
/** How far back a certificate's suspension or expiry is still told (a worker down for a few days catches up). */
const CERTIFICATE_LOOKBACK_DAYS = 7;

export interface LifecycleReminderResult {
  date: string;
  termEnding: number;
  certificates: number;
  trainingShortfall: number;
}

interface Item {
  enterpriseId: string;
  n: NewNotification;
}

/**
 * The daily messages that follow a CQO's term, certificate and training (issue 22): a term ending in
 * 90 and in 30 days (004 三(一): 任期一般为5年, a renewal or change is filed before it ends), a
 * certificate suspended or expired (001 §11), and, in the last quarter, a CQO short of the year's
 * training under the profile in force (the rule's clause is named in the message). Each goes to the
 * enterprise's users in the bell menu and by e-mail/SMS (opt-out, daily cap and quiet hours apply in
 * MessagingService). Every message has a dedupe key per subject and milestone, so a second run the same
 * day, a second worker, or the next day's run sends nothing twice.
 */
@Injectable()
export class LifecycleRemindersService {
  private readonly logger = new Logger(LifecycleRemindersService.name);

  constructor(
    private readonly repo: RemindersRepository,
    private readonly notifications: NotificationsService,
    private readonly profiles: ProfilesService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async runDaily(date?: string): Promise<LifecycleReminderResult> {
    const today = date && isIsoDate(date) ? date : this.clock.today();
    const profile = await this.profiles.profileAt(today);
    const out: OutgoingNotification[] = [];
    const result: LifecycleReminderResult = { date: today, termEnding: 0, certificates: 0, trainingShortfall: 0 };
    // A transaction of the schedule's own (no actor, no audit row).
    await this.unitOfWork.run(null, 'reminders.lifecycle', async (m) => {
      const send = async (items: Item[]) => {
        let sent = 0;
        for (const { enterpriseId, n } of items) {
          const created = await this.notifications.notify(m, { enterpriseId }, n);
          if (created.length) sent++;
          out.push(...created);
        }
        return sent;
      };
      result.termEnding = await send(await this.termsEnding(m, today));
      result.certificates = await send(await this.certificates(m, today));
      const rule = annualTrainingRule(profile);
      const month = Number(today.slice(5, 7));
      if (rule && (SHORTFALL_MONTHS as readonly number[]).includes(month)) {
        result.trainingShortfall = await send(await this.trainingShortfall(m, today, rule));
      }
    });
    await this.notifications.deliver(out);
    this.logger.log(`lifecycle messages for ${today}: ${JSON.stringify(result)}`);
    return result;
  }

  /** CQOs in post today whose term ends within 90 days: the 90-day message, and within 30 the 30-day one. */
  private async termsEnding(m: EntityManager, today: string): Promise<Item[]> {
    const rows = await this.repo.termsEnding(m, today, addDays(today, TERM_MILESTONES[0]));
    return rows.map((r) => {
      const days = daysBetween(today, r.term_end);
      const milestone = [...TERM_MILESTONES].reverse().find((d) => days <= d) ?? TERM_MILESTONES[0];
      return {
        enterpriseId: r.enterprise_id,
        n: {
          kind: 'term-ending',
          title: `首席质量官任期将于 ${r.term_end} 届满`,
          body: `首席质量官 ${maskName(r.person)} 的任期将于 ${r.term_end}（${days} 天后）届满，请及时办理续任或变更备案。`,
          link: '/my/cqo',
          dedupeKey: `term-ending:${r.id}:${milestone}`,
          params: { person: maskName(r.person), termEnd: r.term_end, days },
        },
      };
    });
  }

  /** Certificates suspended or expired in the last days and still so (a suspension already lifted is not told). */
  private async certificates(m: EntityManager, today: string): Promise<Item[]> {
    const rows = await this.repo.certificateEvents(m, today, CERTIFICATE_LOOKBACK_DAYS);
    // A suspension told at once (EvaluationCertificatesService) has the same key: nothing new here.
    return rows.map((r): Item => ({
      enterpriseId: r.enterprise_id,
      n: certificateNotification({ eventId: r.event_id, status: r.to_status, number: r.number, holderName: r.holder_name, reason: r.reason, validUntil: r.valid_until }),
    }));
  }

  /** CQOs short of the year's training under the profile in force (SPEC §3), once a month in the last quarter. */
  private async trainingShortfall(m: EntityManager, today: string, rule: AnnualTrainingRule): Promise<Item[]> {
    const year = yearOf(today);
    const rows = await this.repo.trainingShortfall(m, rule, year, today);
    const month = today.slice(0, 7);
    return rows.map((r) => {
      const short = [r.short_hours > 0 ? `${r.short_hours} 学时` : null, r.short_activities > 0 ? `${r.short_activities} 次组织培训活动` : null].filter(Boolean).join('、');
      return {
        enterpriseId: r.enterprise_id,
        n: {
          kind: 'training-shortfall',
          title: `${year} 年度首席质量官培训尚未达标`,
          body: `首席质量官 ${maskName(r.person_name)} 本年度培训还差 ${short}（${rule.clause}），请在 12 月 31 日前完成。`,
          link: '/my/training',
          dedupeKey: `training-shortfall:${month}:${r.person_id}`,
          params: { person: maskName(r.person_name), year, short, clause: rule.clause },
        },
      };
    });
  }
}
