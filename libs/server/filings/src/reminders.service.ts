import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { FilingSettings, FilingStatusQuery, FilingStatusResponse, RegionLevel, RemindRequest, RemindResult } from '@cqo/contracts';
import { isUuid } from '@cqo/contracts';
import { currentReportingYear, isIsoDate, reminderDue, yearAsOf, yearOf, type DueReminder } from '@cqo/policy';
import { AppException, Clock, type Actor } from '@cqo/server-common';
import { MessagingService, type DeliveryItem } from '@cqo/server-messaging';
import { UnitOfWork } from '@cqo/server-queue';
import { RegionsService } from '@cqo/server-regions';
import { FilingSettingsService } from './filing-settings.service';
import type { OutgoingNotification } from './notification-channel';
import { NotificationsService } from './notifications.service';
import { FilingStatusListService } from './filing-status-list.service';
import { regionFigures } from './region-figures';
import { RemindersRepository } from './reminders.repository';


export interface DailyReminderResult {
  date: string;
  years: { year: number; enterprise: DueReminder | null; city: DueReminder | null; enterprisesReminded: number; citiesReminded: number; notifications: number }[];
}

/**
 * The status view, 催报 by an officer, and the daily reminder schedule (SPEC §2). A chase is one
 * row in `reminder_log` per subject and China day, whoever sends it, so the schedule running twice
 * (or on two workers at once) and an officer clicking 催报 the same day create each reminder once.
 */
@Injectable()
export class RemindersService {
  private readonly logger = new Logger(RemindersService.name);

  constructor(
    private readonly repo: RemindersRepository,
    private readonly regions: RegionsService,
    private readonly settings: FilingSettingsService,
    private readonly notifications: NotificationsService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly messaging: MessagingService,
    private readonly list: FilingStatusListService,
  ) {}

  /**
   * The e-mails and SMS sent (or not) to an enterprise's users, next to its 催报 in the status view
   * (issue 22): status, masked address (SPEC §1), reason. Only for an enterprise in the officer's scope.
   */
  async messages(actor: Actor, enterpriseId: string): Promise<{ items: DeliveryItem[] }> {
    if (!isUuid(enterpriseId)) throw AppException.notFound('企业');
    const root = await this.regions.scopeRoot(actor);
    if (!(await this.repo.enterpriseIn(enterpriseId, root.path))) throw AppException.notFound('企业');
    return { items: await this.messaging.forEnterprise(enterpriseId) };
  }

  async status(actor: Actor, q: FilingStatusQuery & { page: number; pageSize: number }): Promise<FilingStatusResponse> {
    const region = await this.list.region(actor, q.regionCode);
    const today = this.clock.today();
    const year = q.year ?? currentReportingYear(today);
    const settings = await this.settings.forYear(year);
    const [figures, enterprises] = await Promise.all([
      regionFigures(this.repo.manager, { ...region, level: Number(region.level) as RegionLevel }, year, yearAsOf(year, today), settings, today),
      this.list.page(region.path, year, settings.windowOpens, q),
    ]);
    const pick = (f: typeof figures.total.filings) => ({
      expected: f.expected,
      notStarted: f.notStarted,
      draft: f.draft,
      submitted: f.submitted,
      returned: f.returned,
      accepted: f.accepted,
      late: f.late,
    });
    return {
      year,
      region: { code: region.code, name: region.name, level: Number(region.level) as RegionLevel },
      windowOpens: settings.windowOpens,
      deadline: settings.enterpriseDeadline,
      pastDeadline: today > settings.enterpriseDeadline,
      totals: pick(figures.total.filings),
      children: figures.children.map((c) => ({
        code: c.code,
        name: c.name,
        level: (Number(region.level) + 1) as RegionLevel,
        ...pick(c.filings),
      })),
      enterprises,
    };
  }

  /** 催报 by an officer: the named enterprises (or every outstanding one in scope), at most once a day each. */
  async remind(actor: Actor, dto: RemindRequest): Promise<RemindResult> {
    const root = await this.regions.scopeRoot(actor);
    const settings = await this.settings.forYear(dto.year);
    const today = this.clock.today();
    if (today < settings.windowOpens) {
      throw AppException.validation([{ field: 'year', code: 'windowClosed', message: `${dto.year} 年度报告的填报尚未开始（${settings.windowOpens} 开始）` }]);
    }
    const ids = dto.enterpriseIds?.filter((id) => isUuid(id));
    const { sent, notified, requested } = await this.unitOfWork.run(actor, 'annual_report.remind', async (m, tx) => {
      const targets = (await this.repo.outstanding(m, { path: root.path, year: dto.year, windowOpens: settings.windowOpens }, ids)).map((t) => t.id);
      const reminded = await this.logChase(m, targets.map((id) => `enterprise:${id}`), dto.year, today, 'reminder', actor.userId || null);
      const out: OutgoingNotification[] = [];
      for (const subject of reminded) {
        out.push(
          ...(await this.notifications.notify(m, { enterpriseId: subject.slice('enterprise:'.length) }, {
            kind: 'reminder',
            title: `催报：请尽快报送 ${dto.year} 年度报告`,
            body: `主管部门提醒您报送 ${dto.year} 年度企业首席质量官制度落实情况报告，截止日期 ${settings.enterpriseDeadline}。`,
            link: `/my/annual-report?year=${dto.year}`,
            dedupeKey: `chase:${dto.year}:${today}`,
            params: { year: dto.year, deadline: settings.enterpriseDeadline },
          })),
        );
      }
      await tx.audit({ objectType: 'region', objectId: root.code, details: { year: dto.year, reminded: reminded.length, requested: ids?.length ?? targets.length } });
      return { sent: reminded.length, notified: out, requested: ids?.length ?? targets.length };
    });
    await this.notifications.deliver(notified);
    return { sent, skipped: Math.max(0, requested - sent) };
  }

