import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { annualTrainingRule, chinaDate } from '@cqo/policy';
import { AuditService } from '@cqo/server-audit';
import { Clock } from '@cqo/server-common';
import { ProfilesService } from '@cqo/server-eligibility';
import { MessagingService, type MessageRequest } from './messaging.service';
import type { MessageTemplate } from './templates';

/** How many days back a certificate's suspension / expiry is still told (a worker down for a few days catches up; older ones are not news). */
export const CERTIFICATE_LOOKBACK_DAYS = 7;
/** The training-shortfall reminders start on this month of the year (October: a quarter left to catch up) and repeat monthly. */
export const SHORTFALL_FROM_MONTH = 10;

/** One due event, found set-based: its recipients are the enterprise's active enterprise users. */
interface DueRow {
  kind: MessageTemplate;
  subject_id: string;
  milestone: string;
  user_ids: string[];
  params: Record<string, string | number>;
  link: string;
}

export interface EventsRunResult {
  date: string;
  due: number;
  queued: number;
  notSent: number;
}

/**
 * The daily events run (issue 22, docs/notifications.md "Daily events"): the terms ending in 90 and
 * 30 days, certificates suspended or expired, and — from October — the CQOs short of the yearly
 * training rule in force (SPEC §3 "annual continuing education"). Each kind is found by one query,
 * all of them queued by one `queueMany` in one transaction; the dedupe key (event, subject,
 * milestone) makes a rerun the same day, or the next, send nothing twice.
 */
@Injectable()
export class MessageEventsService {
  private readonly logger = new Logger('MessageEvents');

  constructor(
    private readonly dataSource: DataSource,
    private readonly messaging: MessagingService,
    private readonly profiles: ProfilesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async runDaily(date = chinaDate(this.clock.now())): Promise<EventsRunResult> {
    // Read through the pool before the transaction opens (no second connection inside it).
    const rule = annualTrainingRule(await this.profiles.profileAt(date));
    return this.dataSource.transaction(async (m) => {
      const recipients = (ent: string) =>
        `ARRAY(SELECT u.id FROM app_user u WHERE u.is_active AND u.role = 'enterprise' AND u.enterprise_id = ${ent} ORDER BY u.id)`;
      const due: DueRow[] = await m.query(
        `SELECT 'term-ending' AS kind, a.id::text AS subject_id, CASE WHEN a.term_end <= $1::date + 30 THEN '30' ELSE '90' END AS milestone,
                ${recipients('a.enterprise_id')} AS user_ids,
                jsonb_build_object('person', a.name, 'termEnd', a.term_end::text, 'days', a.term_end - $1::date) AS params, '/appointments' AS link
           FROM appointment a
          WHERE a.status = 'active' AND a.term_end BETWEEN $1::date AND $1::date + 90
         UNION ALL
         SELECT CASE c.status WHEN 'suspended' THEN 'certificate-suspended' ELSE 'certificate-expired' END, c.id::text, c.status_changed_on::text,
                ${recipients('c.enterprise_id')},
                jsonb_build_object('certificateNo', c.number, 'validUntil', c.valid_until::text, 'reason', coalesce(c.status_reason, '')), '/evaluation'
           FROM evaluation_certificate c
          WHERE c.status IN ('suspended', 'expired') AND c.enterprise_id IS NOT NULL
            AND c.status_changed_on BETWEEN $1::date - $2::int AND $1::date`,
        [date, CERTIFICATE_LOOKBACK_DAYS],
      );
      const month = Number(date.slice(5, 7));
      if (rule && month >= SHORTFALL_FROM_MONTH) {
        // SPEC §3 (annual continuing education, 004 / 001 5.2): first- and second-category hours and
        // training activities of the year, against the thresholds of the profile in force today.
        // It applies to a CQO in post all year (appointed before Jan 1), as the statistics count it.
        const year = Number(date.slice(0, 4));
        const [first, second, total, activities] = [rule.minFirstCategory ?? 0, rule.minSecondCategory ?? 0, rule.minTotal ?? 0, rule.minActivities ?? 0];
        due.push(
          ...(await m.query(
            `WITH cqo AS (
               SELECT DISTINCT ON (a.person_id) a.person_id, a.enterprise_id, a.name FROM appointment a
                WHERE a.status = 'active' AND a.appointed_on < make_date($1, 1, 1) ORDER BY a.person_id, a.effective_from DESC
             ), h AS (
               SELECT c.person_id, c.enterprise_id, c.name,
                      coalesce(sum(t.hours) FILTER (WHERE t.category = '继续教育(第一类)'), 0) AS first,
                      coalesce(sum(t.hours) FILTER (WHERE t.category = '第二类'), 0) AS second,
                      count(t.*) FILTER (WHERE t.category = '组织培训活动') AS activities
                 FROM cqo c LEFT JOIN training_live t ON t.person_id = c.person_id AND t.end_date BETWEEN make_date($1, 1, 1) AND make_date($1, 12, 31)
                GROUP BY 1, 2, 3
             )
             SELECT 'training-shortfall' AS kind, h.person_id::text AS subject_id, $6::text AS milestone,
                    ${recipients('h.enterprise_id')} AS user_ids,
                    jsonb_build_object('person', h.name, 'year', $1::int, 'hours', (h.first + h.second)::text, 'required', greatest($4::numeric, $2::numeric + $3::numeric)::text) AS params,
                    '/training' AS link
               FROM h
              WHERE greatest($2::numeric - h.first, 0) + greatest($3::numeric - h.second, 0) > 0
                 OR h.first + h.second < $4::numeric OR h.activities < $5::int`,
            [year, first, second, total, activities, date.slice(0, 7)],
          )),
        );
      }
      const reqs: MessageRequest[] = due.map((d) => ({
        userIds: d.user_ids,
        kind: d.kind,
        template: d.kind,
        title: '',
        body: '',
        link: d.link,
        dedupeKey: `${d.kind}:${d.subject_id}:${d.milestone}`,
        params: d.params,
      }));
      const { queued, notSent } = await this.messaging.queueMany(m, reqs);
      await this.audit.record({ username: 'system', action: 'message.events', objectType: 'message_delivery', objectId: date, result: 'success', details: { date, due: due.length, queued, notSent } }, m);
      this.logger.log(`message events ${date}: ${due.length} due, ${queued} queued, ${notSent} not sent`);
      return { date, due: due.length, queued, notSent };
    });
  }
}
