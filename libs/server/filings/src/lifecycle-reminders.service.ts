import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { addDays, annualTrainingRule, daysBetween, isIsoDate, maskName, yearOf } from '@cqo/policy';
import { Clock } from '@cqo/server-common';
import { ACTIVE_ON, ProfilesService } from '@cqo/server-eligibility';
import { shortfallJudgedSql } from '@cqo/server-training';
import { certificateNotification } from './certificate-messages';
import type { OutgoingNotification } from './notification-channel';
import { NotificationsService, type NewNotification } from './notifications.service';

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
    private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
    private readonly profiles: ProfilesService,
    private readonly clock: Clock,
  ) {}

  async runDaily(date?: string): Promise<LifecycleReminderResult> {
    const today = date && isIsoDate(date) ? date : this.clock.today();
    const profile = await this.profiles.profileAt(today);
    const out: OutgoingNotification[] = [];
    const result: LifecycleReminderResult = { date: today, termEnding: 0, certificates: 0, trainingShortfall: 0 };
    await this.dataSource.transaction(async (m) => {
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
    const rows: { id: string; enterprise_id: string; term_end: string; person: string }[] = await m.query(
      `SELECT a.id, a.enterprise_id, a.term_end::text AS term_end, p.name AS person
         FROM appointment a JOIN cqo_person p ON p.id = a.person_id
        WHERE a.status = 'active' AND ${ACTIVE_ON('a', '$1')} AND a.term_end <= $2::date
        ORDER BY a.term_end, a.id`,
      [today, addDays(today, TERM_MILESTONES[0])],
    );
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
    const rows: { event_id: string; to_status: 'suspended' | 'expired'; enterprise_id: string; number: string; holder_name: string; reason: string; valid_until: string }[] = await m.query(
      `SELECT ev.id::text AS event_id, ev.to_status, c.enterprise_id, c.number, c.holder_name, ev.reason, c.valid_until::text AS valid_until
         FROM evaluation_certificate_event ev JOIN evaluation_certificate c ON c.id = ev.certificate_id
        WHERE ev.to_status IN ('suspended','expired') AND c.status = ev.to_status
          AND ev.at >= ($1::date - $2::int)::timestamp AT TIME ZONE 'Asia/Shanghai'
        ORDER BY ev.id`,
      [today, CERTIFICATE_LOOKBACK_DAYS],
    );
    // A suspension told at once (EvaluationCertificatesService) has the same key: nothing new here.
    return rows.map((r): Item => ({
      enterpriseId: r.enterprise_id,
      n: certificateNotification({ eventId: r.event_id, status: r.to_status, number: r.number, holderName: r.holder_name, reason: r.reason, validUntil: r.valid_until }),
    }));
  }

  /** CQOs short of the year's training under the profile in force (SPEC §3), once a month in the last quarter. */
  private async trainingShortfall(m: EntityManager, today: string, rule: NonNullable<ReturnType<typeof annualTrainingRule>>): Promise<Item[]> {
    const year = yearOf(today);
    const params: unknown[] = [];
    const judged = shortfallJudgedSql(params, rule, year, today);
    const rows: { enterprise_id: string; person_id: string; person_name: string; short_hours: number; short_activities: number }[] = await m.query(
      `SELECT enterprise_id, person_id, person_name, short_hours, short_activities FROM (${judged}) j
        WHERE short_hours > 0 OR short_activities > 0 ORDER BY enterprise_id, person_id`,
      params,
    );
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