  /**
   * The daily schedule: for each open reporting year, remind enterprises (and their city and
   * county officers) on the days the calendar says, then cities about their own report.
   */
  async runDaily(date?: string): Promise<DailyReminderResult> {
    const today = date && isIsoDate(date) ? date : this.clock.today();
    const province = await this.regions.province();
    const result: DailyReminderResult = { date: today, years: [] };
    for (const year of [yearOf(today), yearOf(today) - 1]) {
      const settings = await this.settings.forYear(year);
      if (today < settings.windowOpens || today > `${year + 1}-03-31`) continue;
      const enterpriseDue = reminderDue(settings.enterpriseDeadline, settings, today);
      const cityDue = reminderDue(settings.cityDeadline, settings, today);
      if (!enterpriseDue && !cityDue) continue;
      const out: OutgoingNotification[] = [];
      const entry = { year, enterprise: enterpriseDue, city: cityDue, enterprisesReminded: 0, citiesReminded: 0, notifications: 0 };
      // A transaction of the schedule's own (no actor, no audit row).
      await this.unitOfWork.run(null, 'reminders.daily', async (m) => {
        if (enterpriseDue) {
          const sent = await this.chaseEnterprises(m, province.path, settings, today, enterpriseDue);
          entry.enterprisesReminded = sent.enterprises;
          out.push(...sent.notifications);
        }
        if (cityDue) {
          const sent = await this.chaseCities(m, province.path, settings, today, cityDue);
          entry.citiesReminded = sent.cities;
          out.push(...sent.notifications);
        }
      });
      entry.notifications = out.length;
      result.years.push(entry);
      await this.notifications.deliver(out);
    }
    this.logger.log(`reminders for ${today}: ${JSON.stringify(result.years)}`);
    return result;
  }

  private async chaseEnterprises(m: EntityManager, provincePath: string, s: FilingSettings, today: string, due: DueReminder) {
    const targets = await this.repo.outstanding(m, { path: provincePath, year: s.year, windowOpens: s.windowOpens });
    const reminded = await this.logChase(m, targets.map((t) => `enterprise:${t.id}`), s.year, today, due.kind, null);
    const text =
      due.kind === 'deadline-approaching'
        ? { title: `${s.year} 年度报告将于 ${s.enterpriseDeadline} 截止`, body: `距报送截止还有 ${due.daysLeft} 天，请尽快填报并提交。` }
        : { title: `${s.year} 年度报告已逾期`, body: `报送截止日期为 ${s.enterpriseDeadline}，已逾期 ${due.daysOverdue} 天，请尽快提交（逾期提交将标记为迟报）。` };
    const link = `/my/annual-report?year=${s.year}`;
    // The chase in the bell, and by e-mail and SMS, in this transaction (issue 22).
    const notifications: OutgoingNotification[] = reminded.length
      ? await this.notifications.notify(
          m,
          { enterpriseIds: reminded.map((key) => key.slice('enterprise:'.length)) },
          { kind: due.kind, ...text, link, dedupeKey: `chase:${s.year}:${today}`, params: { year: s.year, deadline: s.enterpriseDeadline } },
        )
      : [];
    // Officers get one digest a day: how many of their enterprises are still outstanding (bell only).
    const outstanding = targets.map((t) => t.region_path);
    if (outstanding.length) {
      const title = due.kind === 'deadline-approaching' ? `${s.year} 年度企业年报 ${due.daysLeft} 天后截止` : `${s.year} 年度企业年报已逾期 ${due.daysOverdue} 天`;
      notifications.push(
        ...(await this.notifications.outstandingDigest(m, outstanding, { kind: due.kind, title, link: `/annual-reports/status?year=${s.year}`, dedupeKey: `digest:${s.year}:${today}` })),
      );
    }
    return { enterprises: reminded.length, notifications };
  }

  private async chaseCities(m: EntityManager, provincePath: string, s: FilingSettings, today: string, due: DueReminder) {
    const cities = await this.repo.citiesOutstanding(m, provincePath, s.year);
    const reminded = await this.logChase(m, cities.map((code) => `city:${code}`), s.year, today, due.kind, null);
    const text =
      due.kind === 'deadline-approaching'
        ? { title: `${s.year} 市州年度报告将于 ${s.cityDeadline} 截止`, body: `距报送截止还有 ${due.daysLeft} 天，请完成企业年报审核并上报市州年度报告。` }
        : { title: `${s.year} 市州年度报告已逾期`, body: `市州年度报告截止日期为 ${s.cityDeadline}，已逾期 ${due.daysOverdue} 天。` };
    const notifications: OutgoingNotification[] = [];
    for (const subject of reminded) {
      notifications.push(
        ...(await this.notifications.notify(m, { regionCode: subject.slice('city:'.length), roles: ['city'] }, {
          kind: due.kind,
          ...text,
          link: `/city-report?year=${s.year}`,
          dedupeKey: `city-chase:${s.year}:${today}`,
        })),
      );
    }
    return { cities: reminded.length, notifications };
  }

  /** Records a chase per subject for the day; returns the subjects not already chased today. */
  private async logChase(m: EntityManager, subjects: string[], year: number, today: string, kind: string, by: string | null): Promise<string[]> {
    if (!subjects.length) return [];
    return this.repo.logChase(m, { subjects, year, onDate: today, kind, by, at: this.clock.now() });
  }
}

